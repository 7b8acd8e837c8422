# shellcheck shell=bash
# Timing shared by bench/run.sh and bench/quic-run.sh: source it after setting OUT (the directory
# for each run's output, time and stderr files).
#
#   run_once NAME OUTFILE CMD...   one timed run of CMD (stdout to OUTFILE); keeps NAME's best
#                                  wall time with that run's CPU (user + sys) and peak RSS, and the
#                                  list of all its wall times; a failed run is reported and NAME
#                                  is not run again
#   median NAME                    the median of NAME's wall times
#
# Results: WALL[NAME] (s), CPU[NAME] (s), RSS[NAME] (MB), WALLS[NAME] (all), STATUS[NAME] (exit
# status of a failed run).

declare -A WALL CPU RSS STATUS WALLS

run_once() {
  local name=$1 outfile=$2; shift 2
  [ "${STATUS[$name]:-0}" = 0 ] || return 0
  local t0 t1 wall status=0 user sys rss
  t0=$(date +%s%N)
  /usr/bin/time -f '%U %S %M' -o "$OUT/$name.time" "$@" > "$outfile" 2> "$OUT/$name.err" || status=$?
  t1=$(date +%s%N)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
  if [ "$status" != 0 ]; then
    STATUS[$name]=$status
    echo "  $name: exit status $status (see $OUT/$name.err)" >&2
    return 0
  fi
  read -r user sys rss < <(tail -1 "$OUT/$name.time")
  echo "  $name: ${wall} s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}') s CPU" >&2
  WALLS[$name]="${WALLS[$name]:-} $wall"
  if [ -z "${WALL[$name]:-}" ] || awk -v w="$wall" -v b="${WALL[$name]}" 'BEGIN {exit !(w < b)}'; then
    WALL[$name]=$wall
    CPU[$name]=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
    RSS[$name]=$(awk -v k="$rss" 'BEGIN {printf "%.0f", k / 1024}')
  fi
}

median() {
  echo "${WALLS[$1]:-}" | tr ' ' '\n' | grep . | sort -n |
    awk '{a[NR] = $1} END {if (NR) printf "%.3f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}
