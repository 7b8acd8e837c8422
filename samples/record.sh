#!/usr/bin/env bash
# Re-records every sample capture in this directory from real TLS clients talking to local
# servers inside a throwaway network namespace, and writes tshark's view of each capture as
# <name>.expected.tsv. Run as root:  sudo samples/record.sh
#
# Nothing leaves the machine: the namespace has only its own loopback interface.
# The new files replace the old ones only when every sample recorded and checked out.
# KEEP_ON_FAILURE=1 keeps the temporary directory (captures, server and client logs) on failure.
set -euo pipefail

SAMPLES_DIR=$(cd "$(dirname "$0")" && pwd)
CLIENTS_DIR="$SAMPLES_DIR/clients"
START_SECONDS=$SECONDS
# shellcheck source=lib-netns.sh
. "$SAMPLES_DIR/lib-netns.sh" # die, the namespace, tcpdump, the teardown

netns_require_root

# --- tools ----------------------------------------------------------------------------------
netns_install_missing ip=iproute2 ethtool=ethtool tcpdump=tcpdump tshark=tshark openssl=openssl \
  curl=curl gnutls-cli=gnutls-bin gnutls-serv=gnutls-bin chromium=chromium \
  java=openjdk-17-jdk-headless timeout=coreutils ss=iproute2 /usr/bin/python3=python3
PYTHON=/usr/bin/python3 # Debian's, not whatever a version manager puts first on PATH

# --- namespace --------------------------------------------------------------------------------
netns_setup ja3samples
OUT="$WORK/out"
mkdir -p "$OUT"
nsx ip -6 addr show dev lo | grep -q 'inet6 ::1/' || die "lo in $NS has no ::1"

# --- certificate ------------------------------------------------------------------------------
CERT="$WORK/cert.pem"
KEY="$WORK/key.pem"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
  -keyout "$KEY" -out "$CERT" 2>"$WORK/openssl-req.log" || die "openssl req failed: $(cat "$WORK/openssl-req.log")"

# --- servers ----------------------------------------------------------------------------------
PORT_OPENSSL=443      # openssl s_server -www, default settings (TLS 1.2 and 1.3), IPv4 and IPv6
PORT_OPENSSL_P256=4433 # openssl s_server accepting only the P-256 group: forces a HelloRetryRequest
PORT_GNUTLS=5556      # gnutls-serv --http
PORT_PYTHON=8443      # Python ssl module server (clients/tls_server.py)

ip netns exec "$NS" openssl s_server -quiet -www -accept "$PORT_OPENSSL" \
  -cert "$CERT" -key "$KEY" >"$WORK/s_server.log" 2>&1 &
ip netns exec "$NS" openssl s_server -quiet -www -accept "$PORT_OPENSSL_P256" -groups P-256 \
  -cert "$CERT" -key "$KEY" >"$WORK/s_server_p256.log" 2>&1 &
ip netns exec "$NS" gnutls-serv --http --port "$PORT_GNUTLS" \
  --x509certfile "$CERT" --x509keyfile "$KEY" >"$WORK/gnutls-serv.log" 2>&1 &
ip netns exec "$NS" "$PYTHON" "$CLIENTS_DIR/tls_server.py" "$PORT_PYTHON" "$CERT" "$KEY" \
  >"$WORK/tls_server.log" 2>&1 &
for p in $PORT_OPENSSL $PORT_OPENSSL_P256 $PORT_GNUTLS $PORT_PYTHON; do netns_wait_port "$p"; done

# --- capture ----------------------------------------------------------------------------------
# capture_start NAME FILE / capture_stop NAME come from lib-netns.sh; here every capture is
# out/NAME.pcap.
start_capture() { capture_start "$1" "$OUT/$1.pcap"; }

run_client() { # name command...
  local name=$1
  shift
  if ! timeout 90 ip netns exec "$NS" "$@" >"$WORK/$name.client.out" 2>"$WORK/$name.client.err" </dev/null; then
    die "client for $name failed: $*"$'\n'"$(tail -20 "$WORK/$name.client.err")"
  fi
}

