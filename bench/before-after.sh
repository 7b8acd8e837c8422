#!/bin/bash
# Interleaved timing of `read` on the benchmark capture with two builds of the jar, BEFORE and AFTER
# (e.g. main before a change and the branch after it): rounds alternate which runs first.
# Usage: BEFORE=/tmp/before.jar AFTER=sensor/target/ja3sensor.jar bench/before-after.sh [CAPTURE]
# Each round runs both jars, alternating which goes first; wall, user and system seconds.
set -euo pipefail
CAP="${1:-bench/work/tls-bench.pcap}"
BEFORE="${BEFORE:?jar built before the change}"
AFTER="${AFTER:-sensor/target/ja3sensor.jar}"
ROUNDS=${ROUNDS:-9}
[ -f "$CAP" ] || { echo "before-after: no capture $CAP (see bench/make-capture.sh)" >&2; exit 1; }
BEFORE=$(readlink -f "$BEFORE"); AFTER=$(readlink -f "$AFTER"); CAP=$(readlink -f "$CAP")
cd "$(dirname "$0")/.."
T=$(mktemp)
jar() { if [ "$1" = before ]; then echo "$BEFORE"; else echo "$AFTER"; fi; }
for j in before after; do JA3SENSOR_JAR=$(jar $j) bin/ja3sensor read -q "$CAP" > /dev/null; done  # page cache, CDS archives
for r in $(seq 1 $ROUNDS); do
  if [ $((r % 2)) = 1 ]; then order="before after"; else order="after before"; fi
  for j in $order; do
    /usr/bin/time -f "$j %e %U %S" -o "$T" env JA3SENSOR_JAR="$(jar $j)" bin/ja3sensor read -q "$CAP" > /dev/null
    cat "$T" | tee -a "$T.all"
  done
done
python3 - "$T.all" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    j, wall, user, sys_ = line.split()
    runs.setdefault(j, []).append((float(wall), float(user) + float(sys_)))
for j in ("before", "after"):
    w = [r[0] for r in runs[j]]
    c = [r[1] for r in runs[j]]
    print(f"{j}: {len(w)} runs, wall median {statistics.median(w):.2f} s (best {min(w):.2f}, "
          f"worst {max(w):.2f}), CPU median {statistics.median(c):.2f} s")
PY
rm -f "$T" "$T.all"
