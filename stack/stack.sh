#!/usr/bin/env bash
# The local stack of real parts: Kafka (KRaft), Apicurio Registry, ClickHouse server, Prometheus and
# Alertmanager (stack/monitoring.sh).
# Everything lives under one git-ignored folder ($CALLWATCH_STACK_DIR, default ./.stack) and
# listens on 127.0.0.1 on non-default ports. `down` stops only the PIDs that `up` recorded.
#
#   stack.sh install          apt packages and Maven artifacts the stack needs (idempotent)
#   stack.sh up               install what is missing, start what is not running, wait until ready
#   stack.sh down             stop what up started
#   stack.sh status           what runs where
#   stack.sh logs [service]   tail the logs (kafka, registry, clickhouse)
#   stack.sh <command> --cluster   the same for the cluster stack (stack/cluster.sh)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# Ports and dev credentials; CALLWATCH_STACK_PORTS_FILE points at another file (core/config reads
# the same variable), e.g. to run a second stack beside the first.
# shellcheck source=stack/ports.env
source "${CALLWATCH_STACK_PORTS_FILE:-$here/ports.env}"

STACK_DIR=${CALLWATCH_STACK_DIR:-$root/.stack}
RUN=$STACK_DIR/run
LOGS=$STACK_DIR/logs
LIB=$STACK_DIR/lib
SERVICES=(clickhouse kafka registry)
# The pipeline's own services, started by the main job (scripts/demo.ts) with PID files here too,
# so that `down` stops them first, before the parts they depend on.
APP_SERVICES=(ingest processors spikes api)
APT_PACKAGES=(curl clickhouse-server clickhouse-client libzstd-dev chromium openjdk-17-jre-headless maven)
# Prometheus and Alertmanager: adds their packages and services to the lists above.
# shellcheck source=stack/monitoring.sh
source "$here/monitoring.sh"

say() { printf '[stack] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# --- install ---------------------------------------------------------------------------------

install_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # policy-rc.d keeps the package from starting a system-wide ClickHouse: we run our own.
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_maven() {
  if [ -f "$LIB/kafka/.complete" ] && [ -f "$LIB/apicurio/.complete" ]; then return 0; fi
  say "resolving Kafka and Apicurio Registry from Maven Central (first time only)"
  rm -rf "$LIB/kafka" "$LIB/apicurio" "$LIB/.markers"
  mvn -B -q -f "$here/pom.xml" -Dstack.dir="$STACK_DIR" process-resources
  [ -f "$LIB/apicurio/quarkus-run.jar" ] || die "Apicurio unpacked without quarkus-run.jar under $LIB/apicurio"
  touch "$LIB/kafka/.complete" "$LIB/apicurio/.complete"
}

cmd_install() {
  install_apt
  install_maven
}

# --- process bookkeeping ---------------------------------------------------------------------

pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }

# A PID file alone is not proof: the PID may have been reused, so check the command line too.
is_running() {
  local pid; pid=$(pid_of "$1")
  [ -n "$pid" ] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$(marker "$1")"
}

marker() {
  case $1 in
    clickhouse) echo "$STACK_DIR/clickhouse/config.xml" ;;
    kafka) echo "$STACK_DIR/kafka/server.properties" ;;
    registry) echo "-Dcallwatch.stack=$STACK_DIR" ;;
    ingest | processors | api) echo "$1/main.ts" ;;
    spikes) echo "processors/spikes/main.ts" ;;
    *) monitoring_marker "$1" ;;
  esac
}

start_bg() { # name, command...
  local name=$1; shift
  mkdir -p "$RUN" "$LOGS"
  # setsid: the service keeps running after this shell exits and gets no terminal signals.
  setsid "$@" >>"$LOGS/$name.out" 2>&1 </dev/null &
  local pid=$! i
  echo "$pid" >"$RUN/$name.pid"
  # Until the child has exec'd the command it is a copy of this shell, whose command line is not the
  # service's: is_running would say "not running" and wait_until would report an exit during start-up
  # (seen under load: "kafka2 exited during start-up" while the broker came up; an immediate check
  # missed 3 of 300 starts at load average 10). Wait for the exec, or for the child to be gone.
  for ((i = 0; i < 500; i++)); do
    is_running "$name" && return 0
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.01
  done
}

wait_until() { # name, seconds, check-function
  local name=$1 secs=$2 check=$3 i
  for ((i = 0; i < secs * 4; i++)); do
    if $check; then return 0; fi
    if ! is_running "$name"; then
      say "$name exited during start-up; last lines of its log:"
      tail -n 40 "$LOGS/$name.out" >&2 || true
      return 1
    fi
    sleep 0.25
  done
  say "$name not ready after ${secs}s; last lines of its log:"
  tail -n 40 "$LOGS/$name.out" >&2 || true
  return 1
}

