#!/usr/bin/env bash
# QUIC benchmark: times `ja3sensor read` against tshark and ndpiReader on the QUIC capture of
# bench/make-quic-capture.sh (made first if missing), in interleaved rounds as bench/run.sh does,
# and prints wall and CPU seconds, peak RSS, the hellos each tool found, and client Initial
# packets per second: per wall second, and per CPU second (= per core: every tool here runs its
# packet work on one thread; ja3sensor's JIT and GC threads are in its CPU seconds too). The
# issue's target: at least 50,000 client Initials per second per core.
#
# Usage: bench/quic-run.sh [CAPTURE]     (default bench/work/quic-bench.pcap)
# Environment:
#   RUNS=3          rounds; each runs ja3sensor (as shipped: bin/ja3sensor read samples the input
#                   and reads QUIC-heavy input in a child JVM with C2; CPU s include both JVMs),
#                   ja3sensor-c1 (JA3SENSOR_JIT=c1: C1 only, as `read` runs on TCP traffic, to
#                   show what the JIT choice is worth)
#                   and ndpiReader once, in turn; the best (lowest wall) run of each is reported,
#                   with all wall times
#   TSHARK_RUNS=1   tshark runs, one in each of the first rounds (0 skips tshark)
#   N=200000        client Initials of the capture when this script makes it
#   OUT=bench/out/quic   outputs and results.md
#
# Also timed once per round: `read` of a 35-packet sample (ja3sensor-startup): the JVM start-up
# and class loading that every run pays; "net" rates subtract its CPU seconds.
#
# Commands timed:
#   bin/ja3sensor read CAPTURE
#   env JA3SENSOR_JIT=c1 bin/ja3sensor read CAPTURE
#   tshark -n -r CAPTURE -Y 'tls.handshake.type==1||tls.handshake.type==2' -T fields
#          -e tls.handshake.ja3 -e tls.handshake.ja3s     (tshark 4.0 decrypts QUIC Initials on
#          UDP port 443 and computes JA3/JA3S of the hellos in them; it has no JA4)
#   ndpiReader -q -i CAPTURE -C OUT/ndpi.csv               (one CSV row per flow, with ja3c/ja3s)
# Wall times on a shared machine are noisy: the load average before and after is printed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CAPTURE="${1:-$ROOT/bench/work/quic-bench.pcap}"
RUNS="${RUNS:-3}"
TSHARK_RUNS="${TSHARK_RUNS:-1}"
OUT="${OUT:-$ROOT/bench/out/quic}"
JAR="$ROOT/sensor/target/ja3sensor.jar"
SMALL="$ROOT/samples/quic/netty-quic.pcap"

for tool in tshark ndpiReader capinfos /usr/bin/time java python3 editcap; do
  command -v "$tool" >/dev/null || { echo "quic-run: missing tool '$tool'" >&2; exit 1; }
done
if [ ! -f "$CAPTURE" ]; then
  if [ "$CAPTURE" = "$ROOT/bench/work/quic-bench.pcap" ]; then
    "$ROOT/bench/make-quic-capture.sh" -n "${N:-200000}" -o "$CAPTURE"
  else
    echo "quic-run: no capture $CAPTURE (make one with bench/make-quic-capture.sh)" >&2
    exit 1
  fi
fi
[ -f "$CAPTURE.info" ] || { echo "quic-run: no $CAPTURE.info (make the capture with bench/make-quic-capture.sh)" >&2; exit 1; }
if [ ! -f "$JAR" ]; then
  echo "quic-run: building $JAR" >&2
  (cd "$ROOT" && mvn -q -B -DskipTests -Dstyle.color=never package) >&2
fi
mkdir -p "$OUT"
info() { sed -n "s/^$1=//p" "$CAPTURE.info" | head -1; }
CLIENT_INITIALS=$(info client_initials)
FLOWS=$(info flows)
BYTES=$(stat -c %s "$CAPTURE")
PACKETS=$(capinfos -M -c -T -r "$CAPTURE" 2>/dev/null | awk -F'\t' 'NR == 1 {print $2}')
cat "$CAPTURE" > /dev/null   # page cache: every tool reads from memory

# shellcheck source=bench/lib-timing.sh
. "$ROOT/bench/lib-timing.sh"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "quic-run: $CAPTURE: $PACKETS packets, $CLIENT_INITIALS client Initials, $FLOWS QUIC flows; $RUNS rounds (tshark in $TSHARK_RUNS); load $LOAD_BEFORE" >&2
# bin/ja3sensor makes its class-data archive on the first run after a build: not timed
"$ROOT/bin/ja3sensor" read -q "$SMALL" > /dev/null
SENSOR=("$ROOT/bin/ja3sensor" read "$CAPTURE")
TSHARK=(tshark -n -r "$CAPTURE" -Y 'tls.handshake.type==1||tls.handshake.type==2' -T fields
  -e tls.handshake.ja3 -e tls.handshake.ja3s)
