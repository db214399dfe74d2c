import { DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { ClassicDashboardBuilder } from '../board.ts';
import { DataqueryBuilder as PromQuery } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { visibleLegend } from '../panels.ts';
import type { DashboardSettings } from '../settings.ts';

export const PIPELINE_DASHBOARD_UID = 'callwatch-pipeline-health';

// Dashboard 4: the services' own Prometheus metrics (ingest/metrics.ts, processors/**). Every metric
// named here is checked against the names the services register (dashboards/metric-names.test.ts).

export interface PromPanelSpec {
  title: string;
  description: string;
  unit: string;
  /** [PromQL, legend] per series. */
  queries: readonly (readonly [string, string])[];
  width?: number;
}

function promPanel(uid: string, p: PromPanelSpec): TimeSeriesPanel {
  const panel = new TimeSeriesPanel()
    .title(p.title)
    .description(p.description)
    .datasource({ type: 'prometheus', uid })
    .unit(p.unit)
    .legend(visibleLegend())
    .min(0)
    .span(p.width ?? 12)
    .height(8);
  p.queries.forEach(([expr, legend], i) => {
    panel.withTarget(new PromQuery().datasource({ type: 'prometheus', uid }).expr(expr).legendFormat(legend).range().refId(String.fromCharCode(65 + i)));
  });
  return panel;
}

const rate = (metric: string, by: string): string => `sum by (${by}) (rate(${metric}[$__rate_interval]))`;
const p99 = (histogram: string, by: string): string =>
  `histogram_quantile(0.99, sum by (le${by ? `, ${by}` : ''}) (rate(${histogram}_bucket[$__rate_interval])))`;

export const PIPELINE_PANELS: readonly (PromPanelSpec & { row: string })[] = [
  {
    row: 'Ingest',
    title: 'Ingest rate',
    description: 'Records per second received by the collectors, accepted (acknowledged to the client) and confirmed by Kafka, per kind.',
    unit: 'reqps',
    queries: [
      [rate('callwatch_ingest_records_received_total', 'kind'), '{{kind}} received'],
      [rate('callwatch_ingest_records_accepted_total', 'kind'), '{{kind}} accepted'],
      [rate('callwatch_ingest_records_produced_total', 'kind'), '{{kind}} produced'],
    ],
  },
  {
    row: 'Ingest',
    title: 'Rejected records by reason',
    description: 'Records refused by validation per second, by kind and first reason.',
    unit: 'reqps',
    queries: [[rate('callwatch_ingest_records_rejected_total', 'kind, reason'), '{{kind}} {{reason}}']],
  },
  {
    row: 'Ingest',
    title: 'Refused requests',
    description: 'Requests shed for overload (503), rate-limited (429), failed for want of a Kafka confirmation (503), and refused for authentication (401/403).',
    unit: 'reqps',
    queries: [
      [rate('callwatch_ingest_requests_shed_total', 'reason'), 'shed {{reason}}'],
      [rate('callwatch_ingest_requests_rate_limited_total', 'limiter'), 'rate-limited {{limiter}}'],
      [rate('callwatch_ingest_produce_failures_total', 'kind'), 'produce failed {{kind}}'],
      [rate('callwatch_ingest_auth_failures_total', 'status'), 'auth {{status}}'],
    ],
  },
  {
    row: 'Ingest',
    title: 'Ingest latency (p99)',
    description: 'From handing records to the producer until Kafka confirmed them, and whole HTTP requests, 99th percentile.',
    unit: 's',
    queries: [
      [p99('callwatch_ingest_produce_latency_seconds', 'kind'), 'produce {{kind}}'],
      [p99('callwatch_ingest_request_duration_seconds', 'route'), 'request {{route}}'],
    ],
  },
  {
    row: 'Processors',
    title: 'Consumer lag',
    description: 'Records behind the log end, summed over the assigned partitions of each topic. Growing lag with few rows written means the processors are stalled.',
    unit: 'short',
    queries: [['sum by (topic) (callwatch_processor_consumer_lag)', '{{topic}}']],
  },
  {
    row: 'Processors',
    title: 'Records consumed and rows written',
    description: 'Kafka records read per topic and rows inserted into ClickHouse per table, per second; duplicates skipped per table.',
    unit: 'reqps',
    queries: [
      [rate('callwatch_processor_records_consumed_total', 'topic'), 'consumed {{topic}}'],
      [rate('callwatch_processor_rows_written_total', 'table'), 'written {{table}}'],
      [rate('callwatch_processor_records_deduplicated_total', 'table'), 'deduplicated {{table}}'],
    ],
  },
  {
    row: 'Processors',
    title: 'Dead letters',
    description: 'Records sent to the dead-letter topic in each interval, by source topic and reason.',
    unit: 'short',
    queries: [['sum by (source_topic, reason) (increase(callwatch_processor_dead_lettered_total[$__rate_interval]))', '{{source_topic}} {{reason}}']],
  },
  {
    row: 'Processors',
    title: 'Processor latency (p99)',
    description: 'ClickHouse insert latency per table and record age at insert (Kafka timestamp to stored), 99th percentile.',
    unit: 's',
    queries: [
      [p99('callwatch_processor_insert_seconds', 'table'), 'insert {{table}}'],
      [p99('callwatch_processor_record_age_at_insert_seconds', ''), 'record age at insert'],
    ],
  },
  {
    row: 'Processors',
    title: 'Retries and lost commits',
    description: 'Failed attempts retried per step, and batches stored but not committed because their partitions were revoked (re-read, deduplicated).',
    unit: 'short',
    queries: [
      ['sum by (step) (increase(callwatch_processor_retries_total[$__rate_interval]))', 'retry {{step}}'],
      ['sum(increase(callwatch_processor_commits_lost_total[$__rate_interval]))', 'commits lost'],
    ],
  },
  {
    row: 'Spike detection',
    title: 'Spike evaluation',
    description: 'Seconds since the last successful spike evaluation, and failed evaluations per interval.',
    unit: 's',
    queries: [
      ['time() - max(callwatch_spike_last_evaluation_timestamp_seconds)', 'since last evaluation'],
      ['sum(increase(callwatch_spike_evaluation_failures_total[$__rate_interval]))', 'failures'],
    ],
  },
  {
    row: 'Spike detection',
    title: 'Live verdicts in the newest week',
    description: 'Spike and level-shift verdicts of the newest evaluated week, by scope and kind.',
    unit: 'short',
    queries: [['sum by (scope, kind) (callwatch_spike_verdicts_latest_week)', '{{scope}} {{kind}}']],
  },
];

export function pipelineDashboard(s: DashboardSettings): ClassicDashboardBuilder {
  const board = new ClassicDashboardBuilder('callwatch — Pipeline health')
    .uid(PIPELINE_DASHBOARD_UID)
    .description('Collectors, stream processors and spike detection, from their Prometheus metrics (/metrics on every service).')
    .readonly()
    .tags(['callwatch', 'operations'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .timezone('utc')
    .tooltip(DashboardCursorSync.Crosshair);
  let row = '';
  for (const p of PIPELINE_PANELS) {
    if (p.row !== row) {
      board.withRow(new RowBuilder(p.row));
      row = p.row;
    }
    board.withPanel(promPanel(s.prometheusUid, p));
  }
  return board;
}
