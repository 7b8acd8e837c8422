#!/usr/bin/env bash
# Measures how fast `ja3sensor capture` keeps up: replays a capture file with tcpreplay into a veth
# pair between two network namespaces of our own, at a series of fixed packet rates, and reports for
# each rate what the sensor received, what the kernel and its queues dropped, and whether it wrote
# exactly as many events as `ja3sensor read` writes for the same file. With -t tcpdump the same
# replay is measured for tcpdump (the reference: what libpcap itself keeps up with here).
#
# Usage: bench/capture-rate.sh [-f PCAP] [-r "RATE ..."] [-t ja3sensor|tcpdump] [-b BUFFER_MB]
#                              [-w WORKERS] [-j JAR] [-x JAVA_OPTS]
#   -f  capture to replay (default bench/work/tls-bench.pcap, made by bench/make-capture.sh);
#       Ethernet link type, frames up to 65000 bytes
#   -r  packet rates to try, packets/s; "top" replays at tcpreplay's top speed
#       (default "50000 100000 150000 200000 250000 300000 top")
#   -t  what captures: ja3sensor (default) or tcpdump
#   -b  kernel buffer in MiB (default 64, for both tools)
#   -w  ja3sensor --workers (default: its own default)
#   -j  ja3sensor jar (default sensor/target/ja3sensor.jar, built with mvn package if missing)
#   -x  JVM options for the sensor (default "-Xmx1g")
#   -a  more ja3sensor capture arguments, e.g. "--reader direct"
#   -W  warm-up packets (default 100000; 0 = none): the file's first W packets, with addresses
#       rewritten (tcprewrite --pnat) so that their flows are distinct, are replayed at 50000
#       packets/s before each measured replay, followed by 4 s of quiet, so that the measurement
#       sees JIT-compiled code and not the first seconds of a JVM. Their events are added to the expected count.
#
# Needs root, iproute2, tcpreplay (and tcpdump for -t tcpdump). The two namespaces have no
# addresses and no routes: replayed frames go nowhere but into the capture. Everything is torn down
# on exit. Results go to stdout as a Markdown table, raw outputs to bench/out/capture-rate/.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PCAP="$HERE/work/tls-bench.pcap"
RATES="50000 100000 150000 200000 250000 300000 top"
TOOL=ja3sensor
BUF_MB=64
WORKERS=""
JAR="$ROOT/sensor/target/ja3sensor.jar"
JAVA_OPTS="-Xmx1g"
WARM=100000
EXTRA=""
while getopts "f:r:t:b:w:j:x:W:a:h" opt; do
  case "$opt" in
    f) PCAP="$OPTARG" ;;
    r) RATES="$OPTARG" ;;
    t) TOOL="$OPTARG" ;;
    b) BUF_MB="$OPTARG" ;;
    w) WORKERS="$OPTARG" ;;
    j) JAR="$OPTARG" ;;
    x) JAVA_OPTS="$OPTARG" ;;
    W) WARM="$OPTARG" ;;
    a) EXTRA="$OPTARG" ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "capture-rate: needs root (network namespaces)" >&2; exit 1; }
for t in ip tcpreplay capinfos; do
  command -v "$t" >/dev/null || { echo "capture-rate: missing tool '$t'" >&2; exit 1; }
done
[ -f "$PCAP" ] || { echo "capture-rate: no capture at $PCAP (run bench/make-capture.sh, or -f)" >&2; exit 1; }
if [ "$TOOL" = ja3sensor ] && [ ! -f "$JAR" ]; then
  (cd "$ROOT" && mvn -B -q -ntp package -DskipTests)
fi

OUT="$ROOT/bench/out/capture-rate"
mkdir -p "$OUT"
SFX="$$"
NS_CAP="j3rc$SFX"
NS_GEN="j3rg$SFX"
IF_CAP="j3rc$SFX"
IF_GEN="j3rg$SFX"
CAP_PID=""

cleanup() {
  [ -n "$CAP_PID" ] && kill -9 "$CAP_PID" 2>/dev/null || true
  for ns in "$NS_CAP" "$NS_GEN"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}
trap cleanup EXIT

ip netns add "$NS_CAP"
ip netns add "$NS_GEN"
ip link add "$IF_CAP" type veth peer name "$IF_GEN"
ip link set "$IF_CAP" netns "$NS_CAP"
ip link set "$IF_GEN" netns "$NS_GEN"
ip netns exec "$NS_CAP" ip link set "$IF_CAP" mtu 65000 up
ip netns exec "$NS_GEN" ip link set "$IF_GEN" mtu 65000 up
for _ in $(seq 50); do
  ip netns exec "$NS_CAP" ip link show "$IF_CAP" | grep -q LOWER_UP && break
  sleep 0.1
done

PACKETS=$(capinfos -c -M "$PCAP" | awk -F': *' '/Number of packets/ {print $2}')
key="$(basename "$PCAP").$(stat -c %s "$PCAP")"
WARM_PCAP=""
if [ "$WARM" -gt 0 ]; then
  WARM_PCAP="$OUT/$key.warm$WARM.pcap"
  if [ ! -f "$WARM_PCAP" ]; then
    editcap -r "$PCAP" "$OUT/warm.tmp.pcap" "1-$WARM"
    tcprewrite --pnat='127.0.0.0/8:10.99.0.0/16,[::1/128]:[fd00::99/128]' \
      -i "$OUT/warm.tmp.pcap" -o "$WARM_PCAP"
    rm -f "$OUT/warm.tmp.pcap"
  fi
  WARM=$(capinfos -c -M "$WARM_PCAP" | awk -F': *' '/Number of packets/ {print $2}')
