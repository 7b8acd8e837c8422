#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
# tshark: reference values; tcpdump, tcpreplay, iproute2, curl, openssl: live-capture tests in
# network namespaces (they need root, as CI has); libpcap0.8: pcap4j; chromium: the HTML report
# is checked in headless Chromium; python3-prometheus-client: the metrics endpoint is parsed
# with the Prometheus parser; logrotate: the shipped rotation file is syntax-checked.
for p in libpcap0.8 tshark tcpdump tcpreplay gnutls-bin curl openssl iproute2 python3 python3-prometheus-client util-linux systemd logrotate chromium; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
mvn -B -ntp verify
# Coverage-guided fuzzing (Jazzer): verify ran every target on its saved inputs; now a short
# fuzzing budget per target (FUZZ_SECONDS, default 30), no target started after FUZZ_TOTAL
# seconds (default 450: with each JVM's start, about 8 of the 14 targets and at most about 9.5
# minutes; the list starts half-way further each day, so two runs reach every target). docs/security.md.
FUZZ_TOTAL="${FUZZ_TOTAL:-450}" bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
