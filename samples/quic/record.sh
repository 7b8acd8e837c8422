#!/usr/bin/env bash
# Re-records the QUIC sample captures in this directory: real HTTP/3 clients (Netty's QUIC codec,
# quiche + BoringSSL, and headless Chromium forced onto QUIC) talking to a real HTTP/3 server
# (Netty's QUIC codec, QuicPeer.java) inside a throwaway network namespace, and writes tshark's
# view of each capture (QUIC Initials decrypted by tshark) as <name>.expected.tsv, in the columns of
# ../<name>.expected.tsv with stream = udp.stream. Run as root from the repository:
#   sudo samples/quic/record.sh
# Needs the peer's jars in sensor/target/quic-peer (`mvn -pl sensor process-test-resources` puts
# them there; this script runs it when they are missing).
#
# Samples: netty-quic (3 connections), netty-quic-retry (server forces a Retry: 2 connections,
# each with two client Initials and two DCIDs), chromium-quic (2 browser runs; Chromium's
# post-quantum ClientHello spans two Initials and its CRYPTO frames are shuffled),
# chromium-quic-reordered (chromium-quic with, per connection, the first two client datagrams
# swapped and the first one repeated after them: out-of-order and duplicated Initials).
# The new files replace the old ones only when every sample recorded and checked out.
# KEEP_ON_FAILURE=1 keeps the temporary directory on failure.
set -euo pipefail

QUIC_DIR=$(cd "$(dirname "$0")" && pwd)
SAMPLES_DIR=$(dirname "$QUIC_DIR")
REPO=$(dirname "$SAMPLES_DIR")
PEER_CP="$REPO/sensor/target/quic-peer/*"
START_SECONDS=$SECONDS
. "$SAMPLES_DIR/lib-netns.sh"

netns_require_root
for cmd in ip ethtool tcpdump tshark openssl chromium java timeout; do
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (Debian: iproute2 ethtool tcpdump tshark openssl chromium openjdk-17-jdk-headless)"
done
if ! ls "$REPO"/sensor/target/quic-peer/netty-codec-native-quic-*-linux-x86_64.jar >/dev/null 2>&1; then
  echo "fetching the QUIC peer's jars (mvn -pl sensor process-test-resources)"
  (cd "$REPO" && mvn -B -q -pl sensor process-test-resources) || die "could not fetch the Netty QUIC jars"
fi
PYTHON=/usr/bin/python3

netns_setup ja3quic
OUT="$WORK/out"
mkdir -p "$OUT"

CERT="$WORK/cert.pem"
KEY="$WORK/key.pem"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$KEY" -out "$CERT" 2>"$WORK/openssl-req.log" || die "openssl req failed: $(cat "$WORK/openssl-req.log")"

PORT=443        # HTTP/3 server
PORT_RETRY=4443 # the same server sending a Retry to every token-less Initial
start_server() { # port [retry]
  local log="$WORK/server-$1.log"
  ip netns exec "$NS" java -cp "$PEER_CP" "$QUIC_DIR/QuicPeer.java" server :: "$1" "$CERT" "$KEY" ${2:-} >"$log" 2>&1 &
  for _ in $(seq 600); do
    grep -qs '^listening' "$log" && return 0
    sleep 0.1
  done
  die "QUIC server on port $1 not listening after 60 s: $(cat "$log")"
}
start_server $PORT
start_server $PORT_RETRY retry

run_client() { # name command...
  local name=$1
  shift
  if ! timeout 120 ip netns exec "$NS" "$@" >>"$WORK/$name.client.out" 2>>"$WORK/$name.client.err" </dev/null; then
    die "client for $name failed: $*"$'\n'"$(tail -20 "$WORK/$name.client.err")"
  fi
}

declare -A SAMPLE_PORT=()
SAMPLES=()

echo "recording netty-quic"
SAMPLES+=(netty-quic)
SAMPLE_PORT[netty-quic]=$PORT
capture_start netty-quic "$OUT/netty-quic.pcap" udp
run_client netty-quic java -cp "$PEER_CP" "$QUIC_DIR/QuicPeer.java" client 127.0.0.1 $PORT 3
capture_stop netty-quic

