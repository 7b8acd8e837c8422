#!/usr/bin/env bash
# Builds the test classes and runs the JMH benchmarks (sensor/src/test/java/org/ja3sensor/bench)
# with org.openjdk.jmh.Main on the test classpath. Arguments go to JMH; without any, every
# benchmark of org.ja3sensor.bench runs with JMH's defaults. A short run:
#   bench/jmh.sh -f 1 -wi 2 -i 3 org.ja3sensor.bench
# MVN_FLAGS adds Maven options (e.g. MVN_FLAGS=-o to stay offline).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS:-} -DskipTests test-compile
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS:-} -pl sensor dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cpfile"
cp="sensor/target/test-classes:sensor/target/classes:$(cat "$cpfile")"
if [ $# -eq 0 ]; then
  set -- org.ja3sensor.bench
fi
exec java -cp "$cp" org.openjdk.jmh.Main "$@"
