#!/usr/bin/env bash
# Regenerates the imported files of the shipped fingerprint database (fingerprints/*.csv) and the
# copies of the upstream licences from a directory of upstream lists laid out like
# ../shared/fingerprints-sources (see its README.md). The hand-curated files (80-*, 85-*) are kept.
#
#   scripts/update-fingerprints.sh [SOURCES_DIR]
#
# Uses sensor/target/ja3sensor.jar (built with `mvn -q -DskipTests package` when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC="${1:-../shared/fingerprints-sources}"
DB=fingerprints
JAR=sensor/target/ja3sensor.jar
[ -f "$JAR" ] || mvn -B -q -DskipTests package
run() { java -jar "$JAR" db import "$@"; }

run --format sslbl -o "$DB/10-abuse.ch-sslbl.csv" "$SRC/abuse.ch-sslbl/ja3_fingerprints.csv"
# The SSL Certificate Blacklist: the full current list when the sources directory has it
# (sslblacklist.csv, from https://sslbl.abuse.ch/blacklist/sslblacklist.csv), else the excerpt.
CERTS="$SRC/abuse.ch-sslbl/sslblacklist.csv"
[ -f "$CERTS" ] || CERTS="$SRC/abuse.ch-sslbl/sslblacklist-excerpt.csv"
run --format sslbl-certs -o "$DB/15-abuse.ch-sslbl-certificates.csv" "$CERTS"
run --format et-rules -o "$DB/20-et-open.csv" "$SRC/emerging-threats-open/emerging-ja3.rules"
run --format salesforce -o "$DB/30-salesforce-ja3.csv" "$SRC/salesforce-ja3/osx-nix-ja3.csv"
run --format curl-impersonate -o "$DB/40-curl-impersonate.csv" \
  "$SRC/curl-impersonate/lexiforest-ff5d2b1c" "$SRC/curl-impersonate/lexiforest-b7a40369"
run --format normalized --only-source derived-c2-reference -o "$DB/50-derived-c2-reference.csv" \
  "$SRC/derived/indicators-normalized.csv"
run --format normalized --only-source netcap-dbs -o "$DB/60-netcap-dbs.csv" \
  "$SRC/derived/indicators-normalized.csv"

mkdir -p "$DB/licenses"
install -m 0644 "$SRC/salesforce-ja3/LICENSE.txt" "$DB/licenses/salesforce-ja3-LICENSE.txt"
install -m 0644 "$SRC/curl-impersonate/lexiforest-ff5d2b1c/LICENSE" "$DB/licenses/curl-impersonate-ff5d2b1c-LICENSE"
install -m 0644 "$SRC/curl-impersonate/lexiforest-b7a40369/LICENSE" "$DB/licenses/curl-impersonate-b7a40369-LICENSE"
# The ET licence is the header of the rules file itself.
awk 'NR==1,/^# This Ruleset/' "$SRC/emerging-threats-open/emerging-ja3.rules" \
  | grep -v '^# This Ruleset' > "$DB/licenses/emerging-threats-open-LICENSE.txt"

java -jar "$JAR" db check --quiet --db "$DB"
