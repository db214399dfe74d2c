import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { enableDefaultMetrics, metricsRegistry } from '../core/metrics.ts';
import '../api/metrics.ts';
import '../ingest/form/metrics.ts';
import '../ingest/metrics.ts';
import '../processors/pipeline.ts';
import '../processors/sinks/clickhouse-records.ts';
import '../processors/sinks/dead-letter.ts';
import '../processors/sources/kafka-avro.ts';
import '../processors/spikes/metrics.ts';
import { PIPELINE_ALERTS } from './pipeline-alerts.ts';
import { prometheusRulesFile } from './prometheus-rules.ts';
import { toYaml } from './serialize.ts';

// The generated Prometheus rules checked by Prometheus's own tool (Debian `prometheus`, promtool
// 2.42; installed by stack/stack.sh install): `check rules` (syntax, PromQL, templates), `test rules`
// (dashboards/prometheus/rules.test.yaml: every alert fires where it should and stays quiet where it
// should not) and `check metrics` on what the services expose.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RULES = join(ROOT, 'dashboards/provisioning/prometheus/callwatch-rules.yaml');
const RULE_TESTS = join(ROOT, 'dashboards/prometheus/rules.test.yaml');
const work = mkdtempSync(join(tmpdir(), 'callwatch-promtool-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function promtool(args: string[], input?: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', args, { input, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`promtool could not run (install Debian's prometheus: bash stack/stack.sh install): ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The rule tests run against another rules file (same tests, rule_files re-pointed). */
function ruleTestsAgainst(rulesText: string, name: string): { status: number | null; out: string } {
  const rules = join(work, `${name}.rules.yaml`);
  writeFileSync(rules, rulesText);
  const tests = readFileSync(RULE_TESTS, 'utf8').replace('../provisioning/prometheus/callwatch-rules.yaml', rules);
  const testsPath = join(work, `${name}.test.yaml`);
  writeFileSync(testsPath, tests);
  return promtool(['test', 'rules', testsPath]);
}

describe('Prometheus rules with promtool', () => {
  it('the committed rules file passes promtool check rules', () => {
    const r = promtool(['check', 'rules', RULES]);
    expect(r.out).toContain(`SUCCESS: ${PIPELINE_ALERTS.length} rules found`);
    expect(r.status).toBe(0);
  });

  it('the rules with the short test timing (the live-alert test) pass promtool check rules too', () => {
    const path = join(work, 'short.yaml');
    writeFileSync(path, toYaml(prometheusRulesFile({ interval: '1s', timing: { window: '20s', for: '5s' } }), 'short timing'));
    const r = promtool(['check', 'rules', path]);
    expect(r.status, r.out).toBe(0);
  });

  it('every alert fires and stays quiet where it should (promtool test rules)', () => {
    const r = promtool(['test', 'rules', RULE_TESTS]);
    expect(r.out).toContain('SUCCESS');
    expect(r.status, r.out).toBe(0);
  });

  it('the rule tests name every alert, each with a firing and a quiet case', () => {
    const text = readFileSync(RULE_TESTS, 'utf8');
    for (const a of PIPELINE_ALERTS) {
      const cases = text.split(/\n\s+- eval_time:/).filter((c) => c.includes(`alertname: ${a.name}\n`));
      expect(cases.some((c) => c.includes('exp_alerts: []')), `${a.name} has no quiet case`).toBe(true);
      expect(cases.some((c) => c.includes('exp_labels:')), `${a.name} has no firing case`).toBe(true);
    }
  });

  it('the rule tests fail against rules that never fire and against rules that always fire', () => {
    const file = prometheusRulesFile();
    const never = { groups: file.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, expr: 'vector(1) > 2' })) })) };
    const always = { groups: file.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, expr: 'vector(1)', for: '0s' })) })) };
    expect(ruleTestsAgainst(toYaml(never, 'never'), 'never').status).not.toBe(0);
    expect(ruleTestsAgainst(toYaml(always, 'always'), 'always').status).not.toBe(0);
  });

  it("every metric the services register passes promtool check metrics (prom-client's own defaults excepted by name)", async () => {
    enableDefaultMetrics('promtool-check');
    const exposition = await metricsRegistry.metrics();
    expect(exposition).toContain('# TYPE callwatch_processor_consumer_lag gauge');
    expect(exposition).toContain('# TYPE callwatch_ingest_records_received_total counter');
    const r = promtool(['check', 'metrics'], exposition);
    // prom-client's default nodejs_active_* gauges end in _total (prom-client's naming, not ours).
    const findings = r.out.split('\n').filter((l) => l.trim() !== '');
    const known = /^callwatch_nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;
    expect(findings.filter((l) => !known.test(l))).toEqual([]);
  });
});