rounds=$(( RUNS > TSHARK_RUNS ? RUNS : TSHARK_RUNS ))
for i in $(seq "$rounds"); do
  echo " round $i" >&2
  if [ "$i" -le "$RUNS" ]; then
    run_once ja3sensor "$OUT/ja3sensor.json" "${SENSOR[@]}"
    run_once ja3sensor-c1 "$OUT/ja3sensor-c1.json" env JA3SENSOR_JIT=c1 "${SENSOR[@]}"
    rm -f "$OUT/ndpi.csv"
    run_once ndpiReader "$OUT/ndpi.txt" ndpiReader -q -i "$CAPTURE" -C "$OUT/ndpi.csv"
    run_once ja3sensor-startup "$OUT/startup.json" "$ROOT/bin/ja3sensor" read "$SMALL"
  fi
  if [ "$i" -le "$TSHARK_RUNS" ]; then
    run_once tshark "$OUT/tshark.tsv" "${TSHARK[@]}"
  fi
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# hellos found (outputs of the last run)
declare -A FOUND_C FOUND_S
for t in ja3sensor ja3sensor-c1; do
  if [ "${STATUS[$t]:-0}" = 0 ]; then
    FOUND_C[$t]=$(grep -c '"ja3":"' "$OUT/$t.json" || true)
    FOUND_S[$t]=$(grep -c '"ja3s":"' "$OUT/$t.json" || true)
  fi
done
if [ "$TSHARK_RUNS" -gt 0 ] && [ "${STATUS[tshark]:-0}" = 0 ]; then
  FOUND_C[tshark]=$(awk -F'\t' '$1 != "" {n += split($1, a, ",")} END {print n + 0}' "$OUT/tshark.tsv")
  FOUND_S[tshark]=$(awk -F'\t' '$2 != "" {n += split($2, a, ",")} END {print n + 0}' "$OUT/tshark.tsv")
fi
if [ "${STATUS[ndpiReader]:-0}" = 0 ]; then
  ndpi_count() {
    awk -F',' -v col="$1" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == col) c = i; next}
                           c && $c != "" {n++} END {print n + 0}' "$OUT/ndpi.csv"
  }
  FOUND_C[ndpiReader]=$(ndpi_count ja3c)
  FOUND_S[ndpiReader]=$(ndpi_count ja3s)
fi
QUIC_LINE=$(grep -m1 '^  quic ' "$OUT/ja3sensor.err" | sed 's/^ *//' || true)
STARTUP_CPU=${CPU[ja3sensor-startup]:-0}

rate() {  # rate SECONDS [MINUS]: client Initials per second, rounded to 1,000
  awk -v n="$CLIENT_INITIALS" -v s="$1" -v m="${2:-0}" \
    'BEGIN {if (s - m > 0) printf "%d", int(n / (s - m) / 1000 + 0.5) * 1000; else print "n/a"}'
}
ratio() {
  if [ -n "${1:-}" ] && [ -n "${2:-}" ]; then awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'
  else echo "n/a"; fi
}
{
  echo "Capture: \`$(basename "$CAPTURE")\` ($(head -1 "$CAPTURE.info" | sed 's/^# //')): $BYTES bytes, $PACKETS packets, $FLOWS QUIC flows, $CLIENT_INITIALS client Initials. Best of $RUNS interleaved rounds (tshark: $TSHARK_RUNS)."
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load average before $LOAD_BEFORE, after $LOAD_AFTER (a shared machine: other work may have run)."
  echo "Versions: $(java -version 2>&1 | head -1); $(tshark --version 2>/dev/null | head -1); $(ndpiReader -h 2>/dev/null | sed -n 's/^Welcome to //p' | head -1)."
  echo
  echo "| tool | wall s | CPU s | peak RSS MB | ClientHellos (JA3) | ServerHellos (JA3S) | client Initials/s (wall) | client Initials/s per core (CPU) | wall vs ja3sensor |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for t in ja3sensor ja3sensor-c1 tshark ndpiReader ja3sensor-startup; do
    if [ -n "${WALL[$t]:-}" ]; then
      if [ "$t" = ja3sensor-startup ]; then
        echo "| $t (35-packet file) | ${WALL[$t]} | ${CPU[$t]} | ${RSS[$t]} | | | | | |"
        continue
      fi
      echo "| $t | ${WALL[$t]} | ${CPU[$t]} | ${RSS[$t]} | ${FOUND_C[$t]:-} | ${FOUND_S[$t]:-} |" \
           "$(rate "${WALL[$t]}") | $(rate "${CPU[$t]}") | $(ratio "${WALL[$t]}" "${WALL[ja3sensor]:-}") |"
    elif [ "${STATUS[$t]:-0}" != 0 ]; then
      echo "| $t | failed (exit status ${STATUS[$t]}, see $OUT/$t.err) | | | | | | | |"
    elif [ "$t" = tshark ]; then
      echo "| tshark | skipped (TSHARK_RUNS=0) | | | | | | | |"
    fi
  done
  echo
  for t in ja3sensor ja3sensor-c1; do
    if [ -n "${CPU[$t]:-}" ]; then
      echo "- $t, net of start-up (CPU s minus ja3sensor-startup's $STARTUP_CPU s):" \
           "$(rate "${CPU[$t]}" "$STARTUP_CPU") client Initials/s per core"
    fi
  done
  [ -n "$QUIC_LINE" ] && echo "- ja3sensor's summary: \`$QUIC_LINE\`"
  echo "- target: at least 50,000 client Initials/s per core"
  echo "- all wall times, in order:"
  for t in ja3sensor ja3sensor-c1 ndpiReader tshark ja3sensor-startup; do
    [ -n "${WALLS[$t]:-}" ] && echo "  - $t:${WALLS[$t]}"
  done
  echo "- nDPI 4.2 gives JA3 for some QUIC versions only; tshark 4.0 and nDPI have no JA4."
  true
} | tee "$OUT/results.md"
