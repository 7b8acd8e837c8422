#!/bin/sh
# Regenerates the fragmented captures of this directory from the samples beside it (README.md).
# Needs tcprewrite (Debian package tcpreplay, built with fragroute) and python3.
set -eu
cd "$(dirname "$0")"
conf=$(mktemp)
trap 'rm -f "$conf"' EXIT
fragroute() { # original, output, fragroute rules...
  in=../$1.pcap
  out=$2
  shift 2
  printf '%s\n' "$@" >"$conf"
  tcprewrite --fragroute="$conf" -i "$in" -o "$out"
}
fragroute curl-tls13 curl-tls13.frag64.pcap 'ip_frag 64'
fragroute curl-tls12 curl-tls12.frag24-reverse.pcap 'ip_frag 24' 'order reverse'
fragroute curl-tls13 curl-tls13.frag24-overlap-old.pcap 'ip_frag 24 old'
fragroute curl-tls13 curl-tls13.frag24-overlap-new.pcap 'ip_frag 24 new'
python3 fragment.py ipv6-reverse 64 ../curl-ipv6.pcap curl-ipv6.frag64-reverse.pcap
python3 fragment.py erspan 128 ../curl-tls13.pcap curl-tls13.erspan-frag128.pcap
