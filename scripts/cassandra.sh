#!/usr/bin/env bash
# Local single-node Apache Cassandra 5 for roomcluster (development and tests; no Docker needed).
# Runs cassandra-all from Maven Central as its own JVM on 127.0.0.1.
#
#   scripts/cassandra.sh start       resolve the jars (first use, cached), start in the background,
#                                    return once CQL answers a query; no-op if already running
#   scripts/cassandra.sh stop        SIGTERM (graceful drain), SIGKILL after a timeout; waits for exit
#   scripts/cassandra.sh status      running (pid, port) -> exit 0; stopped -> exit 3
#   scripts/cassandra.sh cql FILE... apply CQL files (e.g. cluster-config/cassandra-schema.cql)
#
# Environment (defaults in brackets):
#   ROOMCLUSTER_CASSANDRA_HOME          data, logs, conf, pid  [<repo>/data/cassandra]
#   ROOMCLUSTER_CASSANDRA_LIB           resolved jars (cache)  [$ROOMCLUSTER_CASSANDRA_HOME/lib]
#   ROOMCLUSTER_CASSANDRA_PORT          CQL native port        [9042]
#   ROOMCLUSTER_CASSANDRA_STORAGE_PORT  inter-node port        [7000] (SSL storage port: +1)
#   ROOMCLUSTER_CASSANDRA_JMX_PORT      local JMX port         [7199]
#   ROOMCLUSTER_CASSANDRA_HEAP          -Xms/-Xmx              [512m] (RSS is about heap + 420 MiB)
#   ROOMCLUSTER_CASSANDRA_START_TIMEOUT seconds until CQL-ready [180]
#   ROOMCLUSTER_CASSANDRA_STOP_TIMEOUT  seconds before SIGKILL  [60]
#   JAVA_HOME                           Java 17 to run Cassandra with [java on PATH]
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CASS_HOME=${ROOMCLUSTER_CASSANDRA_HOME:-$REPO/data/cassandra}
LIB=${ROOMCLUSTER_CASSANDRA_LIB:-$CASS_HOME/lib}
HOST=127.0.0.1
PORT=${ROOMCLUSTER_CASSANDRA_PORT:-9042}
STORAGE_PORT=${ROOMCLUSTER_CASSANDRA_STORAGE_PORT:-7000}
SSL_STORAGE_PORT=$((STORAGE_PORT + 1))
JMX_PORT=${ROOMCLUSTER_CASSANDRA_JMX_PORT:-7199}
HEAP=${ROOMCLUSTER_CASSANDRA_HEAP:-512m}
START_TIMEOUT=${ROOMCLUSTER_CASSANDRA_START_TIMEOUT:-180}
STOP_TIMEOUT=${ROOMCLUSTER_CASSANDRA_STOP_TIMEOUT:-60}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
case $CASS_HOME in /*) ;; *) CASS_HOME=$PWD/$CASS_HOME ;; esac
case $LIB in /*) ;; *) LIB=$PWD/$LIB ;; esac

CONF_SRC=$REPO/cassandra/conf
RESOLVER_POM=$REPO/cassandra/pom.xml
PID_FILE=$CASS_HOME/cassandra.pid
LOG_DIR=$CASS_HOME/logs
DATA_DIR=$CASS_HOME/data
CONF_DIR=$CASS_HOME/conf
# The CQL runner (io.roomcluster.server.tools.CqlFile) lives in the server jar.
SERVER_JAR=$REPO/modules/server/target/roomcluster-server.jar
SERVER_LIB=$REPO/modules/server/target/lib
CQLFILE_SRC=$REPO/modules/server/src/main/java/io/roomcluster/server/tools/CqlFile.java

log() { echo "cassandra: $*" >&2; }
die() { log "$*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

# ---- process bookkeeping ----------------------------------------------------------------------

read_pid() { [ -f "$PID_FILE" ] && tr -dc '0-9' <"$PID_FILE" || true; }

# Alive and really our Cassandra (not a recycled pid, not a zombie awaiting its reaper).
is_cassandra() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/stat" ]; then
    local state
    state=$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
    [ "$state" != Z ] || return 1
    { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q 'org.apache.cassandra.service.CassandraDaemon' || return 1
  fi
  return 0
}

running_pid() {
  local pid
  pid=$(read_pid)
  if is_cassandra "$pid"; then echo "$pid"; fi
}

port_open() { # host port: TCP connect within ~1 s
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

show_log_tail() {
  local f
  for f in "$LOG_DIR/system.log" "$LOG_DIR/stdout.log"; do
    if [ -s "$f" ]; then
      log "---- last lines of $f ----"
      tail -n 40 "$f" >&2
    fi
  done
}

# ---- the CQL runner -----------------------------------------------------------------------------

ensure_cql_tool() {
  if [ -f "$SERVER_JAR" ] && [ -d "$SERVER_LIB" ] && ! [ "$CQLFILE_SRC" -nt "$SERVER_JAR" ]; then
    return 0
  fi
  log "building the server jar for the CQL runner (mvn -DskipTests package) ..."
  (cd "$REPO" && mvn -B -q -DskipTests package -pl modules/server -am) >&2 \
    || die "could not build $SERVER_JAR"
}

cqlfile_with_timeout() { # seconds args...
  local seconds=$1
  shift
  # A short-lived client: C1 only and the serial GC start faster.
  timeout -k 5 "$seconds" "$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$SERVER_LIB/*:$SERVER_JAR" io.roomcluster.server.tools.CqlFile \
    --contact "$HOST:$PORT" "$@"
}

# ---- start ----------------------------------------------------------------------------------------

resolve_jars() {
  if [ -f "$LIB/.resolved" ] && ! [ "$RESOLVER_POM" -nt "$LIB/.resolved" ]; then
    return 0
  fi
  if [ -e "$LIB" ] && [ ! -f "$LIB/.resolved" ] && [ -n "$(ls -A "$LIB" 2>/dev/null)" ]; then
    die "$LIB exists but was not filled by this script; remove it or set ROOMCLUSTER_CASSANDRA_LIB"
  fi
  log "resolving Cassandra jars into $LIB (first use; mvn dependency:copy-dependencies) ..."
  local started tmp
  started=$(date +%s)
  tmp="$LIB.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$LIB")"
  if ! mvn -B -q -f "$RESOLVER_POM" dependency:copy-dependencies \
      -DoutputDirectory="$tmp" -DincludeScope=runtime >&2; then
    rm -rf "$tmp"
    die "resolving cassandra-all failed (see Maven output above)"
  fi
  rm -rf "$LIB" # only ever a directory this function filled (checked above)
  mv "$tmp" "$LIB"
  date -u +%FT%TZ >"$LIB/.resolved"
  log "resolved $(ls "$LIB" | grep -c '\.jar$') jars in $(( $(date +%s) - started )) s"
}

render_conf() {
  mkdir -p "$CONF_DIR/triggers" "$LOG_DIR" "$DATA_DIR"
  sed -e "s|@DATA_DIR@|$DATA_DIR|g" \
      -e "s|@LISTEN_ADDRESS@|$HOST|g" \
      -e "s|@CQL_PORT@|$PORT|g" \
      -e "s|@STORAGE_PORT@|$STORAGE_PORT|g" \
      -e "s|@SSL_STORAGE_PORT@|$SSL_STORAGE_PORT|g" \
      "$CONF_SRC/cassandra.yaml.template" >"$CONF_DIR/cassandra.yaml"
  cp "$CONF_SRC/logback.xml" "$CONF_DIR/logback.xml"
}

launch() {
  local jamm
  jamm=$(ls "$LIB"/jamm-*.jar 2>/dev/null | head -n 1)
  [ -n "$jamm" ] || die "no jamm agent jar in $LIB (delete $LIB and retry)"
  local -a jvm_opts
  mapfile -t jvm_opts < <(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$CONF_SRC/jvm17.options" | sed 's/[[:space:]]*$//')
  : >"$LOG_DIR/stdout.log"
  (
    cd "$CASS_HOME"
    exec nohup "$JAVA" -Xms"$HEAP" -Xmx"$HEAP" -XX:MaxDirectMemorySize=256m \
      "${jvm_opts[@]}" \
      -XX:HeapDumpPath="$LOG_DIR" -XX:ErrorFile="$LOG_DIR/hs_err_%p.log" \
      -javaagent:"$jamm" \
      -Dcassandra.config="file://$CONF_DIR/cassandra.yaml" \
      -Dcassandra.storagedir="$DATA_DIR" -Dcassandra.logdir="$LOG_DIR" \
      -Dlogback.configurationFile="$CONF_DIR/logback.xml" \
      -Dcassandra-foreground=yes -Dcassandra.jmx.local.port="$JMX_PORT" \
      -Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms=100 \
      -Dcassandra.superuser_setup_delay_ms=0 -Dcassandra.triggers_dir="$CONF_DIR/triggers" \
      -cp "$CONF_DIR:$LIB/*" \
      org.apache.cassandra.service.CassandraDaemon
  ) </dev/null >>"$LOG_DIR/stdout.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  # Until the forked subshell has exec'ed the JVM (is_cassandra checks the command line).
  local i
  for i in $(seq 50); do
    if is_cassandra "$pid" || ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
}

# Until the native port accepts connections AND a real CQL query answers: one probe JVM
# (CqlFile --probe --wait) retries both, while this loop watches that Cassandra stays alive.
wait_ready() {
  local pid=$1 started=$2 remaining probe_pid probe_out rc
  remaining=$(( started + START_TIMEOUT - $(date +%s) ))
  [ "$remaining" -gt 0 ] || remaining=1
  probe_out=$(mktemp "${TMPDIR:-/tmp}/cassandra-probe.XXXXXX")
  cqlfile_with_timeout $(( remaining + 10 )) --probe --wait "$remaining" >"$probe_out" 2>&1 &
  probe_pid=$!
  while kill -0 "$probe_pid" 2>/dev/null; do
    if ! is_cassandra "$pid"; then
      kill "$probe_pid" 2>/dev/null || true
      wait "$probe_pid" 2>/dev/null || true
      rm -f "$probe_out"
      log "Cassandra (pid $pid) exited during startup"
      show_log_tail
      rm -f "$PID_FILE"
      return 1
    fi
    sleep 0.2
  done
  rc=0
  wait "$probe_pid" || rc=$?
  if [ "$rc" = 0 ]; then
    log "ready: CQL on $HOST:$PORT answers ($(grep '^release_version=' "$probe_out" || true)) after $(( $(date +%s) - started )) s"
    rm -f "$probe_out"
    return 0
  fi
  log "CQL on $HOST:$PORT not ready within $START_TIMEOUT s (probe exit $rc): $(tail -n 1 "$probe_out")"
  rm -f "$probe_out"
  show_log_tail
  return 1
}

start() {
  local pid
  pid=$(running_pid)
  if [ -n "$pid" ]; then
    log "already running (pid $pid, CQL $HOST:$PORT, home $CASS_HOME)"
    ensure_cql_tool
    wait_ready "$pid" "$(date +%s)"
    return
  fi
  rm -f "$PID_FILE"
  if port_open "$HOST" "$PORT"; then
    die "port $HOST:$PORT is in use by another process (not the Cassandra of $CASS_HOME); set ROOMCLUSTER_CASSANDRA_PORT"
  fi
  local java_version
  java_version=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [ "$java_version" = 17 ] || log "warning: $JAVA is Java ${java_version:-?}; Cassandra 5.0 and cassandra/conf/jvm17.options expect Java 17"
  ensure_cql_tool
  resolve_jars
  render_conf
  local started
  started=$(date +%s)
  launch
  pid=$(read_pid)
  log "started pid $pid (heap $HEAP, CQL $HOST:$PORT, storage $STORAGE_PORT, JMX $JMX_PORT, home $CASS_HOME)"
  if ! wait_ready "$pid" "$started"; then
    if is_cassandra "$pid"; then
      log "stopping the unready Cassandra"
      stop >/dev/null 2>&1 || true
    fi
    exit 1
  fi
}

# ---- stop / status / cql --------------------------------------------------------------------------

wait_exit() { # pid seconds
  local deadline=$(( $(date +%s) + $2 ))
  while is_cassandra "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

stop() {
  local pid
  pid=$(running_pid)
  if [ -z "$pid" ]; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  local started
  started=$(date +%s)
  log "stopping pid $pid (SIGTERM: drain and flush) ..."
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_exit "$pid" "$STOP_TIMEOUT"; then
    log "still running after $STOP_TIMEOUT s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_exit "$pid" 15 || die "pid $pid does not exit even after SIGKILL"
  fi
  rm -f "$PID_FILE"
  log "stopped after $(( $(date +%s) - started )) s"
}

status() {
  local pid
  pid=$(running_pid)
  if [ -n "$pid" ]; then
    local cql="CQL port not open yet (starting)"
    port_open "$HOST" "$PORT" && cql="CQL port open"
    echo "running (pid $pid, CQL $HOST:$PORT, $cql, home $CASS_HOME)"
    return 0
  fi
  echo "stopped (CQL $HOST:$PORT, home $CASS_HOME)"
  return 3
}

cql() {
  [ $# -gt 0 ] || die "usage: $0 cql FILE..."
  local f
  for f in "$@"; do [ -f "$f" ] || die "no such file: $f"; done
  ensure_cql_tool
  cqlfile_with_timeout 600 "$@"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  cql) cql "$@" ;;
  ""|-h|--help|help) usage ;;
  *) log "unknown command '$cmd'"; usage >&2; exit 2 ;;
esac
