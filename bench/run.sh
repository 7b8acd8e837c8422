#!/usr/bin/env bash
# End-to-end benchmark: times `ja3sensor read` against tshark and ndpiReader on the same capture,
# in the same run, and prints seconds, MB/s, packets/s, CPU seconds, peak RSS, the number of
# handshakes each found, and the ratios to ja3sensor. Also times bench/Floor.java, the floor:
# a pure-Java pcap read plus one flow lookup per packet, nothing else.
#
# Usage: bench/run.sh [CAPTURE]        (default bench/work/tls-bench.pcap, see bench/make-capture.sh)
# Environment:
#   RUNS=3          rounds: each tool runs once per round, in turn; the best (lowest wall time) run
#                   is reported, and the median
#   TSHARK_RUNS=    runs for tshark, one in each of the first rounds (default: RUNS; 0 skips it);
#                   tshark takes half a minute or more per GB
#   JAVA=java       the JVM for ja3sensor and the floor;  JAVA_OPTS=  extra JVM flags
#   PLAIN_JAVA=1    time `java -jar` instead of the bin/ja3sensor launcher
#   OUT=bench/out   where outputs and results.md go (gitignored)
#
# Commands timed (outputs go to files under OUT and are counted after timing):
#   bin/ja3sensor read CAPTURE     (PLAIN_JAVA=1: java -jar sensor/target/ja3sensor.jar read CAPTURE)
#   tshark -n -r CAPTURE -o tls.desegment_ssl_records:TRUE -o tcp.desegment_tcp_streams:TRUE
#          -Y 'tls.handshake.type==1||tls.handshake.type==2' -T fields
#          -e tls.handshake.ja3 -e tls.handshake.ja3s
#   ndpiReader -q -i CAPTURE -C OUT/ndpi.csv      (the CSV has one row per flow, with ja3c/ja3s)
#   java -cp OUT/floor Floor CAPTURE
# Wall times on a shared machine are noisy: CPU seconds (user+sys) are printed too.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CAPTURE="${1:-$ROOT/bench/work/tls-bench.pcap}"
RUNS="${RUNS:-3}"
TSHARK_RUNS="${TSHARK_RUNS:-$RUNS}"
JAVA="${JAVA:-java}"
JAVA_OPTS="${JAVA_OPTS:-}"
OUT="${OUT:-$ROOT/bench/out}"
JAR="$ROOT/sensor/target/ja3sensor.jar"

[ -f "$CAPTURE" ] || { echo "run: no capture $CAPTURE (make one with bench/make-capture.sh)" >&2; exit 1; }
for tool in tshark ndpiReader capinfos /usr/bin/time "$JAVA" javac; do
  command -v "$tool" >/dev/null || { echo "run: missing tool '$tool'" >&2; exit 1; }
done
mkdir -p "$OUT"

if [ ! -f "$JAR" ]; then
  echo "run: building $JAR"
  (cd "$ROOT" && mvn -q -B -DskipTests -Dstyle.color=never package) >&2
fi
mkdir -p "$OUT/floor"
javac -d "$OUT/floor" "$ROOT/bench/Floor.java"

BYTES=$(stat -c %s "$CAPTURE")
PACKETS=$(capinfos -M -c -T -r "$CAPTURE" 2>/dev/null | awk -F'\t' 'NR == 1 {print $2}')
cat "$CAPTURE" > /dev/null   # page cache: every tool reads from memory

# The tools take turns, round after round (ja3sensor, ndpiReader, floor, and tshark in the first
# TSHARK_RUNS rounds): this VM's speed drifts by tens of percent within minutes, and interleaving
# spreads the drift over every tool instead of favouring the one that ran in a fast minute.
declare -A FOUND_C FOUND_S NOTE
# shellcheck source=bench/lib-timing.sh
. "$ROOT/bench/lib-timing.sh"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "run: $CAPTURE: $BYTES bytes, $PACKETS packets; $RUNS rounds (tshark in $TSHARK_RUNS), load $LOAD_BEFORE" >&2

if [ "${PLAIN_JAVA:-0}" = 1 ]; then
  # shellcheck disable=SC2206
  JA3SENSOR_CMD=("$JAVA" $JAVA_OPTS -jar "$JAR" read "$CAPTURE")
else
  # The launcher's JVM settings for read (C1 only, serial GC, class-data archive); it makes the
  # archive on its first run after a build, so run it once before timing.
  JAVA_OPTS="$JAVA_OPTS" "$ROOT/bin/ja3sensor" read -q "$ROOT/samples/curl-tls12.pcap" > /dev/null
  JA3SENSOR_CMD=(env JAVA_OPTS="$JAVA_OPTS" "$ROOT/bin/ja3sensor" read "$CAPTURE")
fi
TSHARK_CMD=(tshark -n -r "$CAPTURE" -o tls.desegment_ssl_records:TRUE -o tcp.desegment_tcp_streams:TRUE
  -Y 'tls.handshake.type==1||tls.handshake.type==2' -T fields -e tls.handshake.ja3 -e tls.handshake.ja3s)
rounds=$(( RUNS > TSHARK_RUNS ? RUNS : TSHARK_RUNS ))
for i in $(seq "$rounds"); do
  echo " round $i" >&2
  if [ "$i" -le "$RUNS" ]; then
    run_once ja3sensor "$OUT/ja3sensor.json" "${JA3SENSOR_CMD[@]}"
    rm -f "$OUT/ndpi.csv"
    run_once ndpiReader "$OUT/ndpi.txt" ndpiReader -q -i "$CAPTURE" -C "$OUT/ndpi.csv"
    run_once floor "$OUT/floor.txt" "$JAVA" -cp "$OUT/floor" Floor "$CAPTURE"
  fi
  if [ "$i" -le "$TSHARK_RUNS" ]; then
    run_once tshark "$OUT/tshark.tsv" "${TSHARK_CMD[@]}"
  fi
