#!/usr/bin/env bash
# Starts a local single-node Kafka broker (KRaft mode, Kafka 4.3.1 from Maven Central) in the
# foreground, the same one the tests start, for trying the sensor by hand. Ctrl-C stops it; the
# data directory is kept, so topics and events survive a restart.
#
#   scripts/kafka-dev-broker.sh [--port 9092] [--dir /tmp/ja3sensor-dev-kafka]
#
# The controller listens on PORT+1. Then, in another terminal:
#   java -jar sensor/target/ja3sensor.jar read --output kafka --kafka-bootstrap 127.0.0.1:9092 FILE.pcap
# See docs/kafka.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cp="$(bash scripts/kafka-classpath.sh)"
exec java -cp "$cp" org.ja3sensor.sink.KafkaBroker "$@"
