#!/usr/bin/env bash
# Kafka benchmark (not a test): events per second from the Kafka sink to a local broker, per
# compression type, and, when a capture file is given, the end-to-end `read` throughput with
# --output kafka versus stdout. Results are recorded in docs/performance.md (section "Kafka").
#
#   scripts/bench-kafka.sh [--events N] [--pcap FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
events=500000
pcap=""
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --pcap) pcap="$2"; shift 2 ;;
    *) echo "usage: $0 [--events N] [--pcap FILE]" >&2; exit 2 ;;
  esac
done
cp="$(bash scripts/kafka-classpath.sh)"
echo "== Kafka sink to a local broker ($events events)"
java -cp "$cp" org.ja3sensor.sink.KafkaSinkBenchmark --events "$events"
if [ -n "$pcap" ]; then
  echo
  echo "== read $pcap: stdout versus Kafka"
  java -cp "$cp" org.ja3sensor.sink.ReadKafkaBenchmark "$pcap"
fi
