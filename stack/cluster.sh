# shellcheck shell=bash
# The cluster stack: the distributed engines callwatch runs on in production, on one machine.
#   - Kafka 4.1 KRaft: three combined broker+controller nodes (kafka1-3), one shared controller list;
#     topics replicated 3 with min.insync.replicas=2, unclean leader election off, internal topics RF 3.
#   - Apache ZooKeeper 3.9 (standalone) for ClickHouse replication and ON CLUSTER DDL.
#   - ClickHouse 18.16: 2 shards x 2 replicas (ch1 ch2 = shard 01, ch3 ch4 = shard 02), cluster
#     `$CLICKHOUSE_CLUSTER` with internal_replication, macros {shard}/{replica} per node.
#   - Apicurio Registry, as in the single-node stack.
# Ports in stack/cluster-ports.env (CALLWATCH_CLUSTER_PORTS_FILE overrides), data and logs in
# .stack-cluster/ (CALLWATCH_CLUSTER_DIR). Sourced by stack.sh, whose helpers it reuses:
#
#   stack.sh up --cluster            install what is missing, start every node not running, wait until ready
#   stack.sh down --cluster          stop what up started (PID files, command line checked)
#   stack.sh status --cluster        every node, its state and its ports
#   stack.sh logs --cluster [node]   tail the logs
#   stack.sh kill --cluster NODE     SIGKILL one node (failure tests); start brings it back
#   stack.sh stop --cluster NODE     SIGTERM one node and wait for it to exit
#   stack.sh start --cluster NODE    start one node if it is not running and wait until it is ready
#
# Nodes: zookeeper ch1 ch2 ch3 ch4 kafka1 kafka2 kafka3 registry.

CLUSTER_NODES=(zookeeper ch1 ch2 ch3 ch4 kafka1 kafka2 kafka3 registry)
CLUSTER_KAFKA_HEAP=${CALLWATCH_CLUSTER_KAFKA_HEAP:-384m}

cluster_setup() {
  # shellcheck source=stack/cluster-ports.env
  source "${CALLWATCH_CLUSTER_PORTS_FILE:-$here/cluster-ports.env}"
  STACK_DIR=${CALLWATCH_CLUSTER_DIR:-$root/.stack-cluster}
  RUN=$STACK_DIR/run
  LOGS=$STACK_DIR/logs
  LIB=$STACK_DIR/lib
  IFS=, read -r -a KAFKA_PORT_LIST <<<"$KAFKA_PORTS"
  IFS=, read -r -a KAFKA_CONTROLLER_PORT_LIST <<<"$KAFKA_CONTROLLER_PORTS"
  IFS=, read -r -a CH_HTTP_PORT_LIST <<<"$CLICKHOUSE_HTTP_PORTS"
  IFS=, read -r -a CH_TCP_PORT_LIST <<<"$CLICKHOUSE_TCP_PORTS"
  IFS=, read -r -a CH_INTERSERVER_PORT_LIST <<<"$CLICKHOUSE_INTERSERVER_PORTS"
}

# Overrides stack.sh's marker(): the string that must be in a PID's command line for it to be ours.
marker() {
  case $1 in
    zookeeper) echo "$STACK_DIR/zookeeper/zoo.cfg" ;;
    ch[1-4]) echo "$STACK_DIR/clickhouse/$1/config.xml" ;;
    kafka[1-3]) echo "$STACK_DIR/kafka/$1/server.properties" ;;
    registry) echo "-Dcallwatch.stack=$STACK_DIR" ;;
    ingest | processors | api) echo "$1/main.ts" ;;
    spikes) echo "processors/spikes/main.ts" ;;
  esac
}

cluster_install() {
  install_apt
  install_maven # Kafka and Apicurio into $STACK_DIR/lib, from stack/pom.xml
  if [ ! -f "$LIB/zookeeper/.complete" ]; then
    say "resolving ZooKeeper from Maven Central (first time only)"
    rm -rf "$LIB/zookeeper"
    mvn -B -q -f "$here/cluster-pom.xml" -Dstack.dir="$STACK_DIR" process-resources
    touch "$LIB/zookeeper/.complete"
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- ZooKeeper -------------------------------------------------------------------------------

# Serving, not merely running: `ruok` answers imok even while the server refuses sessions, `srvr`
# reports a Mode only once it serves.
zookeeper_ready() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$ZOOKEEPER_PORT" || exit 1
    printf 'srvr' >&3
    timeout 2 cat <&3
  ) 2>/dev/null | grep -q '^Mode:'
}

