#!/usr/bin/env bash
# Prints every record of a Kafka topic, one JSON value per line (with --keys: partition, key and
# value separated by tabs), for trying the sensor with scripts/kafka-dev-broker.sh.
#
#   scripts/kafka-dump-topic.sh [--bootstrap 127.0.0.1:9092] [--keys] [TOPIC]
set -euo pipefail
cd "$(dirname "$0")/.."
bootstrap=127.0.0.1:9092
topic=ja3sensor.tls
keys=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap) bootstrap="$2"; shift 2 ;;
    --keys) keys="--keys"; shift ;;
    *) topic="$1"; shift ;;
  esac
done
cp="$(bash scripts/kafka-classpath.sh)"
exec java -cp "$cp" org.ja3sensor.sink.KafkaTopicDump "$bootstrap" "$topic" $keys