# --- ClickHouse ------------------------------------------------------------------------------

clickhouse_config() {
  local d=$STACK_DIR/clickhouse
  mkdir -p "$d/data" "$d/tmp" "$d/user_files" "$d/format_schemas" "$LOGS"
  cat >"$d/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$LOGS/clickhouse-server.log</log>
    <errorlog>$LOGS/clickhouse-server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$CLICKHOUSE_HTTP_PORT</http_port>
  <tcp_port>$CLICKHOUSE_TCP_PORT</tcp_port>
  <interserver_http_port>$CLICKHOUSE_INTERSERVER_PORT</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>1024</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <format_schema_path>$d/format_schemas/</format_schema_path>
  <users_config>$d/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <query_log>
    <database>system</database>
    <table>query_log</table>
    <flush_interval_milliseconds>7500</flush_interval_milliseconds>
  </query_log>
  <!-- librdkafka settings of every Kafka table engine (keys with '_' for '.'). 18.16 sets no
       auto.offset.reset, so a new consumer group starts at librdkafka's default, the END of each
       partition, and reads nothing produced before the table existed (bench/README.md, Processors). -->
  <kafka>
    <auto_offset_reset>smallest</auto_offset_reset>
  </kafka>
</yandex>
EOF
  # default: admin for the stack script itself; writer: the pipeline; reader: dashboards and API.
  cat >"$d/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
    </default>
    <readonly>
      <!-- 2, not 1: reads only (no INSERT, ALTER, DROP, CREATE) but the HTTP client may send
           per-query settings (core/clickhouse/client.ts sends output_format_json_quote_64bit_integers);
           1 refuses every query that carries a setting (Code 164). -->
      <readonly>2</readonly>
      <max_memory_usage>2000000000</max_memory_usage>
    </readonly>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
    <$CLICKHOUSE_WRITER_USER>
      <password>$CLICKHOUSE_WRITER_PASSWORD</password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </$CLICKHOUSE_WRITER_USER>
    <$CLICKHOUSE_READER_USER>
      <password>$CLICKHOUSE_READER_PASSWORD</password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>readonly</profile>
      <quota>default</quota>
    </$CLICKHOUSE_READER_USER>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
  </interval></default></quotas>
</yandex>
EOF
}

clickhouse_ready() {
  [ "$(curl -fsS --max-time 2 "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/ping" 2>/dev/null)" = "Ok." ]
}

start_clickhouse() {
  clickhouse_config
  start_bg clickhouse clickhouse-server --config-file="$STACK_DIR/clickhouse/config.xml"
  wait_until clickhouse 30 clickhouse_ready
}

# --- Kafka -----------------------------------------------------------------------------------

kafka_java() { java -cp "$LIB/kafka/*" "$@"; }

kafka_config() {
  local d=$STACK_DIR/kafka
  mkdir -p "$d/data"
  cat >"$d/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$d/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=134217728
EOF
  cat >"$d/log4j2.properties" <<EOF
rootLogger.level=WARN
rootLogger.appenderRef.stdout.ref=STDOUT
appender.stdout.type=Console
appender.stdout.name=STDOUT
appender.stdout.layout.type=PatternLayout
appender.stdout.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=INFO
logger.server.name=org.apache.kafka.server
logger.server.level=INFO
EOF
  if [ ! -f "$d/data/meta.properties" ]; then
    local id; id=$(kafka_java kafka.tools.StorageTool random-uuid)
    kafka_java -Dlog4j2.configurationFile="$d/log4j2.properties" kafka.tools.StorageTool format \
      -t "$id" -c "$d/server.properties" --ignore-formatted >>"$LOGS/kafka.out" 2>&1
  fi
}

