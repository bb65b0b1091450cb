#!/usr/bin/env bash
# How long a NEW connection waits for its first answer while N clients of the reference's Debian
# load client flood the server: time to first byte of GET /api/v1/welcome, sampled K times during
# the flood, for the reference and for roomcluster in turn (same INI, same private namespace).
#
#   bench/first-answer-under-load.sh [--clients N] [--samples K] [--server reference|roomcluster|both]
#
# RC_EXTRA_OPTS: more JVM options for roomcluster (e.g. -D config overrides to try).
# Needs root (network namespace), nextcloud-spreed-signaling (apt) and a built server jar
# (./roomcluster build). Every process is bounded by timeout and stopped by PID; the namespace
# is deleted on exit. Prints one line per sample and a summary per server.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLIENTS=1000 SAMPLES=8 WHICH=both
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) CLIENTS=$2; shift 2;;
    --samples) SAMPLES=$2; shift 2;;
    --server) WHICH=$2; shift 2;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
JAR=$REPO/modules/server/target/roomcluster-server.jar
[ -f "$JAR" ] || { echo "no $JAR: run ./roomcluster build" >&2; exit 2; }
command -v nextcloud-spreed-signaling-client >/dev/null || { echo "apt-get install nextcloud-spreed-signaling" >&2; exit 2; }

NS=rc-first-answer-$$
WORK=$(mktemp -d /tmp/rc-first-answer.XXXXXX)
SPID="" CPID=""
cleanup() {
  for p in $CPID $SPID; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in $CPID $SPID; do kill -9 "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
NSX=(ip netns exec "$NS")
ADDR=127.0.0.1:18099
cat > "$WORK/server.conf" <<EOF
[http]
listen = $ADDR
[sessions]
hashkey = first-answer-hashkey-0123456789ab
blockkey = first-answer-blockkey-0123456789
[clients]
internalsecret = first-answer-internal-secret
[backend]
allowall = true
secret = first-answer-backend-secret
timeout = 10
connectionsperhost = 8
[nats]
url = :loopback:
[mcu]
type =
EOF

run_one() { # $1 = reference|roomcluster
  local s=$1
  if [ "$s" = reference ]; then
    "${NSX[@]}" timeout 300 /usr/bin/nextcloud-spreed-signaling-server --config "$WORK/server.conf" > "$WORK/$s.log" 2>&1 &
  else
    rm -rf "$WORK/rc-data"
    # shellcheck disable=SC2086
    "${NSX[@]}" timeout 300 java ${RC_EXTRA_OPTS:-} -XX:+UseSerialGC -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10 -XX:MaxRAMPercentage=25 \
      -Droomcluster.data-dir="$WORK/rc-data" -jar "$JAR" run --config "$REPO/cluster-config/single-node.conf" \
      --spreed-config "$WORK/server.conf" > "$WORK/$s.log" 2>&1 &
  fi
  SPID=$!
  local i
  for i in $(seq 1 240); do
    "${NSX[@]}" curl -s -m 1 -o /dev/null "http://$ADDR/api/v1/welcome" && break
    sleep 0.25
  done
  "${NSX[@]}" timeout 120 nextcloud-spreed-signaling-client -addr "$ADDR" -config "$WORK/server.conf" \
    -maxClients "$CLIENTS" > "$WORK/$s-client.log" 2>&1 &
  CPID=$!
  for i in $(seq 1 120); do grep -q "All connections established" "$WORK/$s-client.log" && break; sleep 0.5; done
  sleep 3
  : > "$WORK/$s.samples"
  for i in $(seq 1 "$SAMPLES"); do
    "${NSX[@]}" curl -s -o /dev/null -m 30 -w "%{time_starttransfer}\n" "http://$ADDR/api/v1/welcome" >> "$WORK/$s.samples" || echo 30 >> "$WORK/$s.samples"
    echo "$s sample $i: first byte after $(tail -1 "$WORK/$s.samples") s"
    sleep 1
  done
  kill "$CPID" 2>/dev/null || true; wait "$CPID" 2>/dev/null || true; CPID=""
  kill -INT "$SPID" 2>/dev/null || true; kill -TERM "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; SPID=""
  sort -n "$WORK/$s.samples" | awk -v s="$s" -v n="$CLIENTS" '{v[NR]=$1} END {printf "%s, %d flooding clients: first byte of a new connection min %.3f / median %.3f / max %.3f s (%d samples)\n", s, n, v[1], v[int((NR+1)/2)], v[NR], NR}' | tee -a "$WORK/summary.txt"
}

case "$WHICH" in
  both) run_one reference; run_one roomcluster;;
  reference|roomcluster) run_one "$WHICH";;
  *) echo "--server reference|roomcluster|both" >&2; exit 2;;
esac
echo "logs: $WORK"
