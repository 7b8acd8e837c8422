#!/usr/bin/env bash
# The capture ceiling: floods a veth with new TLS flows from trafgen (faster than the sensor) at
# stepped rates and at trafgen's top speed, and measures, side by side in one run, tcpdump and
# several `ja3sensor capture` set-ups: what each received, what the kernel and the queues dropped,
# how many handshakes came out of how many sent, and the CPU used.
#
# Traffic (bench/trafgen-flows.py): every flow is a real single-segment ClientHello (from -H,
# default samples/curl-tls13.pcap) on a new IPv4 4-tuple, then nine data frames of 1,400 payload
# bytes; no SYN, no server side. So the handshakes expected are exactly the flows sent.
#
# Usage: bench/capture-ceiling.sh [-s] [-r "RATE ..."] [-d SECONDS] [-T FLOWS] [-C "CONFIG ..."]
#                                 [-g CPU] [-c CPUS] [-q PERCENT] [-j JAR] [-x JAVA_OPTS] [-H SAMPLE]
#                                 [-w SECONDS] [-P PASSES] [-E null|file] [-o DIR]
#   -s  smoke mode: about a minute in all (one rate and top speed, 1 s each, four set-ups)
#   -r  offered rates, packets/s, and "top" for trafgen's top speed
#       (default "150000 300000 450000 600000 750000 top"). One trafgen process in its rate-limited
#       (sendto) mode delivers at most about 325,000 packets/s here, so a rate above -p is split
#       over several trafgen processes on the generator's CPU, each with flows of its own; the
#       table shows the rate they delivered (the veth's transmit counter), not the one asked for
#   -p  most packets/s asked of one rate-limited trafgen process (default 250000)
#   -d  seconds sent per rate step (default 3)
#   -T  flows sent at top speed (default 300000, 3 M frames)
#   -F  frames per flow (default 10: the ClientHello and 9 data frames, the worst case); real
#       links carry far more data per handshake (bench/work/tls-bench.pcap: about 140 frames per
#       handshake), e.g. -F 100 -T 30000
#   -C  set-ups to measure, in this order (default: all of them):
#       tcpdump        tcpdump -B 65536 -s 0 -w /dev/null (no filter)
#       pcap4j         capture --reader pcap4j --no-db, events to /dev/null
#       direct         capture --reader direct --no-db (the default reader elsewhere than an Ethernet interface), events to /dev/null
#       fanout2        capture --capture-threads 2 --no-db: each capture thread its own pipeline
#       fanout2-workers capture --capture-threads 2 --pipelines workers --no-db: the
#                      capture threads hand segments to the worker through its queue (called
#                      fanout2-ring before the ring reader came; that name still works)
#       ring           capture --reader ring --no-db: the AF_PACKET TPACKET_V3 ring read in place
#                      (under -q the JVM has one processor, and the default --pipelines auto
#                      then runs the pipeline on the capture thread, with no worker; -X
#                      "--pipelines workers" for the worker)
#       ring-fanout2   capture --reader ring --no-db --capture-threads 2: two ring sockets in one
#                      flow-hash fanout group, each capture thread with its own pipeline
#       db-kafka       capture --reader direct with the shipped database and --output kafka to
#                      a local test broker (scripts/kafka-dev-broker.sh); where the broker cannot
#                      be started, db-file: --output file (to bench/out), said in the table
#   -g  CPU for trafgen (default 0); -c  CPUs for the sensor or tcpdump (default: all others)
#   -q  CPU quota: tcpdump and every sensor process run in a cgroup allowed PERCENT % of one core
#       (cpu.cfs_quota_us over a 10 ms period, cgroup v1 or v2's cpu.max), so that the generator,
#       which cannot outrun a whole core's tcpdump on a 2-core machine, outruns each set-up and
#       its ceiling at that CPU share can be found; the JVM sizes itself for the quota (one
#       processor). Default: no quota
#   -j  jar (default sensor/target/ja3sensor.jar); -x JVM options (default "-Xmx1g"). The sensor
#       is started as a user starts it, through bin/ja3sensor (which adds -XX:+AlwaysPreTouch and
#       -Xms as -Xmx for capture; -x "-Xmx1g -Xms64m -XX:-AlwaysPreTouch" undoes that)
#   -X  further `capture` options for every sensor set-up (e.g. "--queue-size 256m")
#   -w  warm-up length: 100,000 x SECONDS frames before the first step (default 3); under -q
#       sent at the share's rate (see below), so -w 3 lasts 12 s at 10 %, -w 15 a minute
#   -P  send the rate steps this many times (default 1), one after the other in the same process:
#       the first pass is the ceiling right after start, later ones the steady state (under -q the
#       JIT compiles and deoptimizes parts of the capture path the first time a rate is reached;
#       performance.md). Rows of pass 2 and later say "(pass N)"
#   -E  where a sensor set-up's events go (its stdout): null (default: /dev/null, as tcpdump writes
#       its packets to /dev/null; the handshakes are counted from the stats line) or file
#       (OUT/LABEL.events on the output directory's file system: what writing them costs is then
#       in the figures, about a fifth of the emitter's CPU on ext4 here). db-kafka sends its
#       events to the broker either way
#   -o  output directory (default bench/out/capture-ceiling)
#
# Each ja3sensor set-up is one process for all rates: started, warmed up (100,000 packets/s for
# 3 s or -w, under -q the same frames at PERCENT/40 x 100,000 packets/s; then quiet until its counters
# settle), then each rate step; the counters are read from its
# stats line (--stats-interval 1s) once they have settled after the step (the flows are evicted
# after --idle-timeout 1, so each step's handshakes are out before the next step). tcpdump is
# started per step (its counters come at exit). Needs root, iproute2, trafgen (netsniff-ng),
# tshark, taskset. Everything (namespaces, processes, broker) is torn down on exit, also on
# Ctrl-C. Results: a Markdown table on stdout, raw outputs in the output directory.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RATES="150000 300000 450000 600000 750000 top"
SLOW_MAX=250000
STEP_SECONDS=3
TOP_FLOWS=300000
CONFIGS="tcpdump pcap4j direct fanout2 fanout2-workers ring ring-fanout2 db-kafka"
GEN_CPU=0
SENSOR_CPUS=""
JAR="$ROOT/sensor/target/ja3sensor.jar"
JAVA_OPTS="-Xmx1g"
SAMPLE="$ROOT/samples/curl-tls13.pcap"
OUT="$ROOT/bench/out/capture-ceiling"
WARM_PPS=100000
WARM_SECONDS=3
FLOW_FRAMES=10
QUOTA=""
SENSOR_EXTRA=""
EVENTS=null
PASSES=1
while getopts "sr:p:d:T:C:g:c:q:j:x:X:H:o:F:w:E:P:h" opt; do
  case "$opt" in
    s) RATES="200000 top"; STEP_SECONDS=1; TOP_FLOWS=50000
       CONFIGS="tcpdump direct ring ring-fanout2"; WARM_SECONDS=1 ;;
    r) RATES="$OPTARG" ;;
    p) SLOW_MAX="$OPTARG" ;;
    d) STEP_SECONDS="$OPTARG" ;;
    T) TOP_FLOWS="$OPTARG" ;;
    F) FLOW_FRAMES="$OPTARG" ;;
    C) CONFIGS="$OPTARG" ;;
    g) GEN_CPU="$OPTARG" ;;
    c) SENSOR_CPUS="$OPTARG" ;;
    q) QUOTA="$OPTARG" ;;
    j) JAR="$OPTARG" ;;
    x) JAVA_OPTS="$OPTARG" ;;
    X) SENSOR_EXTRA="$OPTARG" ;;
    H) SAMPLE="$OPTARG" ;;
    o) OUT="$OPTARG" ;;
    w) WARM_SECONDS="$OPTARG" ;;
    E) EVENTS="$OPTARG" ;;
    P) PASSES="$OPTARG" ;;
    *) sed -n '2,73p' "$0"; exit 2 ;;
  esac
