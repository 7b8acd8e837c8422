#!/usr/bin/env bash
# Peak resident memory of `read` on generated hostile captures (docs/security.md, "Memory
# figures"): a 1 M-flow SYN flood, 1 M one-datagram QUIC-looking UDP flows, and one flow of
# 100,000 one-byte out-of-order segments; each with the default (heap-sized) bounds and with a
# small cap (--max-flows 10000 --reassembly-memcap 8m). Measured with /usr/bin/time -v.
#
#   bench/hostile-memory.sh [XMX]        XMX: the JVM's -Xmx (default: none, the JVM's own default
#                                        of a quarter of RAM)
#
# Needs the compiled classes (mvn -o -pl sensor test-compile) and about 300 MB in $TMPDIR.
# Prints one line per run: capture, bounds, exit status, peak RSS, elapsed, flow_table_full; and
# the load average before and after (the machine may be shared).
set -euo pipefail
cd "$(dirname "$0")/.."
xmx=()
[ -n "${1:-}" ] && xmx=(-Xmx"$1")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
deps="$(cd sensor && mvn -B -q -o -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=/dev/stdout | sed 's/\x1b\[[0-9;]*m//g')"
cp="sensor/target/classes:sensor/target/test-classes:$deps"
gen() { java -cp "$cp" org.ja3sensor.cli.HostileCaptures "$@"; }
gen syn 1000000 "$work/syn.pcap"
gen udp 1000000 "$work/udp.pcap"
gen ooo 1 100000 "$work/ooo.pcap"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-26s %5s %12s %9s %16s\n' capture bounds exit peak_rss_MiB seconds flow_table_full
for f in syn udp ooo; do
  for bounds in default small; do
    extra=()
    [ "$bounds" = small ] && extra=(--max-flows 10000 --reassembly-memcap 8m)
    set +e
    /usr/bin/time -v -o "$work/time.txt" java "${xmx[@]}" -cp "$cp" org.ja3sensor.cli.Main read \
      "${extra[@]}" "$work/$f.pcap" >/dev/null 2>"$work/err.txt"
    status=$?
    set -e
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$work/time.txt")
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
    full=$(awk '$1 == "flow_table_full" {print $2}' "$work/err.txt")
    label="$bounds"
    [ "$bounds" = small ] && label="small (10000 flows, 8m)"
    printf '%-10s %-26s %5s %12s %9s %16s\n' "$f" "$label" "$status" "$rss" "$secs" "${full:-0}"
    grep -q OutOfMemoryError "$work/err.txt" && { echo "OutOfMemoryError:"; cat "$work/err.txt"; }
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
