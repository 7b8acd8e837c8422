#!/usr/bin/env bash
# Fleet aggregator benchmark (not a test): events per second one instance sustains from a topic
# preloaded with synthetic events (long-tailed fingerprints), then the delay from an event to its
# new-fingerprint alert. Starts its own broker. Results in docs/performance.md ("Fleet aggregator").
#
#   scripts/bench-fleet.sh [--events N] [--fingerprints N] [--probes N]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q ${MAVEN_ARGS:-} -pl fleet -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
cp="$PWD/fleet/target/test-classes:$PWD/fleet/target/classes:$PWD/sensor/target/test-classes:$PWD/sensor/target/classes:$(cat fleet/target/test-classpath.txt)"
exec java -Xmx1g -cp "$cp" org.ja3sensor.fleet.FleetBenchmark "$@"