done
case "$PASSES" in
  ''|*[!0-9]*|0) echo "capture-ceiling: -P takes a number of passes, 1 or more, not '$PASSES'" >&2; exit 2 ;;
esac
case "$EVENTS" in
  null|file) ;;
  *) echo "capture-ceiling: -E takes null or file, not '$EVENTS'" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "capture-ceiling: needs root (network namespaces)" >&2; exit 1; }
for t in ip trafgen tshark taskset tcpdump java python3; do
  command -v "$t" >/dev/null || { echo "capture-ceiling: missing tool '$t'" >&2; exit 1; }
done
[ -f "$JAR" ] || { echo "capture-ceiling: no jar at $JAR (mvn -B -o package -DskipTests)" >&2; exit 1; }
NCPU=$(nproc)
if [ -z "$SENSOR_CPUS" ]; then
  if [ "$NCPU" -ge 2 ]; then
    SENSOR_CPUS=$(seq -s, 0 $((NCPU - 1)) | tr ',' '\n' | grep -vx "$GEN_CPU" | paste -sd,)
  else
    SENSOR_CPUS=0
  fi
fi

mkdir -p "$OUT"
SFX="$$"
# -q: a cgroup with a CPU quota for the capturing side; IN_QUOTA prefixes its commands.
CG=""
IN_QUOTA=()
if [ -n "$QUOTA" ]; then
  [[ "$QUOTA" =~ ^[1-9][0-9]*$ ]] && [ "$QUOTA" -le 100 ] \
    || { echo "capture-ceiling: -q must be a whole percentage of one core, 1 to 100, got '$QUOTA'" >&2; exit 2; }
  if [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
    CG=/sys/fs/cgroup/cpu/j3cc$SFX
    mkdir "$CG"
    echo 10000 >"$CG/cpu.cfs_period_us"
    echo $((QUOTA * 100)) >"$CG/cpu.cfs_quota_us"
  elif grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null \
      && { grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control \
           || echo +cpu >/sys/fs/cgroup/cgroup.subtree_control; } 2>/dev/null; then
    # v2: the root must hand the cpu controller to its children, or cpu.max does not exist.
    CG=/sys/fs/cgroup/j3cc$SFX
    mkdir "$CG"
    echo "$((QUOTA * 100)) 10000" >"$CG/cpu.max"
  else
    echo "capture-ceiling: -q needs the cgroup cpu controller (/sys/fs/cgroup/cpu or cgroup v2 cpu.max)" >&2
    exit 1
  fi
  # The process moves itself into the cgroup, then becomes the command (same PID); before
  # `ip netns exec`, which mounts a sysfs of the namespace without the cgroup tree.
  IN_QUOTA=(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG")
fi
NS_CAP="j3cc$SFX"
NS_GEN="j3cg$SFX"
IF_CAP="j3cc$SFX"
IF_GEN="j3cg$SFX"
CAP_PID=""
BROKER_PID=""
BROKER_DIR=""

cleanup() {
  [ -n "$CAP_PID" ] && kill -9 "$CAP_PID" 2>/dev/null || true
  [ -n "$BROKER_PID" ] && kill -TERM "$BROKER_PID" 2>/dev/null || true
  for ns in "$NS_CAP" "$NS_GEN"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  [ -n "$BROKER_DIR" ] && rm -rf "$BROKER_DIR"
  [ -n "$CG" ] && rmdir "$CG" 2>/dev/null
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$NS_CAP"
ip netns add "$NS_GEN"
ip link add "$IF_CAP" type veth peer name "$IF_GEN"
ip link set "$IF_CAP" netns "$NS_CAP"
ip link set "$IF_GEN" netns "$NS_GEN"
ip netns exec "$NS_CAP" ip link set lo up
for ns in "$NS_CAP" "$NS_GEN"; do # no IPv6 neighbour discovery frames among the counted ones
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip netns exec "$NS_CAP" ip link set "$IF_CAP" up
ip netns exec "$NS_GEN" ip link set "$IF_GEN" up
for _ in $(seq 50); do
  ip netns exec "$NS_CAP" ip link show "$IF_CAP" | grep -q LOWER_UP && break
  sleep 0.1
done

[[ "$FLOW_FRAMES" =~ ^[1-9][0-9]*$ ]] || { echo "capture-ceiling: -F must be a positive number of frames, got '$FLOW_FRAMES'" >&2; exit 2; }
CFG="$OUT/flows-$FLOW_FRAMES.cfg"
read -r HELLO_BYTES FLOW_BYTES < <(python3 "$HERE/trafgen-flows.py" "$SAMPLE" "$CFG" 0 "$FLOW_FRAMES")
# The configuration of trafgen process I (0 for a single one): flows of its own (see -r).
cfg_for() {  # cfg_for I
  if [ "$1" = 0 ]; then echo "$CFG"; return; fi
  local cfg="$OUT/flows-$FLOW_FRAMES-$1.cfg"
  [ -f "$cfg" ] || python3 "$HERE/trafgen-flows.py" "$SAMPLE" "$cfg" "$1" "$FLOW_FRAMES" >/dev/null
  echo "$cfg"
}

# A process that stays in the generator's namespace: its /proc/PID/net/dev shows the veth's
# counters without entering the namespace.
ip netns exec "$NS_GEN" sleep 1000000 &
SLEEPER=$!
disown "$SLEEPER"
tx_packets() {
  awk -v i="$IF_GEN:" '{sub(/:/, ": ")} $1 == i {print $11}' /proc/"$SLEEPER"/net/dev
}

# trafgen pinned to one core, one process (-P 1) each, frames = 10 x flows so that every flow is
# whole. A rate above SLOW_MAX is split over several processes (see -r), each sending its share
# of the flows at its share of the rate. The sending time is taken from the veth's transmit
# counter (first frame to last, polled every 10 ms), not from trafgen's start, which spends a
# moment setting up its ring. Prints "frames_sent seconds".
gen() {  # gen FLOWS [RATE_PPS]
  local frames=$(($1 * FLOW_FRAMES)) k=1 i f base n tgs=() t_first="" t_last alive rate=()
  if [ -n "${2:-}" ]; then
    k=$(( ($2 + SLOW_MAX - 1) / SLOW_MAX ))
    rate=(-b "$(($2 / k))pps")
  fi
  base=$(tx_packets)
  for i in $(seq 0 $((k - 1))); do
    f=$(($1 / k)); [ "$i" = 0 ] && f=$((f + $1 % k))
    ip netns exec "$NS_GEN" taskset -c "$GEN_CPU" trafgen -i "$(cfg_for "$i")" -o "$IF_GEN" -P 1 \
      -n $((f * FLOW_FRAMES)) -Q "${rate[@]}" >"$OUT/trafgen.$i.last" 2>&1 &
    tgs+=($!)
  done
  while :; do
    n=$(tx_packets)
    [ -z "$t_first" ] && [ "$n" -gt "$base" ] && t_first=$EPOCHREALTIME
    alive=0
    for i in "${tgs[@]}"; do kill -0 "$i" 2>/dev/null && alive=1; done
    if [ "$n" -ge $((base + frames)) ] || [ "$alive" = 0 ]; then
      t_last=$EPOCHREALTIME
      break
    fi
    sleep 0.01
  done
  for i in "${!tgs[@]}"; do
    wait "${tgs[$i]}" || { cat "$OUT/trafgen.$i.last" >&2; return 1; }
  done
  n=$(tx_packets)
  echo "$((n - base)) $(awk -v a="${t_first:-$t_last}" -v b="$t_last" 'BEGIN {s = b - a; if (s < 0.001) s = 0.001; printf "%.3f", s}')"
}

# shellcheck source=bench/lib-capture.sh
. "$HERE/lib-capture.sh"
pct() {  # pct TICKS SECONDS: % of one core
  awk -v t="$1" -v hz="$HZ" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", t / hz / s * 100; else print "-" }'
}

# The latest stats line's value of KEY (from the sensor's stderr).
stat_of() {  # stat_of FILE KEY
  grep -E '^ja3sensor: (stats|final) ' "$1" | tail -1 | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'
}

# Waits until the sensor's packets and events counters are unchanged over two stats lines
# (1 s apart), at least MIN seconds, at most 20 s.
settle() {  # settle ERRFILE MIN
  local end=$((SECONDS + 20)) p e last="" n=0 cur
  sleep "$2"
  while [ $SECONDS -lt $end ]; do
    cur="$(stat_of "$1" packets) $(stat_of "$1" events)"
    if [ "$cur" = "$last" ]; then n=$((n + 1)); [ $n -ge 1 ] && return 0; else n=0; fi
    last="$cur"
    sleep 1.05
  done
}

start_broker() {
  local cp cpfile="$ROOT/sensor/target/test-classpath.txt"
  if [ -f "$cpfile" ] && [ -d "$ROOT/sensor/target/test-classes" ]; then
    cp="$ROOT/sensor/target/test-classes:$ROOT/sensor/target/classes:$(cat "$cpfile")"
  else
    cp="$(MAVEN_ARGS=-o bash "$ROOT/scripts/kafka-classpath.sh" 2>"$OUT/broker.build")" || return 1
  fi
  BROKER_DIR=$(mktemp -d /tmp/j3cc-kafka.XXXXXX)
  # In the capture namespace (the sensor reaches it on 127.0.0.1), on the generator's core: in
  # production the broker is another machine.
  ip netns exec "$NS_CAP" taskset -c "$GEN_CPU" java -Xmx256m -cp "$cp" org.ja3sensor.sink.KafkaBroker \
    --port 19092 --dir "$BROKER_DIR" >"$OUT/broker.out" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 120); do
    grep -q 'Kafka broker ready' "$OUT/broker.out" 2>/dev/null && return 0
    kill -0 "$BROKER_PID" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

echo "traffic: new IPv4 flow per ClientHello ($HELLO_BYTES bytes, from $(basename "$SAMPLE")) + $((FLOW_FRAMES - 1)) x 1400-byte frames; $FLOW_BYTES bytes/flow on the wire (no FCS)"
echo "generator: trafgen -P 1 on CPU $GEN_CPU (a rate above $SLOW_MAX pps: several such processes); sensor/tcpdump on CPU(s) $SENSOR_CPUS; $NCPU cores; $(java -version 2>&1 | head -1)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); steps of ${STEP_SECONDS} s, top speed $TOP_FLOWS flows; sensor events to $([ "$EVENTS" = file ] && echo "files in $OUT" || echo /dev/null)"
[ -n "$QUOTA" ] && echo "CPU quota of the capturing side: $QUOTA % of one core ($CG, 10 ms period)"
echo
echo "| set-up | offered pps | offered Gbit/s | received | backlog dropped | kernel dropped | queue dropped | handshakes / sent | lossless | CPU % of a core: capture threads, workers, whole process |"
echo "|---|---|---|---|---|---|---|---|---|---|"

row() {  # row SETUP FRAMES SECS RECEIVED BACKLOG KDROP QDROP EVENTS FLOWS OK CPU
  local pps gbps
  pps=$(awk -v n="$2" -v s="$3" 'BEGIN {printf "%d", n / s}')
  gbps=$(awk -v n="$2" -v s="$3" -v b="$FLOW_BYTES" -v f="$FLOW_FRAMES" 'BEGIN {printf "%.2f", n / f * b * 8 / s / 1e9}')
  echo "| $1 | $pps | $gbps | $4 | $5 | $6 | $7 | $8 / $9 | ${10} | ${11} |"
}

flows_for() {  # flows_for RATE
  if [ "$1" = top ]; then echo "$TOP_FLOWS"; else echo $(($1 * STEP_SECONDS / FLOW_FRAMES)); fi
}

steps() {  # the rate steps of every pass, as RATE/PASS
  local pass rate
  for pass in $(seq "$PASSES"); do
    for rate in $RATES; do echo "$rate/$pass"; done
  done
}

pass_label() {  # pass_label RATE/PASS: "" for the first pass, " (pass N)" for later ones
  local pass=${1#*/}
  [ "$pass" = 1 ] || echo " (pass $pass)"
}

run_tcpdump() {
  local step rate flows bl0 frames secs received kdrop ok c0 c
  for step in $(steps); do
    rate=${step%/*}
    flows=$(flows_for "$rate")
    "${IN_QUOTA[@]}" ip netns exec "$NS_CAP" taskset -c "$SENSOR_CPUS" tcpdump -i "$IF_CAP" -n -s 0 -B 65536 \
      -w /dev/null 2>"$OUT/tcpdump-$rate.err" &
    CAP_PID=$!
    for _ in $(seq 100); do grep -q 'listening on' "$OUT/tcpdump-$rate.err" && break; sleep 0.1; done
    read -r c0 _ _ < <(cpu_split "$CAP_PID")
    bl0=$(backlog_drops)
    read -r frames secs < <(gen "$flows" "$([ "$rate" = top ] || echo "$rate")")
    sleep 1
    read -r c _ _ < <(cpu_split "$CAP_PID")
    kill -TERM "$CAP_PID"; wait "$CAP_PID" || true; CAP_PID=""
    received=$(awk '/packets captured/ {print $1}' "$OUT/tcpdump-$rate.err")
    kdrop=$(awk '/dropped by kernel/ {print $1}' "$OUT/tcpdump-$rate.err")
    ok=no; [ "$kdrop" = 0 ] && [ "$received" = "$frames" ] && ok=yes
    row "tcpdump @$rate$(pass_label "$step")" "$frames" "$secs" "$received" $(( $(backlog_drops) - bl0 )) "$kdrop" - - "$flows" "$ok" \
      "$(pct $((c - c0)) "$secs"), -, $(pct $((c - c0)) "$secs")"
  done
}

run_sensor() {  # run_sensor LABEL ARGS...
  local label="$1" err="$OUT/$1.err" step rate flows bl0 frames secs
  local p0 k0 q0 e0 p1 k1 q1 e1 c0 w0 a0 c w a ok received events=/dev/null
  shift
  [ "$EVENTS" = file ] && events="$OUT/$label.events"
  "${IN_QUOTA[@]}" ip netns exec "$NS_CAP" taskset -c "$SENSOR_CPUS" \
    env JA3SENSOR_JAR="$JAR" JAVA_OPTS="$JAVA_OPTS" "$ROOT/bin/ja3sensor" capture -i "$IF_CAP" \
    --stats-interval 1s --idle-timeout 1 "$@" $SENSOR_EXTRA >"$events" 2>"$err" &
  CAP_PID=$!
  # 30 s to start; under a quota, as much more as the quota is short of a whole core (the JVM's
  # start-up and the touching of its heap, about 3 s of CPU for 1 GiB here, take 35 s at 10 %).
  for _ in $(seq $((300 * 100 / ${QUOTA:-100}))); do
    grep -q 'worker(s)' "$err" 2>/dev/null && break; sleep 0.1
  done
  if ! grep -q 'worker(s)' "$err"; then
    echo "| $label | sensor did not start: $(tail -1 "$err") (diagnostics in $OUT/$label.stuck) |"
    {  # what the process was doing: its state, kernel stack, threads' states, Java stacks
      echo "pid $CAP_PID: $(tr '\0' ' ' </proc/"$CAP_PID"/cmdline 2>/dev/null)"
      grep -E 'State|Threads' /proc/"$CAP_PID"/status 2>/dev/null
      echo "wchan: $(cat /proc/"$CAP_PID"/wchan 2>/dev/null)"
      cat /proc/"$CAP_PID"/stack 2>/dev/null
      for t in /proc/"$CAP_PID"/task/*; do echo "$(cat "$t/comm" 2>/dev/null) $(awk '{print $3}' "$t/stat" 2>/dev/null) $(cat "$t/wchan" 2>/dev/null)"; done
      timeout 10 jstack "$CAP_PID" 2>&1
    } >"$OUT/$label.stuck" 2>&1
    kill -9 "$CAP_PID"; CAP_PID=""; return 0
  fi
  # Under a quota the warm-up at WARM_PPS is more than the sensor's share takes (at 10 % it took
  # a sixth of its frames), so the JIT would still be warming up at the first step: the same
  # frames at a rate the share takes (25,000 asked at 10 %), for longer.
  local warm=$WARM_PPS
  [ -n "$QUOTA" ] && [ $((WARM_PPS * QUOTA / 40)) -lt "$WARM_PPS" ] && warm=$((WARM_PPS * QUOTA / 40))
  gen $((WARM_PPS * WARM_SECONDS / FLOW_FRAMES)) "$warm" >/dev/null
  settle "$err" 3
  for step in $(steps); do
    rate=${step%/*}
    flows=$(flows_for "$rate")
    p0=$(stat_of "$err" packets); k0=$(stat_of "$err" kernel_dropped)
    q0=$(stat_of "$err" queue_dropped); e0=$(stat_of "$err" events)
    read -r c0 w0 a0 < <(cpu_split "$CAP_PID")
    bl0=$(backlog_drops)
    read -r frames secs < <(gen "$flows" "$([ "$rate" = top ] || echo "$rate")")
    read -r c w a < <(cpu_split "$CAP_PID") # CPU while sending (eviction afterwards excluded)
    settle "$err" 2.5
    p1=$(stat_of "$err" packets); k1=$(stat_of "$err" kernel_dropped)
    q1=$(stat_of "$err" queue_dropped); e1=$(stat_of "$err" events)
    received=$((p1 - p0))
    ok=no
    [ $((k1 - k0)) = 0 ] && [ $((q1 - q0)) = 0 ] && [ "$received" = "$frames" ] && [ $((e1 - e0)) = "$flows" ] && ok=yes
    row "$label @$rate$(pass_label "$step")" "$frames" "$secs" "$received" $(( $(backlog_drops) - bl0 )) $((k1 - k0)) $((q1 - q0)) \
      $((e1 - e0)) "$flows" "$ok" "$(pct $((c - c0)) "$secs"), $(pct $((w - w0)) "$secs"), $(pct $((a - a0)) "$secs")"
  done
  kill -TERM "$CAP_PID"; wait "$CAP_PID" || true; CAP_PID=""
}

for setup in $CONFIGS; do
  case "$setup" in
    tcpdump) run_tcpdump ;;
    pcap4j) run_sensor pcap4j --reader pcap4j --no-db ;;
    direct) run_sensor direct --reader direct --no-db ;;
    fanout2) run_sensor fanout2 --reader direct --no-db --capture-threads 2 ;;
    fanout2-workers|fanout2-ring)
      run_sensor "$setup" --reader direct --no-db --capture-threads 2 --pipelines workers ;;
    ring) run_sensor ring --reader ring --no-db ;;
    ring-fanout2) run_sensor ring-fanout2 --reader ring --no-db --capture-threads 2 ;;
    db-kafka)
      if start_broker; then
        run_sensor db-kafka --reader direct --output kafka --kafka-bootstrap 127.0.0.1:19092 \
          --spool-dir "$BROKER_DIR/spool"
        kill -TERM "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; BROKER_PID=""
      else
        [ -n "$BROKER_PID" ] && { kill -9 "$BROKER_PID" 2>/dev/null || true; BROKER_PID=""; }
        echo "(no Kafka broker: $(tail -1 "$OUT/broker.out" 2>/dev/null); file output instead)" >&2
        run_sensor db-file --reader direct --output file --output-path "$OUT/db-file.json"
        rm -f "$OUT/db-file.json"
      fi ;;
    *) echo "capture-ceiling: unknown set-up '$setup'" >&2; exit 2 ;;
  esac
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