# run_client with stdin from a string (for clients that read the request from stdin)
run_client_stdin() { # name input command...
  local name=$1 input=$2
  shift 2
  if ! printf '%b' "$input" | timeout 90 ip netns exec "$NS" "$@" >"$WORK/$name.client.out" 2>"$WORK/$name.client.err"; then
    die "client for $name failed: $*"$'\n'"$(tail -20 "$WORK/$name.client.err")"
  fi
}

# a client whose handshake is meant to fail: it must exit non-zero (but not time out)
run_client_failing() { # name command...
  local name=$1 rc=0
  shift
  timeout 90 ip netns exec "$NS" "$@" >"$WORK/$name.client.out" 2>"$WORK/$name.client.err" </dev/null || rc=$?
  [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || die "client for $name: expected a failed handshake, exit status $rc: $*"
}

declare -A SAMPLE_PORT=()
SAMPLES=()
record() { # name port command...   one client run, one capture
  local name=$1 port=$2
  shift 2
  echo "recording $name"
  SAMPLES+=("$name")
  SAMPLE_PORT[$name]=$port
  start_capture "$name"
  run_client "$name" "$@"
  capture_stop "$name"
}

GET='GET / HTTP/1.0\r\nHost: localhost\r\n\r\n'
CURL=(curl --silent --show-error --insecure --max-time 30 --output /dev/null)

record curl-tls12 $PORT_OPENSSL "${CURL[@]}" --tlsv1.2 --tls-max 1.2 "https://127.0.0.1:$PORT_OPENSSL/"
record curl-tls13 $PORT_OPENSSL "${CURL[@]}" --tlsv1.3 "https://127.0.0.1:$PORT_OPENSSL/"
record curl-ipv6 $PORT_OPENSSL "${CURL[@]}" "https://[::1]:$PORT_OPENSSL/"

echo "recording curl-multi"
SAMPLES+=(curl-multi)
SAMPLE_PORT[curl-multi]=$PORT_OPENSSL
start_capture curl-multi
# The same 4-tuple twice (127.0.0.1:40000 -> :443), first TLS 1.3 then TLS 1.2: two connections,
# two different ClientHellos (tcp_max_tw_buckets=0 above frees port 40000 at once).
run_client curl-multi "${CURL[@]}" --local-port 40000 "https://127.0.0.1:$PORT_OPENSSL/"
run_client curl-multi "${CURL[@]}" --local-port 40000 --tlsv1.2 --tls-max 1.2 "https://127.0.0.1:$PORT_OPENSSL/"
# Two more connections from one curl process (s_server -www closes after each response).
run_client curl-multi "${CURL[@]}" --output /dev/null "https://127.0.0.1:$PORT_OPENSSL/" "https://127.0.0.1:$PORT_OPENSSL/"
capture_stop curl-multi

echo "recording openssl-s_client"
SAMPLES+=(openssl-s_client)
SAMPLE_PORT[openssl-s_client]=$PORT_OPENSSL
start_capture openssl-s_client
run_client_stdin openssl-s_client "$GET" openssl s_client -connect "127.0.0.1:$PORT_OPENSSL" -servername localhost -ign_eof
capture_stop openssl-s_client

echo "recording openssl-hrr"
SAMPLES+=(openssl-hrr)
SAMPLE_PORT[openssl-hrr]=$PORT_OPENSSL_P256
start_capture openssl-hrr
# s_client offers an X25519 key share first; the server accepts only P-256 and asks again.
run_client_stdin openssl-hrr "$GET" openssl s_client -connect "127.0.0.1:$PORT_OPENSSL_P256" -servername localhost -ign_eof
capture_stop openssl-hrr

echo "recording gnutls-cli"
SAMPLES+=(gnutls-cli)
SAMPLE_PORT[gnutls-cli]=$PORT_GNUTLS
start_capture gnutls-cli
run_client_stdin gnutls-cli "$GET" gnutls-cli --insecure --port "$PORT_GNUTLS" 127.0.0.1
capture_stop gnutls-cli

echo "recording openssl-alert"
SAMPLES+=(openssl-alert)
SAMPLE_PORT[openssl-alert]=$PORT_OPENSSL
start_capture openssl-alert
# Only a NULL cipher offered: the server answers the ClientHello with a handshake_failure alert,
# so this connection has a ClientHello and no ServerHello.
run_client_failing openssl-alert openssl s_client -connect "127.0.0.1:$PORT_OPENSSL" -servername localhost \
  -tls1_2 -cipher 'NULL-SHA256:@SECLEVEL=0'
capture_stop openssl-alert

record python-ssl $PORT_PYTHON "$PYTHON" -c '
import socket, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
with ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30), server_hostname="localhost") as s:
    s.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
    while s.recv(4096):
        pass