done

# what each tool found (from the outputs of its last run)
found() {  # found NAME CLIENT_COUNT SERVER_COUNT
  if [ "${STATUS[$1]:-0}" = 0 ]; then
    FOUND_C[$1]=$2 FOUND_S[$1]=$3
  else
    unset "WALL[$1]"
    NOTE[$1]="failed (exit status ${STATUS[$1]})"
  fi
}
if [ "${STATUS[ja3sensor]:-0}" = 0 ]; then
  found ja3sensor "$(grep -c '"ja3":"' "$OUT/ja3sensor.json" || true)" \
                  "$(grep -c '"ja3s":"' "$OUT/ja3sensor.json" || true)"
  EVENTS=$(wc -l < "$OUT/ja3sensor.json")
else
  found ja3sensor 0 0
  NOTE[ja3sensor]="not available: \`read\` exited with status ${STATUS[ja3sensor]}: $(head -c 300 "$OUT/ja3sensor.err" | sed 's/\x1b\[[0-9;]*m//g' | tr '\n' ' ')"
fi
if [ "$TSHARK_RUNS" -gt 0 ]; then
  # several hellos in one frame come comma-separated
  found tshark "$(awk -F'\t' '$1 != "" {n += split($1, a, ",")} END {print n + 0}' "$OUT/tshark.tsv")" \
               "$(awk -F'\t' '$2 != "" {n += split($2, a, ",")} END {print n + 0}' "$OUT/tshark.tsv")"
else
  NOTE[tshark]="skipped (TSHARK_RUNS=0)"
fi
ndpi_count() {  # ndpi_count COLUMN: rows of the CSV with that column non-empty
  awk -F',' -v col="$1" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == col) c = i; next}
                         c && $c != "" {n++} END {print n + 0}' "$OUT/ndpi.csv"
}
found ndpiReader "$(ndpi_count ja3c)" "$(ndpi_count ja3s)"
NDPI_FLOWS=$(($(wc -l < "$OUT/ndpi.csv") - 1))
found floor - -
FLOOR_FLOWS=$(sed -n 's/.*flows=\([0-9]*\).*/\1/p' "$OUT/floor.txt")

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- results table --------------------------------------------------------------------------------
ratio() {  # ratio A B: A/B with 1 decimal, or n/a
  if [ -n "${1:-}" ] && [ -n "${2:-}" ]; then awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'
  else echo "n/a"; fi
}
{
  echo "Capture: \`$(basename "$CAPTURE")\`, $BYTES bytes, $PACKETS packets. Best of $RUNS interleaved runs (tshark: $TSHARK_RUNS)."
  [ -n "$JAVA_OPTS" ] && echo "ja3sensor JVM options: \`$JAVA_OPTS\`."
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
       "load average before $LOAD_BEFORE, after $LOAD_AFTER."
  echo "Versions: $("$JAVA" -version 2>&1 | head -1); $(tshark --version 2>/dev/null | head -1);" \
       "$(ndpiReader -h 2>/dev/null | sed -n 's/^Welcome to //p' | head -1)."
  echo
  echo "| tool | wall s | MB/s | packets/s | CPU s | peak RSS MB | JA3 (client) | JA3S (server) | wall vs ja3sensor |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for t in ja3sensor tshark ndpiReader floor; do
    if [ -n "${WALL[$t]:-}" ]; then
      mbs=$(awk -v b="$BYTES" -v s="${WALL[$t]}" 'BEGIN {printf "%.0f", b / 1e6 / s}')
      pps=$(awk -v p="$PACKETS" -v s="${WALL[$t]}" 'BEGIN {printf "%.0f", p / s}')
      echo "| $t | ${WALL[$t]} | $mbs | $pps | ${CPU[$t]} | ${RSS[$t]} | ${FOUND_C[$t]} | ${FOUND_S[$t]} |" \
           "$(ratio "${WALL[$t]}" "${WALL[ja3sensor]:-}") |"
    else
      echo "| $t | ${NOTE[$t]:-n/a} | | | | | | | |"
    fi
  done
  echo
  echo "- tshark / ja3sensor: $(ratio "${WALL[tshark]:-}" "${WALL[ja3sensor]:-}") (wall)," \
       "$(ratio "${CPU[tshark]:-}" "${CPU[ja3sensor]:-}") (CPU)"
  echo "- ndpiReader / ja3sensor: $(ratio "${WALL[ndpiReader]:-}" "${WALL[ja3sensor]:-}") (wall)," \
       "$(ratio "${CPU[ndpiReader]:-}" "${CPU[ja3sensor]:-}") (CPU)"
  echo "- ja3sensor / floor: $(ratio "${WALL[ja3sensor]:-}" "${WALL[floor]:-}") (wall)," \
       "$(ratio "${CPU[ja3sensor]:-}" "${CPU[floor]:-}") (CPU)"
  echo "- median wall s: ja3sensor $(median ja3sensor), ndpiReader $(median ndpiReader)," \
       "floor $(median floor), tshark $(median tshark); all runs, in order:"
  for t in ja3sensor ndpiReader floor tshark; do
    [ -n "${WALLS[$t]:-}" ] && echo "  $t:${WALLS[$t]}"
  done
  [ -n "${EVENTS:-}" ] && echo "- ja3sensor events (JSON lines): $EVENTS"
  echo "- ndpiReader flows: $NDPI_FLOWS; distinct 5-tuples (floor): $FLOOR_FLOWS"
  for t in ja3sensor tshark ndpiReader floor; do
    [ -n "${NOTE[$t]:-}" ] && echo "- $t: ${NOTE[$t]}"
  done
  true
} | tee "$OUT/results.md"
