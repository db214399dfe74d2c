#!/usr/bin/env bash
# A private ClickHouse 18.16 server for the scale benchmark, configured as stack/stack.sh configures
# the stack's own (same cache sizes, profiles, users writer/reader), plus log_queries=1 so every
# measured query's read_rows/read_bytes/memory_usage is in system.query_log, and the stack's <kafka>
# section, so that bench/processors/throughput.ts --clickhouse-url=http://127.0.0.1:26023 can run
# both of its sides here, where no one else's queries share the server's CPU. Data lives under
# .bench-data/ at the worktree root (ignored by git: it holds a .gitignore of its own).
#
#   bash bench/scale/server.sh start   # prints the server's PID; ready when it returns
#   bash bench/scale/server.sh stop    # SIGTERM to that PID, waits for it to exit
#   bash bench/scale/server.sh wipe    # stop, then delete the data directory
#
# Ports (override with SCALE_CH_HTTP_PORT / SCALE_CH_TCP_PORT / SCALE_CH_INTERSERVER_PORT).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${SCALE_CH_DIR:-$ROOT/.bench-data/clickhouse}
HTTP_PORT=${SCALE_CH_HTTP_PORT:-26023}
TCP_PORT=${SCALE_CH_TCP_PORT:-26000}
INTERSERVER_PORT=${SCALE_CH_INTERSERVER_PORT:-26009}
# The stack's credentials (stack/ports.env), so core/config's defaults for users apply unchanged.
# shellcheck source=/dev/null
. "$ROOT/stack/ports.env"

write_config() {
  mkdir -p "$DIR/data" "$DIR/tmp" "$DIR/user_files" "$DIR/format_schemas" "$DIR/log"
  printf '*\n' >"$ROOT/.bench-data/.gitignore"
  cat >"$DIR/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$DIR/log/clickhouse-server.log</log>
    <errorlog>$DIR/log/clickhouse-server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$HTTP_PORT</http_port>
  <tcp_port>$TCP_PORT</tcp_port>
  <interserver_http_port>$INTERSERVER_PORT</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>1024</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$DIR/data/</path>
  <tmp_path>$DIR/tmp/</tmp_path>
  <user_files_path>$DIR/user_files/</user_files_path>
  <format_schema_path>$DIR/format_schemas/</format_schema_path>
  <users_config>$DIR/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <query_log>
    <database>system</database>
    <table>query_log</table>
    <flush_interval_milliseconds>2000</flush_interval_milliseconds>
  </query_log>
  <kafka><auto_offset_reset>smallest</auto_offset_reset></kafka>
</yandex>
XML
  cat >"$DIR/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
      <log_queries>1</log_queries>
    </default>
    <readonly>
      <readonly>2</readonly>
      <max_memory_usage>2000000000</max_memory_usage>
      <log_queries>1</log_queries>
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
XML
}

ready() { [ "$(curl -fsS --max-time 2 "http://127.0.0.1:$HTTP_PORT/ping" 2>/dev/null)" = "Ok." ]; }

start() {
  if [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
    echo "already running: pid $(cat "$DIR/pid")"
    return 0
  fi
  write_config
  clickhouse-server --config-file="$DIR/config.xml" >"$DIR/log/stdout.log" 2>&1 &
  echo $! >"$DIR/pid"
  for _ in $(seq 1 120); do
    if ready; then echo "clickhouse-server pid $(cat "$DIR/pid") on http 127.0.0.1:$HTTP_PORT"; return 0; fi
    sleep 0.25
  done
  echo "not ready after 30 s; see $DIR/log" >&2
  return 1
}

stop() {
  [ -f "$DIR/pid" ] || { echo "not running"; return 0; }
  local pid
  pid=$(cat "$DIR/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$DIR/pid"
  echo "stopped pid $pid"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  wipe) stop; rm -rf "$DIR"; echo "deleted $DIR" ;;
  *) echo "usage: $0 start|stop|wipe" >&2; exit 2 ;;
esac
