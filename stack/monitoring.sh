# shellcheck shell=bash
# Prometheus and Alertmanager of the local stack (Debian `prometheus` 2.42, `prometheus-alertmanager`
# 0.25). Sourced by stack.sh, which starts, stops and reports them like its other parts (PID files,
# start_bg, wait_until). Data, configuration and logs live under $STACK_DIR/monitoring.
#
# Prometheus scrapes the pipeline's services at their configured defaults (core/config/sections:
# collectors 18080, investigator API 18090, processors 9464, spike detection 9465; a unit test keeps
# the list below equal to them), evaluates the generated rules
# (dashboards/provisioning/prometheus/callwatch-rules.yaml) and sends alerts to Alertmanager.
# Services that are not running are simply down targets (and the service-down alert says so).
# Alertmanager delivers to CALLWATCH_ALERT_WEBHOOK_URL when set at `up`, else to no receiver.

APT_PACKAGES+=(prometheus prometheus-alertmanager)
SERVICES+=(alertmanager prometheus)

MONITORING_DIR=$STACK_DIR/monitoring
# job name = callwatch-<service>, target = host:port of its /metrics.
MONITORING_TARGETS=(
  "ingest 127.0.0.1:18080"
  "api 127.0.0.1:18090"
  "processors 127.0.0.1:9464"
  "spikes 127.0.0.1:9465"
)

monitoring_marker() {
  case $1 in
    prometheus) echo "--config.file=$MONITORING_DIR/prometheus.yml" ;;
    alertmanager) echo "--config.file=$MONITORING_DIR/alertmanager.yml" ;;
  esac
}

monitoring_where() {
  case $1 in
    prometheus) echo "http://127.0.0.1:$PROMETHEUS_PORT (rules, targets, alerts)" ;;
    alertmanager) echo "http://127.0.0.1:$ALERTMANAGER_PORT" ;;
  esac
}

prometheus_config() {
  local d=$MONITORING_DIR t job addr
  mkdir -p "$d/prometheus-data" "$d/targets"
  # One file_sd file per service: adding a target is writing a file (Prometheus re-reads them).
  for t in "${MONITORING_TARGETS[@]}"; do
    job=${t%% *} addr=${t#* }
    printf '[{"targets": ["%s"], "labels": {"job": "callwatch-%s"}}]\n' "$addr" "$job" >"$d/targets/$job.json"
  done
  cat >"$d/prometheus.yml" <<EOF
# Written by stack/monitoring.sh on every start; edit that file, not this one.
global:
  scrape_interval: 15s
  scrape_timeout: 5s
  evaluation_interval: 30s
rule_files:
  - $root/dashboards/provisioning/prometheus/callwatch-rules.yaml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$ALERTMANAGER_PORT"]
scrape_configs:
  - job_name: callwatch
    file_sd_configs:
      - files: ["$d/targets/*.json"]
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:$PROMETHEUS_PORT"]
EOF
}

alertmanager_config() {
  local d=$MONITORING_DIR receiver
  mkdir -p "$d/alertmanager-data"
  if [ -n "${CALLWATCH_ALERT_WEBHOOK_URL:-}" ]; then
    receiver="    webhook_configs:
      - url: \"$CALLWATCH_ALERT_WEBHOOK_URL\"
        send_resolved: true"
  else
    receiver="    # no integration: alerts are visible in the UI and API only (set CALLWATCH_ALERT_WEBHOOK_URL)"
  fi
  cat >"$d/alertmanager.yml" <<EOF
# Written by stack/monitoring.sh on every start; edit that file, not this one.
route:
  receiver: callwatch
  group_by: [alertname, job]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: callwatch
$receiver
EOF
}

prometheus_ready() { curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" 2>/dev/null; }
alertmanager_ready() { curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$ALERTMANAGER_PORT/-/ready" 2>/dev/null; }

start_prometheus() {
  prometheus_config
  promtool check config "$MONITORING_DIR/prometheus.yml" >>"$LOGS/prometheus.out" 2>&1 || die "prometheus.yml or its rules are invalid (log: $LOGS/prometheus.out)"
  start_bg prometheus prometheus --config.file="$MONITORING_DIR/prometheus.yml" \
    --storage.tsdb.path="$MONITORING_DIR/prometheus-data" --storage.tsdb.retention.time=15d \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --web.enable-lifecycle
  wait_until prometheus 60 prometheus_ready
}

start_alertmanager() {
  alertmanager_config
  # An empty cluster address turns off the gossip listener (it would bind 0.0.0.0:9094).
  start_bg alertmanager prometheus-alertmanager --config.file="$MONITORING_DIR/alertmanager.yml" \
    --storage.path="$MONITORING_DIR/alertmanager-data" \
    --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" --cluster.listen-address=
  wait_until alertmanager 60 alertmanager_ready
}
