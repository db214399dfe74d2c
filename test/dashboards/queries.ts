import { alertRulesFile } from '../../dashboards/alerts.ts';
import { CLICKHOUSE_PLUGIN, type ClickhouseQuery } from '../../dashboards/clickhouse-query.ts';
import { allDashboards } from '../../dashboards/provisioning.ts';
import type { DashboardSettings } from '../../dashboards/settings.ts';

// Every ClickHouse query the provisioning holds — panel targets, annotation queries, alert-rule
// queries — taken from the built objects (the very ones the generator serialises), keyed
// "<dashboard uid>/<panel title>", "<dashboard uid>/annotation/<name>" or "alert/<rule uid>".

export interface FoundQuery {
  key: string;
  rawSql: string;
  format: number;
  /** Alert rules only: the rule's look-back (s) and its threshold. */
  alert?: { lookbackSeconds: number; op: string; value: number };
}

function isClickhouseQuery(q: unknown): q is ClickhouseQuery {
  const ds = (q as { datasource?: { type?: string } } | null)?.datasource;
  return ds?.type === CLICKHOUSE_PLUGIN && typeof (q as { rawSql?: unknown }).rawSql === 'string';
}

export function clickhouseQueries(s: DashboardSettings): Map<string, FoundQuery> {
  const found = new Map<string, FoundQuery>();
  const add = (q: FoundQuery): void => {
    if (found.has(q.key)) throw new Error(`two ClickHouse queries are both keyed ${q.key}: give panels distinct titles`);
    found.set(q.key, q);
  };
  for (const board of Object.values(allDashboards(s))) {
    const d = board.build();
    for (const panel of d.panels ?? []) {
      if (!('targets' in panel)) continue;
      for (const t of panel.targets ?? []) {
        if (isClickhouseQuery(t)) add({ key: `${d.uid ?? ''}/${panel.title ?? ''}`, rawSql: t.rawSql, format: t.format });
      }
    }
    for (const a of d.annotations.list ?? []) {
      if (isClickhouseQuery(a.target)) add({ key: `${d.uid ?? ''}/annotation/${a.name}`, rawSql: a.target.rawSql, format: a.target.format });
    }
  }
  for (const group of alertRulesFile(s).groups) {
    for (const rule of group.rules) {
      const [query, , threshold] = rule.data;
      if (!isClickhouseQuery(query?.model)) continue;
      const condition = (threshold?.model as unknown as { conditions: { evaluator: { type: string; params: number[] } }[] }).conditions[0]?.evaluator;
      add({
        key: `alert/${rule.uid}`,
        rawSql: query.model.rawSql,
        format: query.model.format,
        alert: { lookbackSeconds: query.relativeTimeRange?.from ?? 0, op: condition?.type ?? '', value: condition?.params[0] ?? Number.NaN },
      });
    }
  }
  return found;
}
