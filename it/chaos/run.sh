#!/usr/bin/env bash
# Chaos / rolling-restart tool (modules/it, io.roomcluster.it.chaos.ChaosRun). Builds what is
# missing, then starts its own Cassandra and three roomcluster nodes, 1000 Talk-like clients in 200
# rooms, and rolls every node (--mode roll) or kills one (--mode kill). Examples:
#   it/chaos/run.sh --mode roll                          the documented long run
#   it/chaos/run.sh --mode kill --clients 300 --rooms 60
#   it/chaos/run.sh --help                               every option
# Exit status: 0 goals met, 1 a goal missed, 2 bad usage, 3 the run failed.
# Environment: CHAOS_JAVA_OPTS (the tool's JVM, default -Xmx2g), CHAOS_BUILD=never|always.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SERVER_JAR=$REPO/modules/server/target/roomcluster-server.jar
IT_JAR=$REPO/modules/it/target/roomcluster-it.jar

needs_build() {
  [ -f "$SERVER_JAR" ] && [ -d "$REPO/modules/server/target/lib" ] && [ -f "$IT_JAR" ] || return 0
  [ "$REPO/pom.xml" -nt "$SERVER_JAR" ] && return 0
  [ -n "$(find "$REPO/modules" -path '*/src/main/*' -newer "$SERVER_JAR" -not -path "$REPO/modules/it/*" -print -quit)" ] && return 0
  [ -n "$(find "$REPO/modules/it/src/main" "$REPO/modules/it/pom.xml" -newer "$IT_JAR" -print -quit)" ] && return 0
  return 1
}

case "${CHAOS_BUILD:-auto}" in
  never) ;;
  always|auto)
    if [ "${CHAOS_BUILD:-auto}" = always ] || needs_build; then
      echo "chaos: building (mvn -B -q install -DskipTests) ..." >&2
      (cd "$REPO" && { mvn -B -q -o install -DskipTests || mvn -B -q install -DskipTests; }) >&2
    fi ;;
  *) echo "chaos: CHAOS_BUILD must be auto, never or always" >&2; exit 2 ;;
esac

# exec: a Ctrl-C / SIGTERM reaches the tool, whose shutdown hook stops the nodes and Cassandra.
exec java ${CHAOS_JAVA_OPTS:--Xmx2g} -cp "$REPO/modules/it/target/lib/*:$IT_JAR" \
  io.roomcluster.it.chaos.ChaosRun --repo "$REPO" "$@"
