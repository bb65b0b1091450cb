#!/usr/bin/env bash
# Runs the reference's own load client (Debian's nextcloud-spreed-signaling-client 0.4.1)
# unchanged against roomcluster, inside a private network namespace that has only loopback
# (the client advertises its fake Nextcloud on its first non-loopback address; inside the
# namespace that is [::], i.e. loopback). Passes when every hello is answered, no client sees
# an error or bye, and messages are delivered.
#
#   it/compat/debian-client-smoke.sh [CLIENTS] [SECONDS]      (default 20 clients, 12 s)
#
# Needs root (network namespace) and installs the client with apt-get when missing. On a
# machine without either it says so and skips (exit 0), so developer machines are not blocked.
set -euo pipefail
CLIENTS=${1:-20}
SECONDS_RUN=${2:-12}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NETNS=rc-compat-$$
WORK=$(mktemp -d /tmp/rc-compat.XXXXXX)
PORT=18080
CLIENT=/usr/bin/nextcloud-spreed-signaling-client

skip() { echo "compat: SKIPPED ($1)"; echo "compat: 0 passed, 0 failed, 1 skipped"; exit 0; }

[ "$(id -u)" = 0 ] || skip "needs root for a private network namespace"
if [ ! -x "$CLIENT" ]; then
  command -v apt-get >/dev/null || skip "no apt-get to install nextcloud-spreed-signaling"
  echo "compat: installing nextcloud-spreed-signaling (Debian) ..."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nextcloud-spreed-signaling iproute2 >/dev/null
fi
command -v ip >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null; }

cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  ip netns del "$NETNS" 2>/dev/null || true
}
trap cleanup EXIT

cat > "$WORK/server.conf" <<CONF
[http]
listen = 127.0.0.1:$PORT
[sessions]
hashkey = compat-hashkey-0123456789abcdef!
blockkey = compat-blockkey-0123456789abcdef
[clients]
internalsecret = compat-internal-secret
[backend]
allowall = true
secret = compat-backend-secret
timeout = 10
[nats]
url = :loopback:
CONF

ip netns add "$NETNS"
ip netns exec "$NETNS" ip link set lo up
JAR="$ROOT/modules/server/target/roomcluster-server.jar"
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)
ip netns exec "$NETNS" java -XX:+UseG1GC -Xmx512m -Droomcluster.data-dir="$WORK/data" \
  -jar "$JAR" run --config "$ROOT/cluster-config/single-node.conf" --spreed-config "$WORK/server.conf" \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for i in $(seq 1 120); do
  ip netns exec "$NETNS" bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; echo "compat: 0 passed, 1 failed"; exit 1; }
  sleep 0.5
done

# SIGINT makes the client close its sockets and print its final lines; bounded in time.
ip netns exec "$NETNS" timeout -s INT -k 10 "$SECONDS_RUN" "$CLIENT" \
  -addr 127.0.0.1:$PORT -config "$WORK/server.conf" -maxClients "$CLIENTS" > "$WORK/client.log" 2>&1 || true

registered=$(grep -c 'Registered as' "$WORK/client.log" || true)
errors=$(grep -c -E 'Received (error|bye)' "$WORK/client.log" || true)
last_stats=$(grep 'Stats:' "$WORK/client.log" | tail -1 || true)
recv=$(sed -n 's/.*recv=\([0-9]*\).*/\1/p' <<<"$last_stats")
echo "compat: $CLIENTS clients, registered=$registered, error/bye frames=$errors, last: ${last_stats:-no Stats line}"

failed=0
[ "$registered" = "$CLIENTS" ] || { echo "compat: FAIL not every hello was answered"; failed=1; }
grep -q 'All connections established' "$WORK/client.log" || { echo "compat: FAIL client never established all connections"; failed=1; }
[ "$errors" = 0 ] || { echo "compat: FAIL the client received error/bye frames"; grep -E 'Received (error|bye)' "$WORK/client.log" | head -3; failed=1; }
# recv counts welcome + hello frames too: delivered messages are what exceeds 2 per client.
[ -n "$recv" ] && [ "$recv" -gt $((CLIENTS * 2 + 100)) ] || { echo "compat: FAIL messages were not delivered (recv=${recv:-none})"; failed=1; }
if [ "$failed" = 1 ]; then
  echo "--- client.log (head)"; grep -v 'Registered as' "$WORK/client.log" | head -20
  echo "--- server.log (tail)"; tail -20 "$WORK/server.log"
  echo "compat: 0 passed, 1 failed"
  exit 1
fi
rm -rf "$WORK"
echo "compat: 1 passed, 0 failed"
