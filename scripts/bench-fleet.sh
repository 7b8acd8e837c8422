#!/usr/bin/env bash
# Fleet aggregator benchmark (not a test): events per second one instance sustains from a topic
# preloaded with synthetic events (long-tailed fingerprints), then the delay from an event to its
# new-fingerprint alert. Starts its own broker. Results in docs/performance.md ("Fleet aggregator").
#
#   scripts/bench-fleet.sh [--events N] [--fingerprints N] [--probes N] [--timeout S] [--stall S]
#                          [--set STREAMS_PROPERTY=VALUE]...
#
# It always ends: the benchmark fails when the application stops or its committed offsets stall
# (--stall, 180 s) and gives up at --timeout (1800 s); this script kills it 60 s after that at the
# latest, and on Ctrl-C or any exit. The broker is the benchmark's child JVM and exits when its
# parent does (it watches its stdin), whatever way the parent ends.
#   MAVEN_ARGS  extra Maven flags (e.g. -o)
#   JAVA_OPTS   extra options of the benchmark JVM (e.g. -XX:StartFlightRecording=filename=f.jfr)
set -euo pipefail
cd "$(dirname "$0")/.."
timeout=1800
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = --timeout ] && timeout=${args[$((i + 1))]:-1800}
done
# shellcheck disable=SC2086
mvn -B -q ${MAVEN_ARGS:-} -pl fleet -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
cp="$PWD/fleet/target/test-classes:$PWD/fleet/target/classes:$PWD/sensor/target/test-classes"
cp="$cp:$PWD/sensor/target/classes:$(cat fleet/target/test-classpath.txt)"
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    sleep 5
    kill -9 "$pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# The JVM's stdin is /dev/null, never the terminal: nothing reads from it.
# shellcheck disable=SC2086
timeout --kill-after=30 $((timeout + 30)) \
  java -Xmx1g ${JAVA_OPTS:-} -cp "$cp" org.ja3sensor.fleet.FleetBenchmark "$@" < /dev/null &
pid=$!
wait "$pid"
