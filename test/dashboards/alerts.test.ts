import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { expandQuery } from '../../dashboards/macros.ts';
import type { DashboardSettings } from '../../dashboards/settings.ts';
import { ENGINES } from '../support/env.ts';
import { clickhouseQueries, type FoundQuery } from './queries.ts';
import { N2, seededDatabase, W2, W3, type SeededDatabase } from './seed.ts';

// Every ClickHouse alert rule's query, expanded over the rule's own relative time range at a chosen
// evaluation instant, run on each engine against seed.ts; then the rule's reduce (last) and
// threshold applied to each returned row (each row is an alert instance, string columns its labels)
// to show when the rule fires.

/** Rows of a numeric-long table: the one numeric column is the value, the others the labels. */
function instances(rows: readonly Record<string, unknown>[]): { labels: Record<string, unknown>; value: number }[] {
  return rows.map((row) => {
    const numeric = Object.entries(row).filter(([, v]) => typeof v === 'number');
    expect(numeric, `alert rows need exactly one numeric column: ${JSON.stringify(row)}`).toHaveLength(1);
    const [name, value] = numeric[0] as [string, number];
    return { labels: Object.fromEntries(Object.entries(row).filter(([k]) => k !== name)), value };
  });
}

function fires(q: FoundQuery, value: number): boolean {
  if (!q.alert) throw new Error(`${q.key} is not an alert`);
  if (q.alert.op === 'gt') return value > q.alert.value;
  if (q.alert.op === 'lt') return value < q.alert.value;
  throw new Error(`threshold ${q.alert.op} not handled here`);
}

describe.each(ENGINES)('ClickHouse alert rules on %s', (engine) => {
  let reader: Clickhouse;
  let settings: DashboardSettings;
  let db: SeededDatabase;

  async function evaluate(uid: string, now: string): Promise<{ q: FoundQuery; rows: Record<string, unknown>[] }> {
    const q = clickhouseQueries(settings).get(`alert/${uid}`);
    if (!q?.alert) throw new Error(`no ClickHouse alert rule ${uid}`);
    const to = new Date(now);
    const from = new Date(to.getTime() - q.alert.lookbackSeconds * 1000);
    // Alert queries run in Grafana's backend: macros only, no template variables.
    return { q, rows: await reader.query<Record<string, unknown>>(expandQuery(q.rawSql, { from, to, variables: {} })) };
  }

  beforeAll(async () => {
    db = await seededDatabase(engine, 'dash_alerts');
    ({ reader, settings } = db);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('covers every ClickHouse alert rule', () => {
    const alertKeys = [...clickhouseQueries(settings).keys()].filter((k) => k.startsWith('alert/')).sort();
    expect(alertKeys).toEqual(['alert/callwatch-pipeline-no-records', 'alert/callwatch-spike-detected']);
  });

  it('spike rule: one firing instance per live verdict of the last 7 days, labelled by scope, key and kind', async () => {
    // Evaluated Wednesday 2016-03-16 12:00: the range starts 2016-03-09 12:00, so weeks W2 and W3.
    // Live verdicts there: W2 overall (N1's W2 spike is retracted), W3 N2 and LIVE_CHAT.
    const { q, rows } = await evaluate('callwatch-spike-detected', '2016-03-16T12:00:00Z');
    const found = instances(rows);
    expect(found).toEqual([
      { labels: { scope: 'channel', key: 'LIVE_CHAT', kind: 'LEVEL_SHIFT', latest_week: W3 }, value: 3 },
      { labels: { scope: 'number', key: N2, kind: 'SPIKE', latest_week: W3 }, value: 4 },
      { labels: { scope: 'overall', key: 'ALL', kind: 'SPIKE', latest_week: W2 }, value: 5 },
    ]);
    expect(found.every((i) => fires(q, i.value))).toBe(true);
  });

  it('spike rule: nothing live in the window, no rows (NoData, configured OK)', async () => {
    const { rows } = await evaluate('callwatch-spike-detected', '2016-04-20T12:00:00Z');
    expect(rows).toEqual([]);
  });

  it('no-records rule: quiet when records arrived in the last 30 minutes, fires when none did', async () => {
    // seed.ts: k5 k6 k7 k8 were received at 14:01, 14:06, 14:11 and 14:21 on 2016-03-16 (setup + 60 s);
    // at 14:31 the window starts at 14:01:00 exactly, and the filter is inclusive.
    const busy = await evaluate('callwatch-pipeline-no-records', '2016-03-16T14:31:00Z');
    expect(instances(busy.rows)).toEqual([{ labels: {}, value: 4 }]);
    expect(fires(busy.q, 4)).toBe(false);

    const quiet = await evaluate('callwatch-pipeline-no-records', '2016-03-16T12:00:00Z');
    expect(instances(quiet.rows)).toEqual([{ labels: {}, value: 0 }]);
    expect(fires(quiet.q, 0)).toBe(true);
  });
});
