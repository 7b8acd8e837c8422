#!/usr/bin/env bash
# Prints the class path that runs the test broker (KafkaBroker) and the Kafka benchmark:
# compiled main and test classes plus every test-scope dependency (kafka_2.13 among them).
# Compiles first. Used by kafka-dev-broker.sh and bench-kafka.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=sensor/target/test-classpath.txt
mvn -B -q ${MAVEN_ARGS:-} -pl sensor test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
echo "$PWD/sensor/target/test-classes:$PWD/sensor/target/classes:$(cat "$cp_file")"
