# shellcheck shell=bash
# Counters shared by bench/capture-rate.sh and bench/capture-ceiling.sh.
#
#   backlog_drops   frames the kernel dropped from its per-CPU input queues so far (the second
#                   column of /proc/net/softnet_stat, all CPUs): a veth hands frames to the
#                   receiving side through that queue (net.core.netdev_max_backlog) before any
#                   packet socket sees them, so libpcap's counters miss these
#   cpu_split PID   CPU ticks used so far by the process's threads: "capture_threads workers all"
#                   (capture threads: ja3sensor-captu* or tcpdump; workers: ja3sensor-worke*)
#   HZ              ticks per second (getconf CLK_TCK)

HZ=$(getconf CLK_TCK)

backlog_drops() {
  local total=0 v
  for v in $(awk '{print $2}' /proc/net/softnet_stat); do total=$((total + 16#$v)); done
  echo "$total"
}

cpu_split() {
  local cap=0 work=0 all=0 t name ticks
  for t in /proc/"$1"/task/*; do
    name=$(cat "$t/comm" 2>/dev/null) || continue
    ticks=$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null) || continue
    all=$((all + ticks))
    case "$name" in
      ja3sensor-captu*|tcpdump) cap=$((cap + ticks)) ;;
      ja3sensor-worke*) work=$((work + ticks)) ;;
    esac
  done
  echo "$cap $work $all"
}