echo "recording netty-quic-retry"
SAMPLES+=(netty-quic-retry)
SAMPLE_PORT[netty-quic-retry]=$PORT_RETRY
capture_start netty-quic-retry "$OUT/netty-quic-retry.pcap" udp
run_client netty-quic-retry java -cp "$PEER_CP" "$QUIC_DIR/QuicPeer.java" client 127.0.0.1 $PORT_RETRY 2
capture_stop netty-quic-retry

# Chromium's QUIC ignores --ignore-certificate-errors: it takes the certificate's key pinned.
SPKI=$(openssl x509 -in "$CERT" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
CHROME_PROFILE="$WORK/chromium-profile"
mkdir -p "$CHROME_PROFILE"
CHROMIUM=(chromium --headless --no-sandbox --disable-gpu --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$CHROME_PROFILE" --ignore-certificate-errors
  --ignore-certificate-errors-spki-list="$SPKI" --enable-quic --origin-to-force-quic-on=localhost:$PORT)
echo "recording chromium-quic"
SAMPLES+=(chromium-quic)
SAMPLE_PORT[chromium-quic]=$PORT
capture_start chromium-quic "$OUT/chromium-quic.pcap" udp
for run in 1 2; do
  run_client chromium-quic "${CHROMIUM[@]}" --dump-dom "https://localhost:$PORT/"
done
capture_stop chromium-quic
grep -q 'ok' "$WORK/chromium-quic.client.out" || die "chromium-quic: the page is not the server's 'ok': $(head -5 "$WORK/chromium-quic.client.out")"

echo "deriving chromium-quic-reordered"
SAMPLES+=(chromium-quic-reordered)
SAMPLE_PORT[chromium-quic-reordered]=$PORT
"$PYTHON" "$QUIC_DIR/reorder.py" "$OUT/chromium-quic.pcap" "$OUT/chromium-quic-reordered.pcap" $PORT \
  || die "reorder.py failed"

# --- expectations from tshark -----------------------------------------------------------------
TSHARK_VERSION=$(tshark --version 2>/dev/null | head -1)
tshark_fields() { # pcap port fields...
  local pcap=$1 port=$2
  shift 2
  local args=()
  for f in "$@"; do args+=(-e "$f"); done
  tshark -n -r "$pcap" -d "udp.port==$port,quic" \
    -Y 'tls.handshake.type==1||tls.handshake.type==2' -T fields "${args[@]}" 2>/dev/null
}

FIELDS=(frame.number udp.stream ip.src ipv6.src udp.srcport ip.dst ipv6.dst udp.dstport
  tls.handshake.type tls.handshake.ja3_full tls.handshake.ja3 tls.handshake.ja3s_full tls.handshake.ja3s)

for name in "${SAMPLES[@]}"; do
  pcap="$OUT/$name.pcap"
  port=${SAMPLE_PORT[$name]}
  {
    echo "# tshark: $TSHARK_VERSION"
    echo "# command: tshark -n -r $name.pcap -d udp.port==$port,quic -Y 'tls.handshake.type==1||tls.handshake.type==2' -T fields$(printf ' -e %s' "${FIELDS[@]}")"
    echo "# one row per ClientHello (ja3) and ServerHello (ja3s) that tshark decrypts from QUIC Initials; stream is udp.stream"
    echo "# ja3n and ja4 rows: samples/ja4_expected.py $name.pcap $port quic, from tshark's dissected ClientHello fields (tshark 4.0 has no JA4/JA3N)"
    printf 'frame\tstream\tclient_ip\tclient_port\tserver_ip\tserver_port\tkind\tfingerprint_string\tfingerprint_md5\n'
    {
      tshark_fields "$pcap" "$port" "${FIELDS[@]}" | awk -F'\t' -v OFS='\t' '
        {
          src = ($3 != "") ? $3 : $4; dst = ($6 != "") ? $6 : $7
          if ($10 != "") print $1, $2, src, $5, dst, $8, "ja3", $10, $11
          if ($12 != "") print $1, $2, dst, $8, src, $5, "ja3s", $12, $13
        }'
      "$PYTHON" "$SAMPLES_DIR/ja4_expected.py" "$pcap" "$port" quic || die "$name: ja4_expected.py failed"
    } | sort -t $'\t' -k1,1n -s
  } >"$OUT/$name.expected.tsv"
done

# --- checks -----------------------------------------------------------------------------------
rows() { grep -v '^#' "$OUT/$1.expected.tsv" | tail -n +2; }
count_kind() { rows "$1" | awk -F'\t' -v k="$2" '$7 == k' | wc -l; }
streams_with() { rows "$1" | awk -F'\t' -v k="$2" '$7 == k { print $2 }' | sort -u; }
for name in "${SAMPLES[@]}"; do
  size=$(stat -c %s "$OUT/$name.pcap")
  [ "$size" -lt 1000000 ] || die "$name.pcap is $size bytes, expected under 1 MB"
  bad=$(rows "$name" | awk -F'\t' '$7 != "ja4" && (length($9) != 32 || $9 !~ /^[0-9a-f]+$/ || $8 == "")' | head -3)
  [ -z "$bad" ] || die "$name: malformed row(s) in tshark output: $bad"
  [ "$(count_kind "$name" ja3)" -ge 1 ] || die "$name: tshark decrypts no ClientHello"
  [ "$(streams_with "$name" ja3)" = "$(streams_with "$name" ja3s)" ] \
    || die "$name: streams with a ClientHello ($(streams_with "$name" ja3 | xargs)) differ from those with a ServerHello ($(streams_with "$name" ja3s | xargs))"
  rows "$name" | awk -F'\t' '$7 == "ja4" && $9 !~ /^q13/ { exit 1 }' || die "$name: a JA4 that is not q13..."
done
expect_streams() { # name n
  local n
  n=$(streams_with "$1" ja3 | wc -l)
  [ "$n" -eq "$2" ] || die "$1: expected $2 QUIC connections with a ClientHello, tshark sees $n"
}
expect_streams netty-quic 3
expect_streams netty-quic-retry 2
expect_streams chromium-quic 2
expect_streams chromium-quic-reordered 2
retries=$(tshark -n -r "$OUT/netty-quic-retry.pcap" -d "udp.port==$PORT_RETRY,quic" -Y 'quic.long.packet_type==3' 2>/dev/null | wc -l)
# (one Retry per token-less client Initial: a retransmitted first Initial gets a second one)
[ "$retries" -ge 2 ] || die "netty-quic-retry: expected 2 or more Retry packets, tshark sees $retries"
# Chromium's ClientHello does not fit one Initial: tshark reassembles it from CRYPTO frames of
# two packets (tls.handshake in a frame whose CRYPTO data started in an earlier frame).
multi=$(tshark -n -r "$OUT/chromium-quic.pcap" -d "udp.port==$PORT,quic" -Y 'tls.handshake.type==1' \
  -T fields -e quic.crypto.fragment.count 2>/dev/null | head -1)
[ "${multi:-0}" -ge 2 ] || die "chromium-quic: ClientHello in ${multi:-1} CRYPTO fragment(s), expected several"
for name in chromium-quic chromium-quic-reordered; do
  [ "$(rows "$name" | awk -F'\t' '$7 == "ja4" { print $9 }' | sort -u | wc -l)" -eq 1 ] \
    || die "$name: more than one JA4"
done
diff <(rows chromium-quic | cut -f 2- | sort) <(rows chromium-quic-reordered | cut -f 2- | sort) >/dev/null \
  || die "chromium-quic-reordered: tshark's fingerprints differ from chromium-quic's"

{
  echo "# Tool versions used by the last run of quic/record.sh ($(date -u +%Y-%m-%d))"
  echo "tshark: $TSHARK_VERSION"
  echo "tcpdump: $(tcpdump --version 2>&1 | head -1)"
  echo "netty QUIC peer: $(ls "$REPO"/sensor/target/quic-peer/ | grep -o 'netty-codec-native-quic-[^-]*-linux-x86_64' | head -1)"
  echo "java: $(java -version 2>&1 | head -2 | tail -1)"
  echo "chromium: $(chromium --version 2>/dev/null | head -1)"
  echo "kernel: $(uname -r)"
} >"$OUT/versions.txt"

rm -f "$QUIC_DIR"/*.pcap "$QUIC_DIR"/*.expected.tsv
cp "$OUT"/*.pcap "$OUT"/*.expected.tsv "$OUT/versions.txt" "$QUIC_DIR/"
echo "recorded ${#SAMPLES[@]} samples in $((SECONDS - START_SECONDS)) s:"
for name in "${SAMPLES[@]}"; do
  printf '  %-28s %7d bytes  %s\n' "$name.pcap" "$(stat -c %s "$QUIC_DIR/$name.pcap")" \
    "$(rows "$name" | awk -F'\t' '{ print $7 "=" $9 }' | sort -u | xargs)"
done