' "$PORT_PYTHON"

# Against the Python server: HttpClient waits forever on s_server -www's HTTP/1.0 answer.
record java-httpclient $PORT_PYTHON java "$CLIENTS_DIR/Client.java" "https://127.0.0.1:$PORT_PYTHON/"

CHROME_PROFILE="$WORK/chromium-profile"
mkdir -p "$CHROME_PROFILE"
CHROMIUM=(chromium --headless --no-sandbox --disable-gpu --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$CHROME_PROFILE" --ignore-certificate-errors)
# Three runs of the browser, two connections each: one browser, a new extension order (so a new
# JA3) on every connection, one JA3N and one JA4.
echo "recording chromium"
SAMPLES+=(chromium)
SAMPLE_PORT[chromium]=$PORT_OPENSSL
start_capture chromium
for run in 1 2 3; do
  run_client chromium "${CHROMIUM[@]}" --dump-dom "https://127.0.0.1:$PORT_OPENSSL/"
done
capture_stop chromium

# --- expectations from tshark -----------------------------------------------------------------
TSHARK_VERSION=$(tshark --version 2>/dev/null | head -1)
tshark_fields() { # pcap port fields...
  local pcap=$1 port=$2
  shift 2
  local args=()
  for f in "$@"; do args+=(-e "$f"); done
  tshark -n -r "$pcap" -o tls.desegment_ssl_records:TRUE -o tcp.desegment_tcp_streams:TRUE \
    -d "tcp.port==$port,tls" -Y 'tls.handshake.type==1||tls.handshake.type==2' -T fields "${args[@]}" 2>/dev/null
}

FIELDS=(frame.number tcp.stream ip.src ipv6.src tcp.srcport ip.dst ipv6.dst tcp.dstport
  tls.handshake.type tls.handshake.ja3_full tls.handshake.ja3 tls.handshake.ja3s_full tls.handshake.ja3s)

for name in "${SAMPLES[@]}"; do
  pcap="$OUT/$name.pcap"
  port=${SAMPLE_PORT[$name]}
  tsv="$OUT/$name.expected.tsv"
  {
    echo "# tshark: $TSHARK_VERSION"
    echo "# command: tshark -n -r $name.pcap -o tls.desegment_ssl_records:TRUE -o tcp.desegment_tcp_streams:TRUE -d tcp.port==$port,tls -Y 'tls.handshake.type==1||tls.handshake.type==2' -T fields$(printf ' -e %s' "${FIELDS[@]}")"
    echo "# one row per ClientHello (ja3) and ServerHello (ja3s, HelloRetryRequest included); client/server oriented from the message direction"
    echo "# ja3n and ja4 rows (JA3N string and md5; JA4_r and JA4): samples/ja4_expected.py $name.pcap $port, computed from tshark's dissected ClientHello fields (tshark 4.0 has no JA4/JA3N)"
    printf 'frame\tstream\tclient_ip\tclient_port\tserver_ip\tserver_port\tkind\tfingerprint_string\tfingerprint_md5\n'
    {
      tshark_fields "$pcap" "$port" "${FIELDS[@]}" | awk -F'\t' -v OFS='\t' '
        {
          src = ($3 != "") ? $3 : $4; dst = ($6 != "") ? $6 : $7
          if ($10 != "") print $1, $2, src, $5, dst, $8, "ja3", $10, $11
          if ($12 != "") print $1, $2, dst, $8, src, $5, "ja3s", $12, $13
        }'
      "$PYTHON" "$SAMPLES_DIR/ja4_expected.py" "$pcap" "$port" || die "$name: ja4_expected.py failed"
    } | sort -t $'\t' -k1,1n -s
  } >"$tsv"
done

# --- checks: is tshark's view complete, and does each sample show what it is meant to? ----------
rows() { grep -v '^#' "$OUT/$1.expected.tsv" | tail -n +2; }
count_kind() { rows "$1" | awk -F'\t' -v k="$2" '$7 == k' | wc -l; }
streams_with() { rows "$1" | awk -F'\t' -v k="$2" '$7 == k { print $2 }' | sort -u; }

for name in "${SAMPLES[@]}"; do
  pcap="$OUT/$name.pcap"
  port=${SAMPLE_PORT[$name]}
  size=$(stat -c %s "$pcap")
  [ "$size" -lt 1000000 ] || die "$name.pcap is $size bytes, expected under 1 MB"
  # every hash is a single md5 (two hellos in one frame would show up as "h1,h2")
  bad=$(rows "$name" | awk -F'\t' '$7 != "ja4" && (length($9) != 32 || $9 !~ /^[0-9a-f]+$/ || $8 == "")' | head -3)
  [ -z "$bad" ] || die "$name: malformed row(s) in tshark output: $bad"
  # every hello tshark dissected has its fingerprint row
  n_ch=$(tshark_fields "$pcap" "$port" tls.handshake.type | tr ',' '\n' | grep -cx 1 || true)
  n_sh=$(tshark_fields "$pcap" "$port" tls.handshake.type | tr ',' '\n' | grep -cx 2 || true)
  [ "$n_ch" -eq "$(count_kind "$name" ja3)" ] || die "$name: $n_ch ClientHellos but $(count_kind "$name" ja3) ja3 rows"
  [ "$n_sh" -eq "$(count_kind "$name" ja3s)" ] || die "$name: $n_sh ServerHellos but $(count_kind "$name" ja3s) ja3s rows"
  [ "$n_ch" -ge 1 ] || die "$name: no ClientHello in the capture"
  lost=$(tshark -n -r "$pcap" -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' 2>/dev/null | wc -l)
  [ "$lost" -eq 0 ] || die "$name: tshark sees $lost frame(s) after segments missing from the capture"
  # every connection got its ServerHello (but the one meant to fail)
  [ "$name" = openssl-alert ] || [ "$(streams_with "$name" ja3)" = "$(streams_with "$name" ja3s)" ] \
    || die "$name: streams with a ClientHello ($(streams_with "$name" ja3 | xargs)) differ from streams with a ServerHello ($(streams_with "$name" ja3s | xargs))"
done

expect_streams() { # name n
  local n
  n=$(streams_with "$1" ja3 | wc -l)
  [ "$n" -eq "$2" ] || die "$1: expected $2 TLS connections, tshark sees $n"
}
expect_streams curl-tls12 1
expect_streams curl-tls13 1
expect_streams curl-ipv6 1
expect_streams curl-multi 4
expect_streams openssl-s_client 1
expect_streams openssl-hrr 1
expect_streams gnutls-cli 1
expect_streams python-ssl 1
expect_streams java-httpclient 1
expect_streams openssl-alert 1
[ "$(count_kind openssl-alert ja3s)" -eq 0 ] || die "openssl-alert: the server sent a ServerHello"

rows curl-tls12 | awk -F'\t' '$7 == "ja3s"' | grep -q $'\t771,' || die "curl-tls12: ServerHello is not TLS 1.2"
rows curl-ipv6 | awk -F'\t' '$3 != "::1" || $5 != "::1" { exit 1 }' || die "curl-ipv6: not ::1 -> ::1"
[ "$(count_kind openssl-hrr ja3)" -eq 2 ] && [ "$(count_kind openssl-hrr ja3s)" -eq 2 ] \
  || die "openssl-hrr: expected 2 ClientHellos and 2 ServerHellos (HelloRetryRequest) in one connection"
# curl-multi: two connections with the same 4-tuple, different ClientHellos
reused=$(rows curl-multi | awk -F'\t' '$7 == "ja3" && $4 == 40000 { print $2, $9 }' | sort -u)
[ "$(echo "$reused" | awk '{ print $1 }' | sort -u | wc -l)" -eq 2 ] \
  && [ "$(echo "$reused" | awk '{ print $2 }' | sort -u | wc -l)" -eq 2 ] \
  || die "curl-multi: expected two connections from port 40000 with different JA3, got: $reused"
# chromium: the ClientHello spans two TCP segments
segs=$(tshark -n -r "$OUT/chromium.pcap" -o tcp.desegment_tcp_streams:TRUE -d "tcp.port==$PORT_OPENSSL,tls" \
  -Y 'tls.handshake.type==1' -T fields -e tcp.segment.count 2>/dev/null | head -1)
[ "${segs:-0}" -ge 2 ] || die "chromium: first ClientHello is in ${segs:-1} TCP segment(s), expected 2"
# chromium: extension order permuted per connection: JA3s differ, one JA3N, one JA4
for name in chromium; do
  n=$(streams_with "$name" ja3 | wc -l)
  [ "$(rows "$name" | awk -F'\t' '$7 == "ja3" { print $9 }' | sort -u | wc -l)" -eq "$n" ] \
    || die "$name: two connections with the same JA3 (expected a permuted extension order)"
  [ "$(rows "$name" | awk -F'\t' '$7 == "ja3n" { print $9 }' | sort -u | wc -l)" -eq 1 ] \
    || die "$name: more than one JA3N"
  [ "$(rows "$name" | awk -F'\t' '$7 == "ja4" { print $9 }' | sort -u | wc -l)" -eq 1 ] \
    || die "$name: more than one JA4"
done

# --- versions ---------------------------------------------------------------------------------
{
  echo "# Tool versions used by the last run of record.sh ($(date -u +%Y-%m-%d))"
  echo "tshark: $TSHARK_VERSION"
  echo "tcpdump: $(tcpdump --version 2>&1 | head -1)"
  echo "curl: $(curl --version | head -1)"
  echo "openssl: $(openssl version)"
  echo "gnutls-cli/gnutls-serv: $(gnutls-cli --version 2>&1 | head -1)"
  echo "python: $("$PYTHON" -c 'import ssl, sys; print("Python", sys.version.split()[0], "with", ssl.OPENSSL_VERSION)')"
  echo "java: $(java -version 2>&1 | head -2 | tail -1)"
  echo "chromium: $(chromium --version 2>/dev/null | head -1)"
  echo "kernel: $(uname -r)"
} >"$OUT/versions.txt"

# --- publish ------------------------------------------------------------------------------------
rm -f "$SAMPLES_DIR"/*.pcap "$SAMPLES_DIR"/*.expected.tsv
cp "$OUT"/*.pcap "$OUT"/*.expected.tsv "$OUT/versions.txt" "$SAMPLES_DIR/"
echo "recorded ${#SAMPLES[@]} samples in $((SECONDS - START_SECONDS)) s:"
for name in "${SAMPLES[@]}"; do
  printf '  %-20s %7d bytes  %s\n' "$name.pcap" "$(stat -c %s "$SAMPLES_DIR/$name.pcap")" \
    "$(rows "$name" | awk -F'\t' '{ print $7 "=" $9 }' | xargs)"
done
