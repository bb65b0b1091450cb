#!/usr/bin/env bash
# bench/run.sh - roomcluster and the reference nextcloud-spreed-signaling 0.4.1, side by side on
# this machine; writes BENCHMARKS.md at the repository root.
#
# Everything runs inside one private network namespace that has only loopback. ONE INI file
# (the reference's server.conf format) is generated and read by both servers. For every case of
# the plan and every repetition, the reference and roomcluster are started fresh in turn
# (A B A B ...), the same load runs against each, figures are recorded, the server is stopped.
# Load: modules/bench (io.roomcluster.bench.BenchMain) for the scenarios, and the reference's own
# Debian load client through ../shared/reference/anchor-run.sh when that script is present.
#
# Usage: bench/run.sh [options]
#   --plan "CASES"        cases to run, in order                      [see DEFAULT_PLAN below]
#   --reps N              repetitions per server and case              [2]
#   --duration S          measured seconds per bench run               [20]
#   --warmup S            unmeasured warm-up seconds per bench run     [10]
#   --debian-duration S   measured seconds of the Debian client runs   [30]
#   --debian-warmup S     before each measured Debian client run, the same client (at most 100
#                         clients) for S unmeasured seconds against the same server process (JIT
#                         warm-up; 0 = none)   [20]
#   --wait-quiet S        before each run wait up to S seconds for the machine to be quiet [120]
#   --quiet-pct P         "quiet" = at most P % of all CPUs busy (over 3 s)               [25]
#   --out FILE            report                                        [<repo>/BENCHMARKS.md]
#   --workdir DIR         configs, logs, raw results                    [/tmp/rc-bench-<stamp>]
#   --no-build            do not run mvn -B -q -o install -DskipTests first
#   --append DIR          add runs to the results of an earlier run's workdir DIR (repetitions are
#                         numbered after the existing ones) and render the report over all of them
#   --quick               try the tooling: tiny plan, short runs, 1 rep, report in the workdir
#   -h, --help
#
# Cases: session-N, session-N-openR (open loop at R msg/s), room10-N, room50-N[-openR], storm-N, opens-N,
# backend-N, idle-N, debian-N (N clients). Every run is bounded in time (timeout), every process
# is started by this script and stopped by PID, the namespace is deleted at the end (trap).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
DEFAULT_PLAN="debian-100 debian-1000 session-100 session-1000 session-1000-open5000 room10-100 room50-1000-open200 storm-1000 opens-1000 backend-100 idle-2000"
PLAN=$DEFAULT_PLAN
REPS=2
DURATION=20
WARMUP=10
DEB_DURATION=30
DEB_WARMUP=20
WAIT_QUIET=120
QUIET_PCT=25
OUT=$REPO/BENCHMARKS.md
WORK=/tmp/rc-bench-$(date +%Y%m%d-%H%M%S)
BUILD=1
QUICK=0
APPEND=0

while [ $# -gt 0 ]; do
  case "$1" in
    --plan) PLAN=$2; shift 2;;
    --reps) REPS=$2; shift 2;;
    --duration) DURATION=$2; shift 2;;
    --warmup) WARMUP=$2; shift 2;;
    --debian-duration) DEB_DURATION=$2; shift 2;;
    --debian-warmup) DEB_WARMUP=$2; shift 2;;
    --wait-quiet) WAIT_QUIET=$2; shift 2;;
    --quiet-pct) QUIET_PCT=$2; shift 2;;
    --out) OUT=$2; shift 2;;
    --workdir) WORK=$2; shift 2;;
    --no-build) BUILD=0; shift;;
    --append) WORK=$2; APPEND=1; BUILD=0; shift 2;;
    --quick) QUICK=1; shift;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "bench: unknown argument $1" >&2; exit 2;;
  esac
done
if [ "$QUICK" = 1 ]; then
  [ "$PLAN" = "$DEFAULT_PLAN" ] && PLAN="debian-20 session-20 room10-20 storm-50 opens-50 backend-20 idle-200"
  REPS=1; DURATION=4; WARMUP=2; DEB_DURATION=10; DEB_WARMUP=5; WAIT_QUIET=0
  [ "$OUT" = "$REPO/BENCHMARKS.md" ] && OUT=$WORK/BENCHMARKS.md
fi

