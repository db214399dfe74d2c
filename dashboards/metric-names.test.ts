import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alertRulesFile } from './alerts.ts';
import { PIPELINE_PANELS } from './boards/pipeline.ts';
import { prometheusRulesFile } from './prometheus-rules.ts';
import { defaultSettings } from './settings.ts';

// The Pipeline health dashboard and the Prometheus alert rules may only name metrics the services
// really register, with the labels they really carry. The registrations are read from the services'
// source (every `counter(` / `histogram(` / `gauge(` call of core/metrics.ts's helpers in ingest/
// and processors/), so renaming a metric there fails this test until the dashboards follow.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
type Kind = 'counter' | 'histogram' | 'gauge';

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

const STRING = String.raw`(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")`;
const REGISTRATION = new RegExp(String.raw`\b(counter|histogram|gauge)(?:<[^>]*>)?\(\s*'([a-z_:]+)'\s*,\s*${STRING}\s*(?:,\s*\[([^\]]*)\])?`, 'g');

function registeredMetrics(): Map<string, { kind: Kind; labels: string[] }> {
  const out = new Map<string, { kind: Kind; labels: string[] }>();
  for (const file of [...sourceFiles('ingest'), ...sourceFiles('processors')]) {
    for (const m of readFileSync(file, 'utf8').matchAll(REGISTRATION)) {
      const labels = [...(m[3] ?? '').matchAll(/'([a-z_]+)'/g)].map((l) => l[1] ?? '');
      out.set(m[2] ?? '', { kind: m[1] as Kind, labels });
    }
  }
  return out;
}

/** Series a registered metric exposes: histograms as _bucket (+le), _sum and _count. */
function exposedSeries(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, m] of registeredMetrics()) {
    if (m.kind === 'histogram') {
      out.set(`${name}_bucket`, [...m.labels, 'le']);
      out.set(`${name}_sum`, m.labels);
      out.set(`${name}_count`, m.labels);
    } else out.set(name, m.labels);
  }
  return out;
}

function promQueries(): string[] {
  const fromPanels = PIPELINE_PANELS.flatMap((p) => p.queries.map(([expr]) => expr));
  const fromRules = alertRulesFile(defaultSettings()).groups.flatMap((g) =>
    g.rules.flatMap((r) => r.data.filter((q) => q.datasourceUid === defaultSettings().prometheusUid).map((q) => (q.model as unknown as { expr: string }).expr)),
  );
  // Prometheus's own rules; `up` (Prometheus's series, not a service's) is left out.
  const fromPrometheus = prometheusRulesFile().groups.flatMap((g) => g.rules.map((r) => r.expr)).filter((e) => e.includes('callwatch_'));
  return [...fromPanels, ...fromRules, ...fromPrometheus];
}

describe('Prometheus metric names in dashboards and alert rules', () => {
  const series = exposedSeries();

  it('finds the services\' registrations (sanity: the parser sees the known metrics)', () => {
    expect(series.get('callwatch_ingest_records_rejected_total')).toEqual(['kind', 'reason']);
    expect(series.get('callwatch_processor_consumer_lag')).toEqual(['topic', 'partition']);
    expect(series.get('callwatch_processor_insert_seconds_bucket')).toEqual(['table', 'le']);
  });

  it.each(promQueries())('%s names only registered metrics and their labels', (expr) => {
    const metrics = [...expr.matchAll(/\bcallwatch_[a-z0-9_]+/g)].map((m) => m[0]);
    expect(metrics.length).toBeGreaterThan(0);
    for (const metric of metrics) {
      const labels = series.get(metric);
      expect(labels, `${metric} is not registered by any service`).toBeDefined();
      for (const by of expr.matchAll(/\bby \(([^)]*)\)/g)) {
        for (const label of (by[1] ?? '').split(',').map((l) => l.trim())) {
          // A `by` clause applies to the metric it aggregates; every metric in one expression here
          // shares the clause's labels, so each must carry them.
          expect(labels, `${metric} has no label "${label}"`).toContain(label);
        }
      }
    }
  });
});