start_zookeeper() {
  local d=$STACK_DIR/zookeeper
  mkdir -p "$d/data" "$LOGS"
  cat >"$d/zoo.cfg" <<EOF
tickTime=2000
dataDir=$d/data
clientPort=$ZOOKEEPER_PORT
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=srvr,mntr
autopurge.purgeInterval=1
EOF
  start_bg zookeeper java -Xms64m -Xmx128m -Djava.awt.headless=true -Dzookeeper.jmx.log4j.disable=true \
    -cp "$LIB/zookeeper/*" org.apache.zookeeper.server.ZooKeeperServerMain "$d/zoo.cfg"
  wait_until zookeeper 60 zookeeper_ready
}

# --- ClickHouse ------------------------------------------------------------------------------

ch_index() { echo "${1#ch}"; } # ch3 -> 3
ch_shard() { printf '%02d' $((($1 + 1) / 2)); }

clickhouse_remote_servers() {
  local s r n
  echo "  <remote_servers>"
  echo "    <$CLICKHOUSE_CLUSTER>"
  for s in 1 2; do
    echo "      <shard>"
    echo "        <internal_replication>true</internal_replication>"
    for r in 1 2; do
      n=$(((s - 1) * 2 + r))
      echo "        <replica><host>127.0.0.1</host><port>${CH_TCP_PORT_LIST[$((n - 1))]}</port></replica>"
    done
    echo "      </shard>"
  done
  echo "    </$CLICKHOUSE_CLUSTER>"
  echo "  </remote_servers>"
}

clickhouse_node_config() { # node (ch1..ch4)
  local node=$1 n d
  n=$(ch_index "$node")
  d=$STACK_DIR/clickhouse/$node
  mkdir -p "$d/data" "$d/tmp" "$d/user_files" "$d/format_schemas" "$LOGS"
  cat >"$d/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$LOGS/$node-server.log</log>
    <errorlog>$LOGS/$node-server.err.log</errorlog>
    <size>50M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${CH_HTTP_PORT_LIST[$((n - 1))]}</http_port>
  <tcp_port>${CH_TCP_PORT_LIST[$((n - 1))]}</tcp_port>
  <interserver_http_port>${CH_INTERSERVER_PORT_LIST[$((n - 1))]}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>512</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <mark_cache_size>67108864</mark_cache_size>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <format_schema_path>$d/format_schemas/</format_schema_path>
  <users_config>$STACK_DIR/clickhouse/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <query_log>
    <database>system</database>
    <table>query_log</table>
    <flush_interval_milliseconds>7500</flush_interval_milliseconds>
  </query_log>
$(clickhouse_remote_servers)
  <zookeeper>
    <node><host>127.0.0.1</host><port>$ZOOKEEPER_PORT</port></node>
    <session_timeout_ms>10000</session_timeout_ms>
  </zookeeper>
  <macros>
    <shard>$(ch_shard "$n")</shard>
    <replica>$node</replica>
    <cluster>$CLICKHOUSE_CLUSTER</cluster>
  </macros>
  <distributed_ddl>
    <path>/clickhouse/$CLICKHOUSE_CLUSTER/task_queue/ddl</path>
  </distributed_ddl>
</yandex>
EOF
}

clickhouse_users() {
  local d=$STACK_DIR/clickhouse
  mkdir -p "$d"
  # As stack.sh, plus insert_distributed_sync: an INSERT into a Distributed table returns only once
  # every row is in a shard's replicated table (not queued on the initiator's disk), so a processor
  # commits its Kafka offsets only after the rows are really stored; and insert_quorum stays 0
  # (replication is asynchronous; tests use SYSTEM SYNC REPLICA before comparing replicas).
  cat >"$d/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>2000000000</max_memory_usage>
      <load_balancing>in_order</load_balancing>
      <insert_distributed_sync>1</insert_distributed_sync>
    </default>
    <readonly>
      <readonly>2</readonly>
      <max_memory_usage>1000000000</max_memory_usage>
      <load_balancing>in_order</load_balancing>
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

ch_ready() { # node
  local n; n=$(ch_index "$1")
  [ "$(curl -fsS --max-time 2 "http://127.0.0.1:${CH_HTTP_PORT_LIST[$((n - 1))]}/ping" 2>/dev/null)" = "Ok." ]
}

start_ch() { # node
  local node=$1
  clickhouse_users
  clickhouse_node_config "$node"
  start_bg "$node" clickhouse-server --config-file="$STACK_DIR/clickhouse/$node/config.xml"
  # shellcheck disable=SC2317 # called through wait_until
  ready() { ch_ready "$node"; }
  wait_until "$node" 60 ready
}

# --- Kafka -----------------------------------------------------------------------------------

kafka_java() { java -cp "$LIB/kafka/*" -Dlog4j2.configurationFile="$STACK_DIR/kafka/log4j2.properties" "$@"; }
# A fresh id (cluster or directory): the tool's last output line (its logger may print before it).
kafka_uuid() { kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1; }

kafka_bootstrap() { echo "$KAFKA_BROKERS"; }

kafka_node_config() { # node (kafka1..kafka3)
  local node=$1 n d
  n=${node#kafka}
  d=$STACK_DIR/kafka/$node
  mkdir -p "$d/data"
  local bootstrap_controllers
  bootstrap_controllers=$(printf '127.0.0.1:%s,' "${KAFKA_CONTROLLER_PORT_LIST[@]}")
  cat >"$d/server.properties" <<EOF
process.roles=broker,controller
node.id=$n
controller.quorum.bootstrap.servers=${bootstrap_controllers%,}
listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT_LIST[$((n - 1))]},CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT_LIST[$((n - 1))]}
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT_LIST[$((n - 1))]},CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT_LIST[$((n - 1))]}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$d/data
num.partitions=1
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
auto.create.topics.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=134217728
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
}

