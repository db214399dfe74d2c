// The pipeline-health alerts that read the services' Prometheus metrics, written once. Two outputs are
// generated from this list: the Grafana-managed rules (dashboards/alerts.ts, for the alerts marked
// `grafana`) and the Prometheus rules file (dashboards/prometheus-rules.ts, every alert). A change of
// a query, threshold or wording here changes both.

/** Windows and `for` of one evaluation; the defaults are the production values. */
export interface AlertTiming {
  /** Range of the rate / increase / delta in the query, a Prometheus duration ('15m'). */
  window: string;
  /** How long the condition must hold before the alert fires ('0s' = at once). */
  for: string;
}

export type Severity = 'critical' | 'warning';

export interface PipelineAlert {
  /** Prometheus alert name. */
  name: string;
  /** Grafana rule uid (also where the title is shown). */
  uid: string;
  title: string;
  /** The value the threshold is compared with, as PromQL over `window`. */
  value: (window: string) => string;
  threshold: { op: 'gt' | 'lt'; value: number };
  /** PromQL that follows the threshold comparison (set operators such as `unless on() …`). */
  guard?: (window: string) => string;
  timing: AlertTiming;
  severity: Severity;
  /**
   * When the value has no series at all. Prometheus has no no-data state: an alert that must fire
   * on absence gets `unmeasured` added to its expression with `or`. Grafana uses noDataState.
   */
  noData: { grafana: 'Alerting' | 'OK'; unmeasured?: (window: string) => string };
  /** A summary that quotes the value: `value` is the template text of the value in each system. */
  summary: (value: string) => string;
  /** How Prometheus prints the value in the summary: a plain number or a share as a percentage. */
  valueFormat?: 'percentage';
  description: string;
  /** Also provisioned as a Grafana-managed rule (else Prometheus only). */
  grafana: boolean;
}

const PROCESSOR_LAG = 'callwatch_processor_consumer_lag';
const INGEST_SERIES = 'callwatch_ingest_request_duration_seconds_count';

export const PIPELINE_ALERTS: readonly PipelineAlert[] = [
  {
    name: 'CallwatchConsumerLagGrowing',
    uid: 'callwatch-consumer-lag-growing',
    title: 'Pipeline stalled: consumer lag growing',
    value: (w) => `sum(delta(${PROCESSOR_LAG}[${w}]))`,
    threshold: { op: 'gt', value: 0 },
    timing: { window: '15m', for: '15m' },
    severity: 'critical',
    noData: {
      // No lag series at all means no processor is being scraped: as bad as a stall.
      grafana: 'Alerting',
      // The processors report their own lag, so a stopped processor reports none. Records still
      // reaching Kafka while no processor reports lag is a stall whose lag cannot be measured.
      unmeasured: (w) => `(sum(increase(callwatch_ingest_records_produced_total[${w}])) > 0 unless on() count(${PROCESSOR_LAG}))`,
    },
    summary: () => 'Consumer lag has grown for 15 minutes on end',
    description: 'The processors read more slowly than records arrive, or not at all. Check retries (ClickHouse or registry failing) and batch latency.',
    grafana: true,
  },
  {
    name: 'CallwatchDeadLettersGrowing',
    uid: 'callwatch-dead-letters-growing',
    title: 'Dead letters growing',
    value: (w) => `sum(increase(callwatch_processor_dead_lettered_total[${w}]))`,
    threshold: { op: 'gt', value: 0 },
    timing: { window: '10m', for: '0s' },
    severity: 'warning',
    // The counter has no series until the first dead letter: no data is the healthy state.
    noData: { grafana: 'OK' },
    summary: (v) => `${v} records went to the dead-letter topic in the last 10 minutes`,
    description: 'Records that could not be decoded or validated downstream. Each dead letter carries its reason; see the Dead letters panel by reason.',
    grafana: true,
  },
  {
    name: 'CallwatchIngestStalled',
    uid: 'callwatch-ingest-stalled',
    title: 'Ingest stalled: records received, none confirmed by Kafka',
    // Received minus produced would be wrong while rejections happen; "none produced" is the stall.
    value: (w) => `sum(increase(callwatch_ingest_records_received_total[${w}]))`,
    threshold: { op: 'gt', value: 0 },
    guard: (w) => `unless on() sum(increase(callwatch_ingest_records_produced_total[${w}])) > 0`,
    timing: { window: '10m', for: '5m' },
    severity: 'critical',
    noData: { grafana: 'OK' },
    summary: (v) => `The collectors received ${v} records in 10 minutes and Kafka confirmed none`,
    description: 'Records reach the collectors but none is written to Kafka: the broker or the schema registry is down or refusing. Clients get 503 and retry.',
    grafana: false,
  },
  {
    name: 'CallwatchCollectorErrors',
    uid: 'callwatch-collector-errors',
    title: 'Collectors answer 5xx (503 overload or Kafka not confirming)',
    value: (w) => `sum(rate(${INGEST_SERIES}{status=~"5.."}[${w}])) / sum(rate(${INGEST_SERIES}[${w}]))`,
    threshold: { op: 'gt', value: 0.05 },
    timing: { window: '5m', for: '5m' },
    severity: 'warning',
    noData: { grafana: 'OK' },
    summary: (v) => `${v} of the collectors' requests were answered 5xx over 5 minutes`,
    valueFormat: 'percentage',
    description: 'More than 5% of collector requests end in 5xx: 503 for overload shedding or for records Kafka did not confirm in time. Check the Refused requests panel.',
    grafana: false,
  },
  {
    name: 'CallwatchServiceDown',
    uid: 'callwatch-service-down',
    title: 'A callwatch service does not answer /metrics',
    value: () => 'up{job=~"callwatch-.+"}',
    threshold: { op: 'lt', value: 1 },
    timing: { window: '1m', for: '2m' },
    severity: 'critical',
    noData: { grafana: 'OK' },
    summary: () => '{{ $labels.job }} at {{ $labels.instance }} does not answer /metrics',
    description: 'Prometheus cannot scrape the service: it is stopped, crashed or hung. Its own work (ingest, processing, spike detection or look-ups) is not being done.',
    grafana: false,
  },
];

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds of a simple Prometheus duration ('90s', '15m', '2h', '1d'); anything else is refused. */
export function durationSeconds(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text);
  const unit = m?.[2] === undefined ? undefined : UNIT_SECONDS[m[2]];
  if (m?.[1] === undefined || unit === undefined) throw new Error(`not a simple duration: ${text}`);
  return Number(m[1]) * unit;
}