[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespace)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
REF_BIN=/usr/bin/nextcloud-spreed-signaling-server
DEB_CLIENT=/usr/bin/nextcloud-spreed-signaling-client
if [ ! -x "$REF_BIN" ]; then
  echo "bench: installing nextcloud-spreed-signaling (Debian) ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nextcloud-spreed-signaling >/dev/null
fi
ANCHOR=$(cd "$REPO/.." && pwd)/shared/reference/anchor-run.sh

JAR=$REPO/modules/server/target/roomcluster-server.jar
# What ./roomcluster run uses (the launcher's defaults), unless overridden like there.
if [ "$(nproc)" -le 2 ]; then RC_GC="-XX:+UseSerialGC -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10"
else RC_GC="-XX:+UseG1GC -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10"; fi
RC_JAVA_OPTS=${ROOMCLUSTER_JAVA_OPTS:-"$RC_GC -XX:MaxRAMPercentage=25 -XX:+ExitOnOutOfMemoryError"}
GEN_JAVA_OPTS=${BENCH_JAVA_OPTS:-"-XX:+UseParallelGC -Xms256m -Xmx2g"}
ADDR=127.0.0.1:18080
NETNS=rc-bench-$$
SECRET=bench-backend-secret-0123456789
HASHKEY=bench-hashkey-0123456789abcdef!!
BLOCKKEY=bench-blockkey-0123456789abcdef!
INTERNALSECRET=bench-internal-secret

RES=$WORK/results
mkdir -p "$RES/runs" "$RES/debian" "$RES/meta" "$WORK/logs"
INI=$WORK/server.conf
CMDS=$RES/meta/commands.txt
NOTES=$RES/meta/notes.txt
if [ "$APPEND" = 1 ]; then
  [ -f "$RES/meta/plan.txt" ] || { echo "bench: $WORK has no earlier results" >&2; exit 2; }
  echo "# appended $(date -u '+%Y-%m-%d %H:%M UTC'): bench/run.sh --plan \"$PLAN\" --reps $REPS" >> "$CMDS"
  note_append="runs appended $(date -u '+%Y-%m-%d %H:%M UTC'): plan \"$PLAN\", $REPS rep(s) each"
else
  : > "$CMDS"; : > "$NOTES"
fi
note() { echo "bench: $*"; echo "$*" >> "$NOTES"; }
logcmd() { echo "$*" >> "$CMDS"; }

# ------------------------------------------------------------------ build
if [ "$BUILD" = 1 ]; then
  echo "bench: mvn -B -q -o install -DskipTests"
  logcmd "(cd $REPO && mvn -B -q -o install -DskipTests)"
  if ! (cd "$REPO" && mvn -B -q -o install -DskipTests > "$WORK/logs/build.log" 2>&1); then
    note "full build failed (see logs/build.log); built only modules/server and modules/bench with their dependencies"
    logcmd "(cd $REPO && mvn -B -q -o install -DskipTests -pl modules/server,modules/bench -am)"
    (cd "$REPO" && mvn -B -q -o install -DskipTests -pl modules/server,modules/bench -am >> "$WORK/logs/build.log" 2>&1) \
      || { tail -30 "$WORK/logs/build.log"; echo "bench: build failed" >&2; exit 1; }
  fi
fi
[ -f "$JAR" ] || { echo "bench: $JAR missing (build first)" >&2; exit 1; }
[ -f "$REPO/modules/bench/target/roomcluster-bench.jar" ] || { echo "bench: bench jar missing (build first)" >&2; exit 1; }
# Other work on this machine may rebuild modules/*/target at any time: every run uses a snapshot
# of what was built now (an appended run reuses the snapshot of the run it appends to).
DIST=$WORK/dist
if [ "$APPEND" = 0 ] || [ ! -d "$DIST" ]; then
  rm -rf "$DIST"
  mkdir -p "$DIST/server" "$DIST/bench"
  cp "$JAR" "$DIST/server/" && cp -r "$REPO/modules/server/target/lib" "$DIST/server/lib"
  cp "$REPO/modules/bench/target/roomcluster-bench.jar" "$DIST/bench/" && cp -r "$REPO/modules/bench/target/lib" "$DIST/bench/lib"
  cp "$REPO/cluster-config/single-node.conf" "$DIST/single-node.conf"
  git -C "$REPO" rev-parse --short HEAD > "$DIST/commit" 2>/dev/null || true
  git -C "$REPO" status --porcelain 2>/dev/null | wc -l > "$DIST/dirty-files"
  logcmd "cp -r modules/server/target/{roomcluster-server.jar,lib} modules/bench/target/{roomcluster-bench.jar,lib} cluster-config/single-node.conf $DIST/"
