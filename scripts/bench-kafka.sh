#!/usr/bin/env bash
# Kafka benchmark (not a test): events per second from the Kafka sink to a local broker, per
# compression type, then the end-to-end `read` throughput with --output kafka versus stdout, on
# FILE or, by default, on samples/*.pcap repeated COPIES times (handshakes only). Results are
# recorded in docs/performance.md (section "Kafka").
#
#   scripts/bench-kafka.sh [--events N] [--pcap FILE] [--copies N]
set -euo pipefail
cd "$(dirname "$0")/.."
events=500000
pcap=""
copies=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --pcap) pcap="$2"; shift 2 ;;
    --copies) copies="$2"; shift 2 ;;
    *) echo "usage: $0 [--events N] [--pcap FILE] [--copies N]" >&2; exit 2 ;;
  esac
done
cp="$(bash scripts/kafka-classpath.sh)"
echo "== Kafka sink to a local broker ($events events)"
java -cp "$cp" org.ja3sensor.sink.KafkaSinkBenchmark --events "$events"
echo
echo "== read: stdout versus Kafka"
if [ -n "$pcap" ]; then
  java -cp "$cp" org.ja3sensor.sink.ReadKafkaBenchmark --pcap "$pcap"
else
  java -cp "$cp" org.ja3sensor.sink.ReadKafkaBenchmark --copies "$copies"
fi
