import { PIPELINE_DASHBOARD_UID } from './boards/pipeline.ts';
import { PIPELINE_ALERTS, type AlertTiming, type PipelineAlert } from './pipeline-alerts.ts';

// The Prometheus alerting rules file (Prometheus docs, "Alerting rules": groups of {alert, expr,
// for, labels, annotations}), generated from the same alert list as the Grafana-managed rules.
// Checked by `promtool check rules` and unit-tested by `promtool test rules`
// (dashboards/prometheus/rules.test.yaml, run by dashboards/prometheus-rules.test.ts).

export interface PrometheusRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PrometheusRulesFile {
  groups: { name: string; interval: string; rules: PrometheusRule[] }[];
}

export interface PrometheusRuleOptions {
  /** Evaluation interval of the group. */
  interval: string;
  /** Replaces every alert's window and `for` (the live-alert test uses seconds, not minutes). */
  timing?: AlertTiming;
}

const OPS = { gt: '>', lt: '<' } as const;

export function prometheusExpr(a: PipelineAlert, timing: AlertTiming = a.timing): string {
  const w = timing.window;
  const parts = [`${a.value(w)} ${OPS[a.threshold.op]} ${a.threshold.value}`];
  if (a.guard) parts.push(a.guard(w));
  let expr = parts.join(' ');
  if (a.noData.unmeasured) expr = `(${expr}) or ${a.noData.unmeasured(w)}`;
  return expr;
}

export function prometheusRule(a: PipelineAlert, timing?: AlertTiming): PrometheusRule {
  return {
    alert: a.name,
    expr: prometheusExpr(a, timing),
    for: timing?.for ?? a.timing.for,
    labels: { service: 'callwatch', category: 'pipeline', severity: a.severity },
    annotations: {
      summary: a.summary(a.valueFormat === 'percentage' ? '{{ $value | humanizePercentage }}' : '{{ $value | humanize }}'),
      description: a.description,
      title: a.title,
      grafana_dashboard_uid: PIPELINE_DASHBOARD_UID,
    },
  };
}

export function prometheusRulesFile(o: PrometheusRuleOptions = { interval: '30s' }): PrometheusRulesFile {
  return { groups: [{ name: 'callwatch-pipeline', interval: o.interval, rules: PIPELINE_ALERTS.map((a) => prometheusRule(a, o.timing)) }] };
}
