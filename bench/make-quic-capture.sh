#!/usr/bin/env bash
# Writes the QUIC benchmark capture (bench/quic-run.sh reads it): the real QUIC flows of the
# samples (samples/quic: Netty/quiche with and without Retry, headless Chromium with its
# two-Initial post-quantum hello, a reordered copy) and of the shared corpus (every file with a
# QUIC row in ../shared/corpus/expected.tsv: Chrome, Firefox, quic-go, mvfst, v2, drafts 27/29,
# Google T051, DNS over QUIC, nDPI's shuffled-CRYPTO hellos ...), copied until the file holds at
# least N client Initial packets.
#
# Usage: bench/make-quic-capture.sh [-n CLIENT_INITIALS] [-s SPACING_US] [-c CORPUS] [-o FILE]
#   -n  client Initial packets to reach at least (default 200000)
#   -s  microseconds between packets in the output (default 100: 10,000 packets/s of capture
#       time, so that the 30 s UDP idle timeout keeps a few hundred thousand flows in the table)
#   -c  the shared corpus directory (default ../shared/corpus beside the repository; without it
#       only the samples are used, and the script says so)
#   -o  output pcap (default bench/work/quic-bench.pcap); FILE.info gets the counts
#
# Why copies of recorded flows and not a QUIC client in a loop: a loop gives one client stack's
# hello, needs root and a namespace, and its length depends on how busy the machine is; the copies
# take seconds, are the same every time (same inputs, same file), and carry every QUIC client and
# version the sensor is tested with. Each copy of a flow gets a client address of its
# own (10.0.0.0/8, fd00::/64), Connection IDs of its own (same lengths) and the server port 443
# (so that tshark and ndpiReader decode it as QUIC without hints); its Initials are encrypted
# again with the keys of the new Destination Connection ID (the key derivation starts from it)
# and Retry integrity tags recomputed, so every copy is a new connection to every tool: tshark
# ties connections by Connection ID and would take copies with the original IDs for the same
# connection. The sensor derives keys per connection (flow), so every copy costs a key
# derivation as a new connection does, and a flow that sends several Initials derives once.
# Needs python3 with python3-cryptography, and editcap; no root.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
N=200000
SPACING=100
CORPUS="$ROOT/../shared/corpus"
OUT="$HERE/work/quic-bench.pcap"
while getopts "n:s:c:o:h" opt; do
  case "$opt" in
    n) N="$OPTARG" ;;
    s) SPACING="$OPTARG" ;;
    c) CORPUS="$OPTARG" ;;
    o) OUT="$OPTARG" ;;
    *) sed -n '2,28p' "$0"; exit 2 ;;
  esac
done
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "make-quic-capture: -n must be a positive number, got '$N'" >&2; exit 2; }
[[ "$SPACING" =~ ^[1-9][0-9]*$ ]] || { echo "make-quic-capture: -s must be a positive number of microseconds, got '$SPACING'" >&2; exit 2; }
python3 -c 'import cryptography' 2>/dev/null \
  || { echo "make-quic-capture: python3 lacks the cryptography module (Debian: python3-cryptography)" >&2; exit 1; }
for tool in python3 editcap; do
  command -v "$tool" >/dev/null || { echo "make-quic-capture: missing tool '$tool' (Debian: python3, wireshark-common)" >&2; exit 1; }
done
mkdir -p "$(dirname "$OUT")"
OUT="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
TMP="$(mktemp -d /tmp/ja3quicbench.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

inputs=("$ROOT"/samples/quic/*.pcap)
skipped=()
if [ -f "$CORPUS/expected.tsv" ]; then
  # pcapng and nanosecond files become classic pcap; a file editcap cannot write as pcap (several
  # link types in one file) is left out and named
  while IFS= read -r f; do
    conv="$TMP/$(echo "$f" | tr '/' '_').pcap"
    if editcap -F pcap "$CORPUS/$f" "$conv" 2>"$TMP/editcap.err"; then
      inputs+=("$conv")
    else
      skipped+=("$f ($(head -1 "$TMP/editcap.err"))")
    fi
  done < <(awk -F'\t' 'NR > 1 && $7 == "quic" {print $1}' "$CORPUS/expected.tsv" | sort -u)
else
  echo "make-quic-capture: no corpus at $CORPUS: the samples' QUIC flows only" >&2
fi

t0=$(date +%s)
python3 "$HERE/quic-capture.py" "$OUT.tmp" "$N" "$SPACING" "${inputs[@]}" > "$TMP/info"
mv "$OUT.tmp" "$OUT"
{
  echo "# bench/make-quic-capture.sh -n $N -s $SPACING, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  sed "s|$TMP/||; s|$ROOT/||" "$TMP/info"
  for s in "${skipped[@]}"; do echo "skipped=$s"; done
} > "$OUT.info"
get() { sed -n "s/^$1=//p" "$OUT.info" | head -1; }
echo "make-quic-capture: $OUT: $(get packets) packets, $(get flows) QUIC flows, $(get client_initials) client Initials, $(get server_initials) server Initials ($(get copies) copies of $(grep -c '^source=' "$OUT.info") inputs), $(($(date +%s) - t0)) s; counts in $OUT.info" >&2
for s in "${skipped[@]}"; do echo "make-quic-capture: left out $s" >&2; done