fi
JAR=$DIST/server/roomcluster-server.jar
BENCH_CP="$DIST/bench/lib/*:$DIST/bench/roomcluster-bench.jar"
SINGLE_NODE=$DIST/single-node.conf

# ------------------------------------------------------------------ the one INI (anchor-run.sh's format)
write_ini() { # $1 = file
  cat > "$1" <<EOF
# generated by bench/run.sh - read by both servers (and by the reference's load client)
[http]
listen = $ADDR
readtimeout = 15
writetimeout = 15

[app]
debug = false

[sessions]
hashkey = $HASHKEY
blockkey = $BLOCKKEY

[clients]
internalsecret = $INTERNALSECRET

[backend]
# the load clients run their own fake Nextcloud on a random port
allowall = true
secret = $SECRET
timeout = 10
connectionsperhost = 8

[nats]
url = :loopback:

[mcu]
type =

[stats]
allowed_ips = 127.0.0.1
EOF
}
write_ini "$INI"
cp "$INI" "$RES/meta/server.conf"

# ------------------------------------------------------------------ namespace and cleanup
SPID=""
STOP_SIGNAL=TERM
cleanup() {
  set +e
  stop_server
  # anything still running in our private namespace was started by this script
  for p in $(ip netns pids "$NETNS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  ip netns delete "$NETNS" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$NETNS"
ip netns exec "$NETNS" ip link set lo up
logcmd "ip netns add $NETNS && ip netns exec $NETNS ip link set lo up"
NSX=(ip netns exec "$NETNS")

# ------------------------------------------------------------------ machine description
if [ "$APPEND" = 1 ]; then
  echo "$note_append" >> "$NOTES"
  for c in $PLAN; do
    case "$c" in debian-*) ;; *) grep -qx "$c" "$RES/meta/plan.txt" || echo "$c" >> "$RES/meta/plan.txt";; esac
  done