kafka_format_all() {
  local d=$STACK_DIR/kafka node n
  mkdir -p "$d" "$LOGS"
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
  for node in kafka1 kafka2 kafka3; do kafka_node_config "$node"; done
  local formatted=0
  for node in kafka1 kafka2 kafka3; do [ -f "$d/$node/data/meta.properties" ] && formatted=$((formatted + 1)); done
  [ $formatted -eq 3 ] && return 0
  [ $formatted -eq 0 ] || die "only $formatted of 3 Kafka nodes are formatted: remove $d and run up again"
  # One cluster id and one initial controller list (node@host:port:directory-id), the same for all
  # three; each node's metadata directory is formatted with its own directory id from that list.
  local cluster_id controllers='' dir_id
  cluster_id=$(kafka_uuid)
  for n in 1 2 3; do
    dir_id=$(kafka_uuid)
    controllers+="$n@127.0.0.1:${KAFKA_CONTROLLER_PORT_LIST[$((n - 1))]}:$dir_id,"
  done
  controllers=${controllers%,}
  say "formatting Kafka nodes (cluster $cluster_id)"
  for node in kafka1 kafka2 kafka3; do
    kafka_java kafka.tools.StorageTool format --cluster-id "$cluster_id" --config "$d/$node/server.properties" \
      --initial-controllers "$controllers" --ignore-formatted >>"$LOGS/$node.out" 2>&1 ||
      die "formatting $node failed (log: $LOGS/$node.out)"
  done
}

