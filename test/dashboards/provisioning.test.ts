import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLICKHOUSE_PLUGIN } from '../../dashboards/clickhouse-query.ts';
import { toPlain } from '../../dashboards/serialize.ts';
import { parseYamlSubset } from './yaml-subset.ts';

// The committed provisioning files must be exactly what the code generates (CI fails on a stale
// export: run `npm run dashboards:generate` and commit), and must have the shape Grafana's file
// provisioning reads.

// The committed files describe the default stack (stack/ports.env), as dashboards/generate.ts writes
// them: the code that reads the ports is loaded with a second stack's ports file (if any) unset.
const portsFile = process.env.CALLWATCH_STACK_PORTS_FILE;
delete process.env.CALLWATCH_STACK_PORTS_FILE;
const { alertRulesFile } = await import('../../dashboards/alerts.ts');
const { PROVISIONING_DIR, renderProvisioning } = await import('../../dashboards/provisioning.ts');
const { defaultSettings } = await import('../../dashboards/settings.ts');
if (portsFile !== undefined) process.env.CALLWATCH_STACK_PORTS_FILE = portsFile;

const ROOT = new URL('../../', import.meta.url).pathname;
const DIR = join(ROOT, PROVISIONING_DIR);

function committedFiles(dir = DIR, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? committedFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

const generated = renderProvisioning(defaultSettings());

describe('committed provisioning files', () => {
  it('are exactly the files the code generates, no more, no fewer', () => {
    expect(committedFiles().sort()).toEqual([...generated.keys()].sort());
  });

  it.each([...generated.keys()])('%s is up to date (else run npm run dashboards:generate)', (path) => {
    expect(readFileSync(join(DIR, path), 'utf8')).toBe(generated.get(path));
  });

  it('are generated deterministically (a second run gives the same bytes)', () => {
    expect(renderProvisioning(defaultSettings())).toEqual(generated);
  });

  it('YAML files read back as the objects they were written from', () => {
    const s = defaultSettings();
    const rules = parseYamlSubset(readFileSync(join(DIR, 'alerting/callwatch-rules.yaml'), 'utf8'));
    expect(rules).toEqual(toPlain(alertRulesFile(s)));
    for (const path of [...generated.keys()].filter((p) => p.endsWith('.yaml'))) {
      expect(() => parseYamlSubset(readFileSync(join(DIR, path), 'utf8'))).not.toThrow();
    }
  });

  it('dashboard JSON files parse, have unique uids and only use the provisioned datasources', () => {
    const s = defaultSettings();
    const uids = new Set<string>();
    for (const path of [...generated.keys()].filter((p) => p.endsWith('.json'))) {
      const text = readFileSync(join(DIR, path), 'utf8');
      const board = JSON.parse(text) as { uid: string; title: string; panels: { datasource?: { uid: string; type: string } }[] };
      expect(board.uid).toMatch(/^callwatch-[a-z-]+$/);
      expect(uids.has(board.uid)).toBe(false);
      uids.add(board.uid);
      for (const ds of text.matchAll(/"datasource": \{\s*"type": "([^"]+)",\s*"uid": "([^"]+)"/g)) {
        expect([`${CLICKHOUSE_PLUGIN}/${s.clickhouseUid}`, `prometheus/${s.prometheusUid}`]).toContain(`${ds[1] ?? ''}/${ds[2] ?? ''}`);
      }
      // No credentials, no timestamps.
      expect(text).not.toMatch(/password|callwatch-dev-|\d{4}-\d{2}-\d{2}T\d{2}:/);
    }
    expect(uids.size).toBe(4);
  });

  it('the datasource file names the read-only user and takes its password from the environment', () => {
    const ds = parseYamlSubset(readFileSync(join(DIR, 'datasources/callwatch.yaml'), 'utf8')) as {
      datasources: { type: string; uid: string; jsonData: Record<string, unknown>; secureJsonData?: { password: string } }[];
    };
    const ch = ds.datasources.find((d) => d.type === CLICKHOUSE_PLUGIN);
    expect(ch?.jsonData).toMatchObject({ username: 'callwatch_ro', protocol: 'http', defaultDatabase: 'callwatch' });
    expect(ch?.secureJsonData?.password).toBe('${CALLWATCH_CLICKHOUSE__READER_PASSWORD}');
    expect(ds.datasources.map((d) => `${d.type}/${d.uid}`).sort()).toEqual([`${CLICKHOUSE_PLUGIN}/callwatch-clickhouse`, 'prometheus/callwatch-prometheus']);
  });
});

describe('alert rule file structure', () => {
  type Query = { refId: string; datasourceUid: string; relativeTimeRange?: { from: number; to: number }; model: Record<string, unknown> };
  type Rule = Record<string, unknown> & { uid: string; data: Query[]; condition: string };
  const file = parseYamlSubset(readFileSync(join(DIR, 'alerting/callwatch-rules.yaml'), 'utf8')) as {
    apiVersion: number;
    groups: { orgId: number; name: string; folder: string; interval: string; rules: Rule[] }[];
  };
  const rules = file.groups.flatMap((g) => g.rules);

  it('is apiVersion 1 with named groups in a folder, each with an interval', () => {
    expect(file.apiVersion).toBe(1);
    for (const g of file.groups) {
      expect(g).toMatchObject({ orgId: 1, folder: 'callwatch' });
      expect(g.name).toMatch(/^callwatch-/);
      expect(g.interval).toMatch(/^\d+[smh]$/);
    }
  });

  it('has the rules the issue asks for: spikes, pipeline stalled (no records; lag growing), dead letters', () => {
    expect(rules.map((r) => r.uid).sort()).toEqual([
      'callwatch-consumer-lag-growing',
      'callwatch-dead-letters-growing',
      'callwatch-pipeline-no-records',
      'callwatch-spike-detected',
    ]);
  });

  it.each(rules.map((r) => [r.uid, r] as const))('%s: fields Grafana requires, data = [query, reduce, threshold], condition on the threshold', (_uid, r) => {
    for (const field of ['uid', 'title', 'condition', 'data', 'for', 'noDataState', 'execErrState', 'labels', 'annotations']) expect(r).toHaveProperty(field);
    expect(r.uid.length).toBeLessThanOrEqual(40); // Grafana's limit on rule uids
    expect(['OK', 'NoData', 'Alerting', 'KeepLast']).toContain(r.noDataState);
    expect(['OK', 'Error', 'Alerting', 'KeepLast']).toContain(r.execErrState);
    expect(r.for).toMatch(/^\d+[smh]$/);
    const [query, reduce, threshold] = r.data;
    expect(r.data).toHaveLength(3);
    expect(query?.relativeTimeRange?.from).toBeGreaterThan(0);
    expect(query?.relativeTimeRange?.to).toBe(0);
    expect(query?.model.refId).toBe(query?.refId);
    expect([defaultSettings().clickhouseUid, defaultSettings().prometheusUid]).toContain(query?.datasourceUid);
    expect(reduce).toMatchObject({ datasourceUid: '__expr__', model: { type: 'reduce', expression: query?.refId, reducer: 'last' } });
    expect(threshold).toMatchObject({ datasourceUid: '__expr__', model: { type: 'threshold', expression: reduce?.refId } });
    expect(r.condition).toBe(threshold?.refId);
    // Query models are not environment-interpolated by Grafana, annotations only for ${VAR}: the
    // macros and the $labels / $values template references survive provisioning.
    expect(JSON.stringify(r.annotations)).not.toMatch(/\$\{/);
  });
});