fi
EXPECTED=""
if [ "$TOOL" = ja3sensor ]; then
  if [ -f "$OUT/$key.warm$WARM.read-events" ]; then
    EXPECTED=$(cat "$OUT/$key.warm$WARM.read-events")
  else
    EXPECTED=$(java $JAVA_OPTS -jar "$JAR" read -q "$PCAP" | wc -l)
    if [ -n "$WARM_PCAP" ]; then
      EXPECTED=$((EXPECTED + $(java $JAVA_OPTS -jar "$JAR" read -q "$WARM_PCAP" | wc -l)))
    fi
    echo "$EXPECTED" > "$OUT/$key.warm$WARM.read-events"
  fi
fi
TOTAL=$((PACKETS + WARM))

echo "capture: $PCAP ($PACKETS packets, after $WARM warm-up packets; read writes ${EXPECTED:-?} events for both)"
echo "tool: $TOOL ${EXTRA:+($EXTRA) }$JAVA_OPTS, buffer ${BUF_MB} MiB${WORKERS:+, $WORKERS workers}, $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| requested pps | replayed pps | Mbit/s | received (incl. warm-up) | backlog dropped | kernel dropped | queue dropped | events | lossless | CPU µs/packet after warm-up: capture thread, workers, whole process |"
echo "|---|---|---|---|---|---|---|---|---|---|"

# shellcheck source=bench/lib-capture.sh
. "$HERE/lib-capture.sh"
per_packet() {  # per_packet TICKS TICK_HZ PACKETS: microseconds per packet
  awk -v t="$1" -v hz="$2" -v n="$3" 'BEGIN { if (n > 0) printf "%.2f", t / hz * 1e6 / n; else print "-" }'
}

for rate in $RATES; do
  run="$OUT/$TOOL-$rate"
  if [ "$TOOL" = ja3sensor ]; then
    # `ip netns exec` replaces itself with java: $! is the JVM.
    ip netns exec "$NS_CAP" java $JAVA_OPTS -jar "$JAR" capture -i "$IF_CAP" \
      --buffer-size "${BUF_MB}m" --stats-interval 0 ${WORKERS:+--workers "$WORKERS"} $EXTRA \
      >"$run.events" 2>"$run.err" &
    CAP_PID=$!
    for _ in $(seq 300); do grep -q 'worker(s)' "$run.err" 2>/dev/null && break; sleep 0.1; done
  else
    ip netns exec "$NS_CAP" tcpdump -i "$IF_CAP" -n -s 0 -B $((BUF_MB * 1024)) -w /dev/null tcp \
      2>"$run.err" &
    CAP_PID=$!
    for _ in $(seq 100); do grep -q 'listening on' "$run.err" 2>/dev/null && break; sleep 0.1; done
  fi
  sleep 0.5
  if [ -n "$WARM_PCAP" ]; then
    ip netns exec "$NS_GEN" tcpreplay -q -K -i "$IF_GEN" --pps=50000 "$WARM_PCAP" >"$run.warm" 2>&1
    sleep 4 # let the JIT compiler's queue drain
  fi
  cpu_split "$CAP_PID" >"$run.cpu0"
  bl0=$(backlog_drops)
  if [ "$rate" = top ]; then speed=(--topspeed); else speed=(--pps="$rate"); fi
  ip netns exec "$NS_GEN" tcpreplay -q -K -i "$IF_GEN" "${speed[@]}" "$PCAP" >"$run.replay" 2>&1
  sleep 1
  bl=$(( $(backlog_drops) - bl0 ))
  cpu_split "$CAP_PID" >"$run.cpu"
  kill -TERM "$CAP_PID"
  wait "$CAP_PID" || true
  CAP_PID=""

  actual=$(awk '/^Rated:/ {gsub(",", "", $0); for (i = 1; i <= NF; i++) if ($i == "pps") print int($(i-1))}' "$run.replay")
  mbps=$(awk '/^Rated:/ {for (i = 1; i <= NF; i++) if ($i == "Mbps,") print $(i-1)}' "$run.replay")
  if [ "$TOOL" = ja3sensor ]; then
    final=$(grep '^ja3sensor: final ' "$run.err" | tail -1)
    val() { echo "$final" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
    received=$(val packets)
    kdrop=$(val kernel_dropped)
    qdrop=$(val queue_dropped)
    events=$(wc -l <"$run.events")
    ok=no
    [ "$kdrop" = 0 ] && [ "$qdrop" = 0 ] && [ "$events" = "$EXPECTED" ] && [ "$received" = "$TOTAL" ] && ok=yes
    read -r c0 w0 a0 <"$run.cpu0"
    read -r c w a <"$run.cpu"
    hz=$HZ
    n=$((received - WARM))
    cpu="$(per_packet $((c - c0)) "$hz" "$n"), $(per_packet $((w - w0)) "$hz" "$n"), $(per_packet $((a - a0)) "$hz" "$n")"
    echo "| $rate | $actual | $mbps | $received | $bl | $kdrop | $qdrop | $events / $EXPECTED | $ok | $cpu |"
  else
    received=$(awk '/packets captured/ {print $1}' "$run.err")
    kdrop=$(awk '/dropped by kernel/ {print $1}' "$run.err")
    ok=no
    [ "$kdrop" = 0 ] && [ "$received" = "$PACKETS" ] && ok=yes
    read -r c0 w0 a0 <"$run.cpu0"
    read -r c w a <"$run.cpu"
    hz=$HZ
    n=$((received - WARM))
    echo "| $rate | $actual | $mbps | $received | $bl | $kdrop | - | - | $ok | $(per_packet $((c - c0)) "$hz" "$n"), -, $(per_packet $((a - a0)) "$hz" "$n") |"
  fi
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
