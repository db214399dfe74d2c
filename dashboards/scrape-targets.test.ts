import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiSection } from '../core/config/sections/api.ts';
import { ingestSection } from '../core/config/sections/ingest.ts';
import { processorsSection } from '../core/config/sections/processors.ts';
import { spikesSection } from '../core/config/sections/spikes.ts';

// The stack's Prometheus (stack/monitoring.sh) scrapes each service where its configuration's
// defaults put it; the alert rules' `up{job=~"callwatch-.+"}` relies on the job names.

const script = readFileSync(fileURLToPath(new URL('../stack/monitoring.sh', import.meta.url)), 'utf8');

function scriptTargets(): Record<string, string> {
  const block = /MONITORING_TARGETS=\(\n([\s\S]*?)\n\)/.exec(script)?.[1] ?? '';
  return Object.fromEntries([...block.matchAll(/"([a-z]+) ([0-9.:]+)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
}

describe('stack Prometheus scrape targets', () => {
  it('are the services at their configured default addresses', () => {
    const ingest = ingestSection.parse({});
    const api = apiSection.parse({});
    const processors = processorsSection.parse({});
    const spikes = spikesSection.parse({});
    expect(scriptTargets()).toEqual({
      ingest: `${ingest.host}:${ingest.port}`,
      api: `${api.host}:${api.port}`,
      processors: `${processors.httpHost}:${processors.httpPort}`,
      spikes: `${spikes.httpHost}:${spikes.httpPort}`,
    });
  });
});

describe('Prometheus datasource', () => {
  it('points at the port the stack runs Prometheus on (stack/ports.env)', async () => {
    const { PROMETHEUS_URL } = await import('./datasources.ts');
    const ports = readFileSync(fileURLToPath(new URL('../stack/ports.env', import.meta.url)), 'utf8');
    expect(PROMETHEUS_URL).toBe(`http://127.0.0.1:${/^PROMETHEUS_PORT=(\d+)$/m.exec(ports)?.[1] ?? 'missing'}`);
  });
});