# Ready means the broker answers a metadata request, not merely that the port is open.
kafka_ready() {
  (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null || return 1
  timeout 20 java -cp "$LIB/kafka/*" -Dlog4j2.configurationFile="$STACK_DIR/kafka/log4j2.properties" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list >/dev/null 2>&1
}

start_kafka() {
  mkdir -p "$LOGS"
  kafka_config
  start_bg kafka java -Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$STACK_DIR/kafka/log4j2.properties" \
    -cp "$LIB/kafka/*" kafka.Kafka "$STACK_DIR/kafka/server.properties"
  wait_until kafka 90 kafka_ready
}

# --- Apicurio Registry -----------------------------------------------------------------------

registry_ready() {
  curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects" 2>/dev/null
}

# Apicurio 3.x is compiled for Java 21; Debian bookworm's default JDK is 17, so look for a newer one
# (the machine image carries Temurin under /usr/lib/jvm). REGISTRY_JAVA overrides.
registry_java() {
  if [ -n "${REGISTRY_JAVA:-}" ]; then echo "$REGISTRY_JAVA"; return; fi
  local j v
  for j in /usr/lib/jvm/*/bin/java "$(command -v java)"; do
    [ -x "$j" ] || continue
    v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then echo "$j"; return; fi
  done
  die "Apicurio Registry needs Java 21 or newer; none found under /usr/lib/jvm (set REGISTRY_JAVA)"
}

start_registry() {
  # Schemas persist in an H2 file beside Kafka's data: ids must outlive a restart, or records already
  # in the topics would point at ids the registry no longer knows (or knows as other schemas).
  mkdir -p "$STACK_DIR/registry"
  # The management interface (health, metrics) would otherwise bind 0.0.0.0:9000.
  start_bg registry "$(registry_java)" -Xms128m -Xmx384m -Dcallwatch.stack="$STACK_DIR" \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$REGISTRY_MANAGEMENT_PORT" \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    -Dapicurio.datasource.url="jdbc:h2:file:$STACK_DIR/registry/registry" \
    -Dapicurio.datasource.username=sa -Dapicurio.datasource.password=sa \
    -Dquarkus.log.level=WARN -Dquarkus.log.category.\"io.apicurio\".level=INFO \
    -Dapicurio.ccompat.use-canonical-hash=true \
    -jar "$LIB/apicurio/quarkus-run.jar"
  wait_until registry 120 registry_ready
}

# --- commands --------------------------------------------------------------------------------

cmd_up() {
  cmd_install
  local started=0 s t0=$SECONDS
  for s in "${SERVICES[@]}"; do
    if is_running "$s"; then continue; fi
    say "starting $s"
    "start_$s" || die "$s failed to start (log: $LOGS/$s.out)"
    started=1
  done
  [ $started -eq 1 ] && say "stack ready in $((SECONDS - t0))s"
  cmd_status
}

stop_one() {
  local s=$1 pid i
  is_running "$s" || { rm -f "$RUN/$s.pid"; return 0; }
  pid=$(pid_of "$s")
  say "stopping $s (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 120; i++)); do
    is_running "$s" || break
    sleep 0.25
  done
  if is_running "$s"; then
    say "$s did not stop in 30s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$RUN/$s.pid"
}

cmd_down() {
  local i s
  for s in "${APP_SERVICES[@]}"; do stop_one "$s"; done
  # Reverse order: the registry and ClickHouse have no dependants left once Kafka clients stop.
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_one "${SERVICES[$i]}"; done
}

cmd_status() {
  local s state where
  for s in "${SERVICES[@]}"; do
    case $s in
      clickhouse) where="http://127.0.0.1:$CLICKHOUSE_HTTP_PORT (tcp $CLICKHOUSE_TCP_PORT)" ;;
      kafka) where="127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)" ;;
      registry) where="http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7" ;;
      *) where=$(monitoring_where "$s") ;;
    esac
    if is_running "$s"; then state="running pid $(pid_of "$s")"; else state="stopped"; fi
    printf '%-11s %-22s %s\n' "$s" "$state" "$where"
  done
  for s in "${APP_SERVICES[@]}"; do
    if is_running "$s"; then printf '%-11s %-22s %s\n' "$s" "running pid $(pid_of "$s")" "log: $LOGS/$s.out"; fi
  done
  printf 'data and logs: %s\n' "$STACK_DIR"
}

cmd_logs() {
  local s=${1:-}
  if [ -n "$s" ]; then tail -n 100 "$LOGS/$s.out"; return; fi
  for s in "${SERVICES[@]}"; do
    printf '==> %s <==\n' "$s"
    tail -n 60 "$LOGS/$s.out" 2>/dev/null || echo "(no log)"
  done
  [ -f "$LOGS/clickhouse-server.err.log" ] && { echo '==> clickhouse-server.err.log <=='; tail -n 30 "$LOGS/clickhouse-server.err.log"; }
  return 0
}

# Cluster mode: `stack.sh up|down|status|… --cluster [node]` (stack/cluster.sh, its own ports and folder).
if [[ " $* " == *" --cluster "* ]]; then
  args=()
  for a in "$@"; do [ "$a" = "--cluster" ] || args+=("$a"); done
  # shellcheck source=stack/cluster.sh
  source "$here/cluster.sh"
  cluster_main "${args[@]}"
  exit $?
fi

case ${1:-} in
  install) cmd_install ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "${1:-}" ;;
  *) echo "usage: $0 install|up|down|status|logs [service]" >&2; exit 2 ;;
esac
