import { QueryBuilder, RuleBuilder, type Query, type Rule } from '@grafana/grafana-foundation-sdk/alerting';
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import { TypeReduceBuilder, TypeThresholdBuilder } from '@grafana/grafana-foundation-sdk/expr';
import { DataqueryBuilder as PromQuery } from '@grafana/grafana-foundation-sdk/prometheus';
import { NUISANCE_DASHBOARD_UID } from './boards/nuisance.ts';
import { PIPELINE_DASHBOARD_UID } from './boards/pipeline.ts';
import { ClickhouseFormat, ClickhouseQueryBuilder } from './clickhouse-query.ts';
import { durationSeconds, PIPELINE_ALERTS } from './pipeline-alerts.ts';
import type { DashboardSettings } from './settings.ts';
import { recordsStoredAlertSql, spikesAlertSql } from './sql/alerts.ts';

// Grafana-managed alert rules, built with the foundation SDK's alerting builders and written in the
// file-provisioning format (Grafana docs, "Provision alert rules": apiVersion 1, groups of rules, each
// rule's data = [query, reduce, threshold] with the threshold as its condition).

const EXPR = { type: '__expr__', uid: '__expr__' } as const;

type ThresholdOp = 'gt' | 'lt';

interface RuleSpec {
  uid: string;
  title: string;
  /** The query: its datasource uid, model, and the seconds back from now it reads. */
  datasourceUid: string;
  model: Builder<Dataquery>;
  lookbackSeconds: number;
  threshold: { op: ThresholdOp; value: number };
  for: string;
  noDataState: Rule['noDataState'];
  execErrState: Rule['execErrState'];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The dashboard the alert links to (a rule-level field of the provisioning format). */
  dashboardUid: string;
}

interface BuiltRule {
  builder: RuleBuilder;
  dashboardUid: string;
}

function rule(s: RuleSpec): BuiltRule {
  const builder = 
new RuleBuilder(s.title)
    .uid(s.uid)
    .condition('C')
    .queries([
      new QueryBuilder('A').datasourceUid(s.datasourceUid).relativeTimeRange({ from: s.lookbackSeconds, to: 0 }).model(s.model),
      new QueryBuilder('B').datasourceUid(EXPR.uid).model(new TypeReduceBuilder().refId('B').datasource(EXPR).expression('A').reducer('last')),
      new QueryBuilder('C')
        .datasourceUid(EXPR.uid)
        .model(new TypeThresholdBuilder().refId('C').datasource(EXPR).expression('B').conditions([{ evaluator: { type: s.threshold.op, params: [s.threshold.value] } }])),
    ])
    .forDuration(s.for)
    .noDataState(s.noDataState)
    .execErrState(s.execErrState)
    .labels(s.labels)
    .annotations(s.annotations);
  return { builder, dashboardUid: s.dashboardUid };
}

const promInstant = (uid: string, expr: string): PromQuery => new PromQuery().datasource({ type: 'prometheus', uid }).expr(expr).instant().refId('A');

export interface RuleGroupSpec {
  name: string;
  intervalSeconds: number;
  rules: BuiltRule[];
}

export function ruleGroups(s: DashboardSettings): RuleGroupSpec[] {
  const chQuery = (sql: string): ClickhouseQueryBuilder => new ClickhouseQueryBuilder(s.clickhouseUid, sql, ClickhouseFormat.Table).refId('A');
  return [
    {
      name: 'callwatch-spikes',
      intervalSeconds: 300,
      rules: [
        rule({
          uid: 'callwatch-spike-detected',
          title: 'Nuisance-call spike or level shift',
          datasourceUid: s.clickhouseUid,
          model: chQuery(spikesAlertSql(s.database)),
          // The current and the previous week: a verdict stays firing for the week it concerns.
          lookbackSeconds: 7 * 86_400,
          threshold: { op: 'gt', value: 0 },
          for: '0s',
          noDataState: 'OK',
          execErrState: 'Error',
          labels: { service: 'callwatch', category: 'spike' },
          annotations: {
            summary: '{{ $labels.kind }} of {{ $labels.scope }} {{ $labels.key }} in the week of {{ $labels.latest_week }}: {{ $values.B }} reports',
            description: 'Spike detection (processors/spikes) judged this series well above its own baseline. A LEVEL_SHIFT is a lasting rise of a channel or of the whole stream, not one number.',
          },
          dashboardUid: NUISANCE_DASHBOARD_UID,
        }),
      ],
    },
    {
      name: 'callwatch-pipeline',
      intervalSeconds: 60,
      rules: [
        rule({
          uid: 'callwatch-pipeline-no-records',
          title: 'Pipeline stalled: no records stored',
          datasourceUid: s.clickhouseUid,
          model: chQuery(recordsStoredAlertSql(s.database)),
          lookbackSeconds: 30 * 60,
          threshold: { op: 'lt', value: 1 },
          for: '10m',
          noDataState: 'Alerting',
          execErrState: 'Error',
          labels: { service: 'callwatch', category: 'pipeline', severity: 'critical' },
          annotations: {
            summary: 'No CDR or report received in the last 30 minutes has been stored in ClickHouse',
            description: 'Either nothing reaches the collectors or the processors do not write. Check the Pipeline health dashboard: consumer lag, rejected records, retries.',
          },
          dashboardUid: PIPELINE_DASHBOARD_UID,
        }),
        ...PIPELINE_ALERTS.filter((a) => a.grafana).map((a) =>
          rule({
            uid: a.uid,
            title: a.title,
            datasourceUid: s.prometheusUid,
            model: promInstant(s.prometheusUid, a.value(a.timing.window)),
            lookbackSeconds: durationSeconds(a.timing.window),
            threshold: a.threshold,
            for: a.timing.for,
            noDataState: a.noData.grafana,
            execErrState: 'Error',
            labels: { service: 'callwatch', category: 'pipeline', severity: a.severity },
            annotations: { summary: a.summary('{{ $values.B }}'), description: a.description },
            dashboardUid: PIPELINE_DASHBOARD_UID,
          }),
        ),
      ],
    },
  ];
}

/** One rule as the provisioning file holds it (the API-only fields folderUID, orgID, ruleGroup dropped). */
export interface ProvisionedRule {
  uid: string;
  title: string;
  condition: string;
  data: Query[];
  for: string;
  noDataState: Rule['noDataState'];
  execErrState: Rule['execErrState'];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  dashboardUid: string;
  isPaused: boolean;
}

export interface AlertRulesFile {
  apiVersion: 1;
  groups: { orgId: number; name: string; folder: string; interval: string; rules: ProvisionedRule[] }[];
}

function provisioned({ builder, dashboardUid }: BuiltRule): ProvisionedRule {
  const r = builder.build();
  if (r.uid === undefined) throw new Error(`alert rule "${r.title}" has no uid`);
  return {
    uid: r.uid,
    title: r.title,
    condition: r.condition,
    data: r.data,
    for: r.for,
    noDataState: r.noDataState,
    execErrState: r.execErrState,
    labels: r.labels ?? {},
    annotations: r.annotations ?? {},
    dashboardUid,
    isPaused: r.isPaused ?? false,
  };
}

export function alertRulesFile(s: DashboardSettings): AlertRulesFile {
  return {
    apiVersion: 1,
    groups: ruleGroups(s).map((g) => ({
      orgId: 1,
      name: g.name,
      folder: s.folder,
      interval: `${g.intervalSeconds}s`,
      rules: g.rules.map(provisioned),
    })),
  };
}