start_kafka_node() { # node; does not wait (a lone node has no quorum)
  local node=$1
  start_bg "$node" java "-Xms$CLUSTER_KAFKA_HEAP" "-Xmx$CLUSTER_KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:ActiveProcessorCount=2 -Djava.awt.headless=true -Dlog4j2.configurationFile="$STACK_DIR/kafka/log4j2.properties" \
    -cp "$LIB/kafka/*" kafka.Kafka "$STACK_DIR/kafka/$node/server.properties"
}

kafka_node_port() { local n=${1#kafka}; echo "${KAFKA_PORT_LIST[$((n - 1))]}"; }

# Ready: the node's listener is open and the cluster answers a metadata request through it.
kafka_node_ready() { # node
  local port; port=$(kafka_node_port "$1")
  port_open "$port" || return 1
  timeout 30 java -cp "$LIB/kafka/*" -Dlog4j2.configurationFile="$STACK_DIR/kafka/log4j2.properties" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$port" --list >/dev/null 2>&1
}

wait_kafka_node() { # node
  local node=$1
  # shellcheck disable=SC2317 # called through wait_until
  ready() { kafka_node_ready "$node"; }
  wait_until "$node" 120 ready
}

# --- one node / all nodes --------------------------------------------------------------------

start_node() { # node: start it if it is not running and wait until it is ready
  local node=$1
  is_running "$node" && return 0
  say "starting $node"
  case $node in
    zookeeper) start_zookeeper ;;
    ch[1-4]) start_ch "$node" ;;
    kafka[1-3]) kafka_format_all; start_kafka_node "$node"; wait_kafka_node "$node" ;;
    registry) start_registry ;;
    *) die "unknown node $node (nodes: ${CLUSTER_NODES[*]})" ;;
  esac
}

kill_node() { # node: SIGKILL, for failure tests
  local node=$1 pid i
  is_running "$node" || die "$node is not running"
  pid=$(pid_of "$node")
  say "SIGKILL $node (pid $pid)"
  kill -KILL "$pid"
  for ((i = 0; i < 40; i++)); do
    is_running "$node" || break
    sleep 0.25
  done
  rm -f "$RUN/$node.pid"
  # A ClickHouse node killed mid-insert can hold parts it wrote that ZooKeeper never listed. At start
  # it refuses to attach a table where such parts hold more than half the rows
  # (replicated_max_ratio_of_wrong_parts, 0.5): "The local set of parts of table … doesn't look like
  # the set of parts in ZooKeeper", which one part reaches in a table of a few hundred rows (seen
  # here with number_first_report_local). As an operator does after a crash (ClickHouse's documented
  # recovery), the next start skips that check once; the unexpected parts go to detached/ and
  # ClickHouse deletes the flag.
  case $node in
    ch[1-4]) mkdir -p "$STACK_DIR/clickhouse/$node/data/flags" && touch "$STACK_DIR/clickhouse/$node/data/flags/force_restore_data" ;;
  esac
}

cluster_up() {
  cluster_install
  local t0=$SECONDS started=0 node pending=()
  for node in zookeeper ch1 ch2 ch3 ch4; do
    is_running "$node" && continue
    start_node "$node" || die "$node failed to start (log: $LOGS/$node.out)"
    started=1
  done
  # The three Kafka nodes start together: no node is ready before a quorum of controllers is up.
  kafka_format_all
  for node in kafka1 kafka2 kafka3; do
    is_running "$node" && continue
    say "starting $node"
    start_kafka_node "$node"
    pending+=("$node")
    started=1
  done
  for node in "${pending[@]}"; do wait_kafka_node "$node" || die "$node failed to start (log: $LOGS/$node.out)"; done
  if ! is_running registry; then
    start_node registry || die "registry failed to start (log: $LOGS/registry.out)"
    started=1
  fi
  [ $started -eq 1 ] && say "cluster ready in $((SECONDS - t0))s"
  cluster_status
}

cluster_down() {
  local i node
  for s in "${APP_SERVICES[@]}"; do stop_one "$s"; done
  # The three brokers get SIGTERM together: one by one, the last would wait out its controlled
  # shutdown with no controller quorum left, and be killed after 30 s.
  for node in kafka1 kafka2 kafka3; do
    if is_running "$node"; then kill -TERM "$(pid_of "$node")" 2>/dev/null || true; fi
  done
  for ((i = ${#CLUSTER_NODES[@]} - 1; i >= 0; i--)); do stop_one "${CLUSTER_NODES[$i]}"; done
}

cluster_status() {
  local node n state where
  for node in "${CLUSTER_NODES[@]}"; do
    case $node in
      zookeeper) where="127.0.0.1:$ZOOKEEPER_PORT" ;;
      ch[1-4])
        n=$(ch_index "$node")
        where="http://127.0.0.1:${CH_HTTP_PORT_LIST[$((n - 1))]} (tcp ${CH_TCP_PORT_LIST[$((n - 1))]}) shard $(ch_shard "$n") replica $node"
        ;;
      kafka[1-3])
        n=${node#kafka}
        where="127.0.0.1:${KAFKA_PORT_LIST[$((n - 1))]} (controller ${KAFKA_CONTROLLER_PORT_LIST[$((n - 1))]}) node.id $n"
        ;;
      registry) where="http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7" ;;
    esac
    if is_running "$node"; then state="running pid $(pid_of "$node")"; else state="stopped"; fi
    printf '%-10s %-20s %s\n' "$node" "$state" "$where"
  done
  for s in "${APP_SERVICES[@]}"; do
    if is_running "$s"; then printf '%-10s %-20s %s\n' "$s" "running pid $(pid_of "$s")" "log: $LOGS/$s.out"; fi
  done
  printf 'cluster %s; brokers %s; data and logs: %s\n' "$CLICKHOUSE_CLUSTER" "$KAFKA_BROKERS" "$STACK_DIR"
}

cluster_logs() {
  local node=${1:-}
  if [ -n "$node" ]; then tail -n 100 "$LOGS/$node.out"; return; fi
  for node in "${CLUSTER_NODES[@]}"; do
    printf '==> %s <==\n' "$node"
    tail -n 30 "$LOGS/$node.out" 2>/dev/null || echo "(no log)"
  done
}

cluster_main() { # command [node]
  cluster_setup
  case ${1:-} in
    install) cluster_install ;;
    up) cluster_up ;;
    down) cluster_down ;;
    status) cluster_status ;;
    logs) cluster_logs "${2:-}" ;;
    start) [ -n "${2:-}" ] || die "start --cluster NODE"; cluster_install; start_node "$2" ;;
    stop) [ -n "${2:-}" ] || die "stop --cluster NODE"; stop_one "$2" ;;
    kill) [ -n "${2:-}" ] || die "kill --cluster NODE"; kill_node "$2" ;;
    *) echo "usage: stack.sh install|up|down|status|logs [node]|start NODE|stop NODE|kill NODE --cluster" >&2; exit 2 ;;
  esac
}
