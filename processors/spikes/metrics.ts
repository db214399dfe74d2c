import { counter, gauge, histogram, LATENCY_BUCKETS_SECONDS } from '../../core/metrics.ts';

// Spike detection's metrics, on the process's shared registry.
export const spikeMetrics = {
  /** Verdict changes written, by scope, kind and action (NEW, UPDATED, RETRACTED). */
  changes: counter('callwatch_spike_verdict_changes_total', 'Spike verdicts added, updated or retracted by the evaluator', ['scope', 'kind', 'action']),
  /** Live verdicts in the newest evaluated week, by scope and kind (Prometheus alert rules watch this). */
  latestWeek: gauge('callwatch_spike_verdicts_latest_week', 'Live spike verdicts in the newest evaluated week', ['scope', 'kind']),
  series: gauge('callwatch_spike_series_evaluated', 'Weekly series judged in the last evaluation', ['scope']),
  lastSuccess: gauge('callwatch_spike_last_evaluation_timestamp_seconds', 'When the last spike evaluation finished (Unix seconds)'),
  failures: counter('callwatch_spike_evaluation_failures_total', 'Spike evaluations that failed'),
  duration: histogram('callwatch_spike_evaluation_seconds', 'Time one spike evaluation took (read, detect, write, alert)', [], [...LATENCY_BUCKETS_SECONDS, 30, 60]),
};