else
{
  echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc) ($(grep -c ^processor /proc/cpuinfo) logical)"
  echo "virt:    $(systemd-detect-virt 2>/dev/null || echo unknown)"
  echo "kernel:  $(uname -r), $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
  free -m | sed 's/^/memory:  /' | head -2
} > "$RES/meta/machine.txt"
date -u '+%Y-%m-%d %H:%M UTC' > "$RES/meta/date"
echo "$DEB_WARMUP" > "$RES/meta/debian-warmup.txt"
{
  echo "java:        $(java -version 2>&1 | head -1)"
  echo "reference:   $(dpkg-query -W -f='${Package} ${Version}' nextcloud-spreed-signaling 2>/dev/null) ($($REF_BIN -version 2>&1 | head -1))"
  echo "roomcluster: $(cat "$DIST/commit")$( [ "$(cat "$DIST/dirty-files")" -gt 0 ] && echo " + uncommitted changes in $(cat "$DIST/dirty-files") files (working tree as built)"), server jar sha256 $(sha256sum "$JAR" | cut -c1-16)"
  echo "roomcluster JVM options: $RC_JAVA_OPTS"
  echo "load generator JVM options: $GEN_JAVA_OPTS"
} > "$RES/meta/versions.txt"
echo "$PLAN" | tr ' ' '\n' | grep -v '^debian' > "$RES/meta/plan.txt" || true
cat > "$RES/meta/method.md" <<EOF
- One private network namespace with only \`lo\` (\`ip netns add\`); servers, load clients and fake
  Nextclouds all run in it, so all traffic is loopback.
- One INI (below) for both servers: the reference reads it with \`--config\`, roomcluster with
  \`--spreed-config\` (listen address, session keys, \`allowall\` + secret). roomcluster runs with
  the single-node config (embedded H2 journal in a fresh data directory per run) and the JVM
  options of \`./roomcluster run\`.
- Every run starts its server fresh; runs of one case alternate reference / roomcluster.
  Before each run the script waits (up to ${WAIT_QUIET} s) until at most ${QUIET_PCT} % of the machine's
  CPUs are busy over 3 s; the load average and busy % at the start are recorded with each run.
- Server CPU = utime+stime of \`/proc/PID/stat\` over the measured window, in % of one CPU
  (the machine has $(nproc) CPUs = $(( $(nproc) * 100 )) %). RSS = \`VmRSS\` of \`/proc/PID/status\`.
  Load client CPU likewise; "other CPU" = machine busy time minus server and client.
- Idle memory: the server's RSS (and its heap: Java heap used after \`jcmd PID GC.run\` via
  \`GC.heap_info\`; Go \`go_memstats_heap_inuse_bytes\` from the reference's \`/metrics\`) before and
  after N sessions said hello and idled for 5 s, per 1000 sessions.
- The load generator's own limits: see the "load client CPU %" rows; it is a Java process on the
  same 2 CPUs, so at saturation it takes CPU from the server exactly like the reference's Go client does.
EOF
fi

# ------------------------------------------------------------------ helpers
busy_pct() { # busy % of all CPUs over $1 s
  local a b u1 n1 s1 i1 w1 q1 sq1 st1 u2 n2 s2 i2 w2 q2 sq2 st2
  read -r _ u1 n1 s1 i1 w1 q1 sq1 st1 _ < /proc/stat; sleep "$1"
  read -r _ u2 n2 s2 i2 w2 q2 sq2 st2 _ < /proc/stat
  a=$(( (u2+n2+s2+q2+sq2+st2) - (u1+n1+s1+q1+sq1+st1) ))
  b=$(( a + (i2+w2) - (i1+w1) ))
  echo $(( b > 0 ? 100 * a / b : 0 ))
}
BUSY_BEFORE=0
LOAD1_BEFORE=0
wait_quiet() { # $1 = label; sets BUSY_BEFORE (% of all CPUs over 3 s) and LOAD1_BEFORE
  local end busy
  busy=$(busy_pct 3)
  if [ "$WAIT_QUIET" -gt 0 ]; then
    end=$(( $(date +%s) + WAIT_QUIET ))
    while [ "$busy" -gt "$QUIET_PCT" ] && [ "$(date +%s)" -lt "$end" ]; do
      sleep 2; busy=$(busy_pct 3)
    done
    if [ "$busy" -gt "$QUIET_PCT" ]; then
      note "$1: machine still ${busy}% busy after waiting ${WAIT_QUIET}s (load $(cut -d' ' -f1 /proc/loadavg)); ran anyway"
    fi
  fi
  BUSY_BEFORE=$busy
  LOAD1_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
}

start_server() { # $1 = reference|roomcluster, $2 = log file, $3 = ini
  local ini=${3:-$INI}
  if [ "$1" = reference ]; then
    STOP_SIGNAL=INT
    logcmd "ip netns exec $NETNS $REF_BIN --config $ini &"
    "${NSX[@]}" "$REF_BIN" --config "$ini" > "$2" 2>&1 &
  else
    STOP_SIGNAL=TERM
    rm -rf "$WORK/rc-data"
    logcmd "ip netns exec $NETNS java $RC_JAVA_OPTS -Droomcluster.data-dir=$WORK/rc-data -jar $JAR run --config $SINGLE_NODE --spreed-config $ini &"
    # shellcheck disable=SC2086
    "${NSX[@]}" java $RC_JAVA_OPTS -Droomcluster.data-dir="$WORK/rc-data" -jar "$JAR" run \
      --config "$SINGLE_NODE" --spreed-config "$ini" > "$2" 2>&1 &
  fi
  SPID=$!   # ip netns exec execs: this is the server's PID
  local i
  for i in $(seq 1 240); do
    if "${NSX[@]}" curl -s -m 1 -o /dev/null "http://$ADDR/api/v1/welcome"; then return 0; fi
    kill -0 "$SPID" 2>/dev/null || { echo "bench: $1 exited at start, see $2" >&2; SPID=""; return 1; }
    sleep 0.25
  done
  echo "bench: $1 not reachable on $ADDR within 60 s" >&2
  return 1
}

stop_server() {
  [ -n "$SPID" ] || return 0
  if kill -0 "$SPID" 2>/dev/null; then
    # the reference stops cleanly on SIGINT (as anchor-run.sh does), roomcluster on SIGTERM
    kill "-$STOP_SIGNAL" "$SPID" 2>/dev/null || true
    local i
    for i in $(seq 1 150); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$SPID" 2>/dev/null && kill -KILL "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null || true
  fi
  SPID=""
}

case_args() { # $1 = case -> BenchMain arguments (without target/labels)
  local c=$1 kind rest n rate=""
  kind=${c%%-*}; rest=${c#*-}; n=${rest%%-*}
  case "$rest" in *-open*) rate=${rest##*-open};; esac
  local a="--clients $n --duration $DURATION --warmup $WARMUP"
  [ -n "$rate" ] && a="$a --rate $rate"
  case "$kind" in
    session) echo "--scenario session $a";;
    room10) echo "--scenario room10 $a";;
    room50) echo "--scenario room50 $a";;
    storm) echo "--scenario storm $a --room-size 10 --connect-concurrency 100${STORM_WARMUP_CLIENTS:+ --storm-warmup-clients $STORM_WARMUP_CLIENTS}";;
    backend) echo "--scenario backend $a --room-size 10 --concurrency 8";;
    idle) echo "--scenario idle --clients $n --settle 5 --connect-concurrency 20";;
    opens) echo "--scenario opens $a --connect-concurrency 100";;
    *) echo "bench: unknown case $c" >&2; return 1;;
  esac
}

run_bench() { # $1 = case, $2 = server, $3 = rep
  local c=$1 s=$2 r=$3 args extra="" hard
  args=$(case_args "$c") || return 0
  [ "$s" = roomcluster ] && [ "${c%%-*}" = idle ] && extra="--jvm-heap"
  hard=$(( DURATION + WARMUP + 240 ))
  wait_quiet "$c $s #$r"
  start_server "$s" "$WORK/logs/$c-$s-$r.server.log" || { note "$c: $s #$r did not start"; stop_server; return 0; }
  extra="$extra --machine-busy-before $BUSY_BEFORE --load1-before $LOAD1_BEFORE"
  local cmd="java $GEN_JAVA_OPTS -cp '$BENCH_CP' io.roomcluster.bench.BenchMain $args $extra --target ws://$ADDR --spreed-config $INI --server-pid $SPID --server-label $s --case $c --rep $r --hard-limit $hard --json $RES/runs/${c}__${s}__${r}.json"
  logcmd "ip netns exec $NETNS timeout -k 10 $((hard + 10)) $cmd"
  echo "bench: $c against $s (#$r)"
  # shellcheck disable=SC2086
  "${NSX[@]}" timeout -k 10 $((hard + 10)) java $GEN_JAVA_OPTS -cp "$BENCH_CP" io.roomcluster.bench.BenchMain $args $extra \
    --target "ws://$ADDR" --spreed-config "$INI" --server-pid "$SPID" --server-label "$s" --case "$c" --rep "$r" \
    --hard-limit "$hard" --json "$RES/runs/${c}__${s}__${r}.json" --quiet \
    > "$WORK/logs/$c-$s-$r.bench.log" 2>&1 || note "$c: load generator against $s #$r exited with $? (see logs/$c-$s-$r.bench.log)"
  grep -E '^==|delivered_per_s|requests_per_s|joins_per_s|rss_mb_per_1000|latency (message|room_message|api.request|storm.joined|opens.open)|opens_per_s|server_cpu_ms_per_socket|errors_total|server CPU|FAILED' \
    "$WORK/logs/$c-$s-$r.bench.log" | sed 's/^/    /' || true
  stop_server
}

anchor_run() { # $1 = clients, $2 = seconds, $3 = workdir, $4 = log, $5 = note for the command list; then more anchor-run.sh options
  local n=$1 t=$2 dir=$3 log=$4 comment=$5
  shift 5
  local cmd=("$ANCHOR" -a "$ADDR" -n "$n" -t "$t" "$@" --netns "$NETNS" --workdir "$dir"
    --setup-timeout 120 --no-install -s none --server-pid "$SPID")
  logcmd "SECRET=$SECRET HASHKEY=$HASHKEY BLOCKKEY=$BLOCKKEY INTERNALSECRET=$INTERNALSECRET timeout -s INT -k 20 $((t + 240)) ${cmd[*]}$comment"
  SECRET=$SECRET HASHKEY=$HASHKEY BLOCKKEY=$BLOCKKEY INTERNALSECRET=$INTERNALSECRET \
    timeout -s INT -k 20 $((t + 240)) "${cmd[@]}" > "$log" 2>&1
}

sample_socket_io() { # $1 = server PID, $2 = file; one line a second until the server exits or is told to stop
  # Where a message stream is held up: the server's socket reads and writes (rchar/wchar of
  # /proc/PID/io, bytes through read/write calls, nearly all of them on the port's sockets) and,
  # every 5th second, the bytes queued on the port's TCP sockets: written by the server and not
  # yet read by the clients (the clients' Recv-Q), not yet sent by the server's kernel (its Send-Q),
  # and sent by the clients but not yet read by the server (its Recv-Q).
  local i=0 io q port=":${ADDR##*:}"
  while kill -0 "$1" 2>/dev/null; do
    io=$(awk '/^rchar/{r=$2} /^wchar/{w=$2} END{printf "%s,%s", r, w}' "/proc/$1/io" 2>/dev/null) || break
    q=",,"
    if [ $((i % 5)) -eq 0 ]; then
      q=$("${NSX[@]}" ss -Htn 2>/dev/null | awk -v p="$port" '
        function ends(s) { return substr(s, length(s) - length(p) + 1) == p }
        ends($5) { cr += $2 } ends($4) { ss += $3; sr += $2 }
        END { printf "%d,%d,%d", cr, ss, sr }')
    fi
    echo "$(date +%s.%N),$io,$q"
    i=$((i + 1))
    sleep 1
  done > "$2"
}

run_debian() { # $1 = case (debian-N), $2 = server, $3 = rep
  # The server is started here (same INI, same start as the bench runs, up to 60 s to listen)
  # and handed to anchor-run.sh with "-s none --server-pid": it samples it and runs the client
  # and the probe in our namespace; it never stops a server it did not start.
  local c=$1 s=$2 r=$3 n=${1#debian-} w rundir
  w=$WORK/anchor-$c-$s-$r
  mkdir -p "$w"
  wait_quiet "$c $s #$r"
  local load1=$LOAD1_BEFORE
  start_server "$s" "$WORK/logs/$c-$s-$r.server.log" || { note "$c: $s #$r did not start"; stop_server; return 0; }
  if [ "$DEB_WARMUP" -gt 0 ]; then
    # Unmeasured: a JVM compiles its hot code during the first half minute of load (C2 took 17 %
    # of roomcluster's CPU in a cold measured window). Both servers get the same warm-up.
    # At most 100 clients: enough to make the code hot, and few sessions left behind in their
    # resume window (a warm-up of 1000 flooding clients left 1000 detached sessions, each
    # keeping the frames queued for it, in the heap of the measured run).
    echo "bench: $c warm-up (${DEB_WARMUP} s, not measured) against $s (#$r)"
    anchor_run "$(( n < 100 ? n : 100 ))" "$DEB_WARMUP" "$w-warmup" "$WORK/logs/$c-$s-$r.warmup.log" "   # warm-up, not measured" \
      || note "$c: the warm-up against $s #$r exited with $? (see logs/$c-$s-$r.warmup.log)"
  fi
  echo "bench: $c (reference's client) against $s (#$r)"
  sample_socket_io "$SPID" "$w/socket-io.csv" &
  local iopid=$!
  anchor_run "$n" "$DEB_DURATION" "$w" "$WORK/logs/$c-$s-$r.anchor.log" "" --probe \
    || note "$c: anchor-run.sh against $s #$r exited with $? (see logs/$c-$s-$r.anchor.log)"
  kill "$iopid" 2>/dev/null || true
  wait "$iopid" 2>/dev/null || true
  sed -n '/^| clients/,/registered sessions/p' "$WORK/logs/$c-$s-$r.anchor.log" | sed 's/^/    /' | head -8
  stop_server
  rundir=$(ls -d "$w"/runs/*/ 2>/dev/null | tail -1)
  if [ -n "$rundir" ] && [ -f "$rundir/summary.json" ]; then
    python3 - "$rundir" "$RES/debian/${c}__${s}__${r}.json" "$load1" "$BUSY_BEFORE" "$w/socket-io.csv" <<'PY'
import gzip, json, os, re, sys
run = sys.argv[1]
d = json.load(open(os.path.join(run, "summary.json")))
d["load1_before"] = float(sys.argv[3])
# The measured window: anchor-run's 1 s samples start with its client; it measures from
# setup_s (all hellos answered) for window_s seconds.
try:
    first = float(open(os.path.join(run, "samples.csv")).readline().split(",")[0])
    t0 = first + d["setup_s"]
    t1 = t0 + d["window_s"]
    rows = [l.strip().split(",") for l in open(sys.argv[5])]
    rows = [r for r in rows if len(r) == 6 and r[1] and r[2]]
    inside = [r for r in rows if t0 <= float(r[0]) <= t1]
    if len(inside) >= 2:
        a, b = inside[0], inside[-1]
        dt = float(b[0]) - float(a[0])
        d["server_read_mb_per_s"] = round((int(b[1]) - int(a[1])) / dt / 1e6, 2)
        d["server_write_mb_per_s"] = round((int(b[2]) - int(a[2])) / dt / 1e6, 2)
    queued = [r for r in inside if r[3]]
    if queued:
        q = queued[-1]
        d["unread_by_clients_mb_end"] = round(int(q[3]) / 1e6, 1)
        d["unsent_by_server_mb_end"] = round(int(q[4]) / 1e6, 1)
        d["unread_by_server_mb_end"] = round(int(q[5]) / 1e6, 1)
except (OSError, KeyError, ValueError, IndexError):
    pass
# busy % before the server was started (anchor-run measures it after, with the server idle)
d["machine_busy_pct_before_start"] = int(sys.argv[4])
# anchor-run counts roomcluster's welcome frame ("Unsupported message type", harmless for the
# 0.4.1 client) as an error line: split its count into what it really is.
path = os.path.join(run, "client.log")
opener = open
if not os.path.exists(path):
    path, opener = path + ".gz", gzip.open
err = re.compile(r"Received error|Received bye|Error:|Error |Could not|Unsupported|panic|fatal")
frames = welcome = 0
other = []
# After its "Interrupted" the client closes every connection while its senders may still be
# writing (blocked by back-pressure): "Could not send ... connection reset" then says nothing
# about the run, so those lines are counted apart.
shutdown = 0
interrupted = False
try:
    with opener(path, "rt", errors="replace") as f:
        for line in f:
            if " | Interrupted" in line:
                interrupted = True
            if not err.search(line):
                continue
            if "Received error" in line or "Received bye" in line:
                frames += 1
            elif "Unsupported message type" in line and "Type:welcome" in line:
                welcome += 1
            elif interrupted and "Could not send" in line:
                shutdown += 1
            else:
                other.append(line.strip())
except OSError:
    pass
d["error_bye_frames"] = frames
d["welcome_lines"] = welcome
d["other_error_lines"] = len(other)
d["shutdown_send_errors"] = shutdown
d["other_error_examples"] = other[:3]
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
  else
    note "$c: no anchor-run summary for $s #$r (see logs/$c-$s-$r.anchor.log)"
  fi
  # anything anchor-run.sh left in the namespace (it stops its client and probe itself)
  for p in $(ip netns pids "$NETNS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
}

# ------------------------------------------------------------------ the plan
START=$(date +%s)
echo "bench: workdir $WORK, plan: $PLAN, $REPS rep(s)"
first_rep() { # $1 = case: 1 + the highest repetition already recorded for it
  local max=0 f n
  for f in "$RES"/runs/"$1"__*__*.json "$RES"/debian/"$1"__*__*.json; do
    [ -f "$f" ] || continue
    n=${f##*__}; n=${n%.json}
    [ "$n" -gt "$max" ] && max=$n
  done
  echo $((max + 1))
}
for c in $PLAN; do
  r0=$(first_rep "$c")
  for r in $(seq "$r0" $((r0 + REPS - 1))); do
    for s in reference roomcluster; do
      if [ "${c%%-*}" = debian ]; then
        if [ ! -x "$ANCHOR" ] || [ ! -x "$DEB_CLIENT" ]; then
          note "$c: skipped: needs $ANCHOR and $DEB_CLIENT (the reference's own client was not run)"
          continue 3
        fi
        run_debian "$c" "$s" "$r"
      else
        run_bench "$c" "$s" "$r"
      fi
    done
  done
done 2>&1
echo "bench: all runs done in $(( $(date +%s) - START )) s"

# ------------------------------------------------------------------ report
logcmd "java -cp '$BENCH_CP' io.roomcluster.bench.BenchMain report $RES $OUT"
java -cp "$BENCH_CP" io.roomcluster.bench.BenchMain report "$RES" "$OUT"
echo "bench: raw results in $RES"
