#!/usr/bin/env bash
# Records the end-to-end benchmark capture: real TLS clients and servers talking inside a network
# namespace of our own, captured with tcpdump on the namespace's loopback (MTU 1500, segmentation
# offloads off, so bulk transfers give the packet counts a mirror port would see).
#
# Usage: bench/make-capture.sh [-s SIZE_MB] [-n HANDSHAKES] [-t SECONDS] [-r SEED] [-p PORTS] [-o FILE]
#   -s  capture size to reach, in MB (default 1000)
#   -n  minimum number of successful short handshakes (default 6000); recording goes on until both
#       the size and this count are reached (more handshakes happen when the machine is idle)
#   -t  target duration of the traffic mix in seconds (default 120); bulk transfers are paced so
#       that SIZE is reached after about that long, and held back while the handshake loops lag
#       behind (busy machine); hard stop at SECONDS+180, with a warning
#   -r  seed for every random choice of the mix (client configurations, targets, bulk sizes)
#   -p  size of the namespace's ephemeral port range (default 2000). Linux hands out every other
#       port of it per destination and, with tcp_tw_reuse, takes ports back from TIME_WAIT after
#       1 s: the smaller the range, the more connections reuse a 4-tuple seen earlier (2000 gives
#       about a quarter to a third of the connections of the default mix; 1000 about three quarters)
#   -o  output pcap (default bench/work/tls-bench.pcap)
#
# Mix: short handshakes from curl (TLS 1.2 and 1.3, several cipher and group settings), openssl
# s_client, gnutls-cli (IPv4 and IPv6) and Python's ssl module, in parallel loops, against
# openssl s_server -WWW and -www (port 443), gnutls-serv (10443, IPv4 and IPv6) and a Python TLS
# server (8443); plus paced bulk downloads over TLS (Python server and openssl s_server -WWW on
# 9443). The namespace's ephemeral port range is narrow and tcp_tw_reuse is on, so ports come back
# within seconds, and two Python loops bind one fixed source port each (reuse every ~2 s).
#
# Needs root, iproute2, ethtool, tcpdump, curl, openssl, gnutls-bin, python3. Only addresses inside
# the namespace (127.0.0.0/8 and ::1 on its loopback) are used. Everything is torn down on exit.
set -euo pipefail

SIZE_MB=1000
SECONDS_TARGET=120
SEED=1
PORTS=2000
HELLOS=6000
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$HERE/work/tls-bench.pcap"
while getopts "s:t:n:r:p:o:h" opt; do
  case "$opt" in
    s) SIZE_MB="$OPTARG" ;;
    t) SECONDS_TARGET="$OPTARG" ;;
    n) HELLOS="$OPTARG" ;;
    r) SEED="$OPTARG" ;;
    p) PORTS="$OPTARG" ;;
    o) OUT="$OPTARG" ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
  esac
done
for tool in ip ethtool tcpdump curl openssl gnutls-cli gnutls-serv python3 timeout; do
  command -v "$tool" >/dev/null || { echo "make-capture: missing tool '$tool'" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "make-capture: needs root (network namespace, tcpdump)" >&2; exit 1; }

mkdir -p "$(dirname "$OUT")"
OUT="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
NS="ja3bench-$$"
TMP="$(mktemp -d /tmp/ja3bench.XXXXXX)"
STOP="$TMP/stop"
BULK_PAUSE="$TMP/bulk-pause"
LOOP_PIDS=()
TCPDUMP_PID=""

cleanup() {
  touch "$STOP" 2>/dev/null || true
  for p in "${LOOP_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if ip netns list 2>/dev/null | grep -qw "$NS"; then
    ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true
    sleep 0.3
    ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "make-capture: command failed at line $LINENO" >&2' ERR
trap 'exit 130' INT TERM

nsx() { ip netns exec "$NS" "$@"; }   # foreground only; background with 'ip netns exec' directly

# --- namespace: loopback only, MTU 1500, no segmentation offload, busy-client port reuse ---------
ip netns add "$NS"
nsx ip link set lo mtu 1500 up
nsx ethtool -K lo tso off gso off gro off >/dev/null 2>&1 || true
nsx sysctl -q -w net.ipv4.ip_local_port_range="41000 $((41000 + PORTS - 1))" net.ipv4.tcp_tw_reuse=1
nsx sysctl -q -w net.core.somaxconn=1024

# --- certificates and content ------------------------------------------------------------------
cd "$TMP"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.crt \
  -days 30 -subj /CN=bench.test -addext "subjectAltName=DNS:bench.test,DNS:*.bench.test" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.crt \
  -days 30 -subj /CN=rsa.bench.test 2>/dev/null
mkdir -p www bulk
printf '<html><body>ja3sensor benchmark</body></html>\n' > www/index.html
head -c 20000 /dev/urandom > www/page.bin
for mb in 4 16 48; do head -c $((mb * 1000000)) /dev/urandom > bulk/f$mb.bin; done

# --- servers ----------------------------------------------------------------------------------
(cd www && exec ip netns exec "$NS" openssl s_server -quiet -WWW -accept 127.0.1.1:443 \
  -cert "$TMP/ec.crt" -key "$TMP/ec.key" >/dev/null 2>&1) &
ip netns exec "$NS" openssl s_server -quiet -www -accept 127.0.1.2:443 \
  -cert "$TMP/rsa.crt" -key "$TMP/rsa.key" >/dev/null 2>&1 &
(cd bulk && exec ip netns exec "$NS" openssl s_server -quiet -WWW -accept 127.0.1.4:9443 \
  -cert "$TMP/rsa.crt" -key "$TMP/rsa.key" >/dev/null 2>&1) &
ip netns exec "$NS" gnutls-serv -q --http --port 10443 \
  --x509certfile "$TMP/rsa.crt" --x509keyfile "$TMP/rsa.key" >/dev/null 2>&1 &
ip netns exec "$NS" python3 "$HERE/tlsserver.py" --listen 127.0.1.3:8443 \
  --cert "$TMP/ec.crt" --key "$TMP/ec.key" >/dev/null 2>&1 &

wait_port() {  # wait_port PORT: until something listens on it in the namespace
  for _ in $(seq 50); do
    nsx ss -Hltn "sport = :$1" | grep -q LISTEN && return 0
    sleep 0.1
  done
  echo "make-capture: no server on port $1" >&2; return 1
}
for port in 443 9443 10443 8443; do wait_port "$port"; done
sleep 0.3

# --- capture ----------------------------------------------------------------------------------
rm -f "$OUT"
ip netns exec "$NS" tcpdump -i lo -n -B 262144 -s 0 -w "$OUT" 2>"$TMP/tcpdump.err" &
TCPDUMP_PID=$!
for _ in $(seq 50); do [ -s "$OUT" ] && break; sleep 0.1; done
START=$(date +%s)

# --- client loops (each counts its successes into $TMP/count.<name>) ---------------------------
pick() { local -n arr=$1; echo "${arr[RANDOM % ${#arr[@]}]}"; }

loop_curl() {
  RANDOM=$((SEED * 100 + 1))
  local ok=0 fail=0
  local targets=(https://127.0.1.1/index.html https://127.0.1.2/ https://127.0.1.3:8443/
                 https://127.0.0.1:10443/ "https://[::1]:10443/" https://127.0.1.1/page.bin)
  local versions=("--tlsv1.2 --tls-max 1.2" "--tlsv1.3" "--tlsv1.2" "")
  local ciphers=("" "--ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"
                 "--ciphers ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384"
                 "--tls13-ciphers TLS_AES_128_GCM_SHA256" "--curves X25519" "--curves P-256:P-384")
  local alpn=("" "--http1.1" "--no-alpn" "--http2")
  while [ ! -e "$STOP" ]; do
    # shellcheck disable=SC2046
    if ip netns exec "$NS" curl -sk -m 10 -o /dev/null $(pick versions) $(pick ciphers) $(pick alpn) \
        "$(pick targets)"; then ok=$((ok + 1)); else fail=$((fail + 1)); fi
    echo "$ok" > "$TMP/progress.curl"
  done
  echo "curl $ok $fail" > "$TMP/count.curl"
}

loop_s_client() {
  RANDOM=$((SEED * 100 + 2))
  local ok=0 fail=0
  local targets=(127.0.1.1:443 127.0.1.2:443 127.0.1.3:8443 127.0.0.1:10443 "[::1]:10443")
  local versions=("-tls1_2" "-tls1_3" "")
  local groups=("" "-groups X25519" "-groups P-256:X25519:P-384" "-groups ffdhe2048:P-256")
  local snis=("-servername bench.test" "-servername www.bench.test" "-noservername")
  while [ ! -e "$STOP" ]; do
    # shellcheck disable=SC2046
    if printf 'GET / HTTP/1.0\r\n\r\n' | ip netns exec "$NS" timeout 10 openssl s_client -quiet \
        -connect "$(pick targets)" $(pick versions) $(pick groups) $(pick snis) >/dev/null 2>&1
    then ok=$((ok + 1)); else fail=$((fail + 1)); fi
    echo "$ok" > "$TMP/progress.s_client"
  done
  echo "s_client $ok $fail" > "$TMP/count.s_client"
}

loop_gnutls() {
  RANDOM=$((SEED * 100 + 3))
  local ok=0 fail=0
  local targets=("--port 10443 ::1" "--port 10443 127.0.0.1" "--port 443 127.0.1.1"
                 "--port 8443 127.0.1.3" "--port 443 127.0.1.2")
  local prios=(NORMAL NORMAL:-VERS-TLS1.3 SECURE256 PERFORMANCE NORMAL:-VERS-ALL:+VERS-TLS1.3
               NORMAL:-CURVE-ALL:+CURVE-SECP256R1:+CURVE-X25519)
  while [ ! -e "$STOP" ]; do
    # shellcheck disable=SC2046
    if printf 'GET / HTTP/1.0\r\n\r\n' | ip netns exec "$NS" timeout 10 gnutls-cli --insecure \
        --priority "$(pick prios)" --sni-hostname api.bench.test $(pick targets) >/dev/null 2>&1
    then ok=$((ok + 1)); else fail=$((fail + 1)); fi
    echo "$ok" > "$TMP/progress.gnutls"
  done
  echo "gnutls-cli $ok $fail" > "$TMP/count.gnutls"
}

loop_python() {  # loop_python NAME SEED_OFFSET [extra tlsclient.py args]
  local name=$1 off=$2; shift 2
  local res
  res=$(ip netns exec "$NS" python3 "$HERE/tlsclient.py" --count 100000000 --stop-file "$STOP" \
        --seed $((SEED * 100 + off)) --progress-file "$TMP/progress.$name" \
        --target 127.0.1.1:443 --target 127.0.1.2:443 --target 127.0.1.3:8443 \
        --target 127.0.0.1:10443 "$@" 2>/dev/null || true)
  echo "$name $(sed -n 's/ok=\([0-9]*\) failed=\([0-9]*\)/\1 \2/p' <<<"$res")" > "$TMP/count.$name"
}

loop_bulk() {  # loop_bulk NAME SEED_OFFSET RATE_BYTES_PER_S
  local name=$1 rate=$3
  RANDOM=$((SEED * 100 + $2))
  local ok=0 fail=0
  local versions=("--tlsv1.2 --tls-max 1.2" "--tlsv1.3" "")
  while [ ! -e "$STOP" ]; do
    if [ -e "$BULK_PAUSE" ]; then sleep 0.2; continue; fi
    local url
    if [ $((RANDOM % 2)) = 0 ]; then
      url="https://127.0.1.3:8443/bulk/$(( (RANDOM % 40 + 2) * 1000000 + RANDOM ))"
    else
      local files=(f4.bin f16.bin f48.bin)
      url="https://127.0.1.4:9443/$(pick files)"
    fi
    # shellcheck disable=SC2046
    if ip netns exec "$NS" curl -sk -m 600 -o /dev/null --limit-rate "$rate" $(pick versions) "$url"
    then ok=$((ok + 1)); else fail=$((fail + 1)); fi
  done
  echo "$name $ok $fail" > "$TMP/count.$name"
}

BULK_LOOPS=3
RATE=$(( SIZE_MB * 1000000 / SECONDS_TARGET / BULK_LOOPS + 1 ))
loop_curl & LOOP_PIDS+=($!)
loop_s_client & LOOP_PIDS+=($!)
loop_gnutls & LOOP_PIDS+=($!)
loop_python python1 11 --pause 0.01 & LOOP_PIDS+=($!)
loop_python python2 12 --pause 0.01 --target "[::1]:10443" & LOOP_PIDS+=($!)
loop_python python-fixedport1 13 --pause 1.1 --fixed-port 40001 --bind-ip 127.0.0.2 & LOOP_PIDS+=($!)
loop_python python-fixedport2 14 --pause 1.1 --fixed-port 40002 --bind-ip 127.0.0.3 & LOOP_PIDS+=($!)
for i in $(seq "$BULK_LOOPS"); do
  loop_bulk "bulk$i" $((20 + i)) "$RATE" 2>/dev/null & LOOP_PIDS+=($!)   # no "Terminated" noise
done

echo "make-capture: recording ${SIZE_MB} MB and ${HELLOS}+ handshakes into $OUT (target ${SECONDS_TARGET} s," \
     "seed $SEED, $PORTS ephemeral ports, bulk pace $((RATE / 1000)) kB/s x $BULK_LOOPS)"
LIMIT=$((SIZE_MB * 1000000))
DEADLINE=$((START + SECONDS_TARGET + 180))
handshakes() {  # sum of the loops' progress files (some may not exist yet, or be mid-rewrite)
  local f n sum=0
  for f in "$TMP"/progress.*; do
    [ -e "$f" ] || continue
    read -r n < "$f" || n=0
    [[ "$n" =~ ^[0-9]+$ ]] && sum=$((sum + n))
  done
  echo "$sum"
}
kill_bulk() {  # cuts our bulk downloads: curl processes in our namespace, found by PID, never by name
  for p in $(ip netns pids "$NS"); do
    if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = curl ] && grep -qz -- --limit-rate "/proc/$p/cmdline"; then
      kill "$p" 2>/dev/null || true
    fi
  done
}
while :; do
  sleep 1
  size=$(stat -c %s "$OUT")
  hs=$(handshakes)
  now=$(date +%s)
  if [ $(((now - START) % 15)) = 0 ]; then
    echo "  $((now - START)) s: $((size / 1000000)) MB, $hs handshakes"
  fi
  [ "$size" -ge "$LIMIT" ] && [ "$hs" -ge "$HELLOS" ] && break
  if [ "$now" -ge "$DEADLINE" ]; then
    echo "make-capture: time limit reached before ${SIZE_MB} MB and $HELLOS handshakes (machine busy?)" >&2
    break
  fi
  # keep the mix even: hold bulk back while its share of SIZE runs ahead of the handshakes' share
  if [ $((size / (LIMIT / 1000))) -gt $((hs * 1000 / HELLOS + 50)) ] || [ "$size" -ge "$LIMIT" ]; then
    touch "$BULK_PAUSE"
    [ "$size" -ge "$LIMIT" ] && kill_bulk
  else
    rm -f "$BULK_PAUSE"
  fi
done

# Stop the clients (each handshake loop ends its current connection, bulk downloads are cut: the
# curl processes in our namespace, found by PID, never by name), then tcpdump.
touch "$STOP"
for _ in $(seq 30); do
  kill_bulk
  alive=0
  for p in "${LOOP_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
  [ "$alive" = 0 ] && break
  sleep 0.5
done
sleep 0.5
kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true
ELAPSED=$(( $(date +%s) - START ))

# --- report -----------------------------------------------------------------------------------
echo "make-capture: done in ${ELAPSED} s"
grep -E 'captured|dropped' "$TMP/tcpdump.err" | sed 's/^/  tcpdump: /' || true
echo "  client loops (name, successful connections, failed):"
total=0
for f in "$TMP"/count.*; do
  read -r name ok fail < "$f"
  printf '    %-18s %7s %6s\n' "$name" "${ok:-?}" "${fail:-?}"
  case "$name" in bulk*) ;; *) total=$((total + ${ok:-0})) ;; esac
done
echo "    short handshakes (successful, all stacks): $total"
PKTS=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$TMP/tcpdump.err")
# First TCP payload byte 0x16 (handshake record) and handshake type 1 (ClientHello), IPv4 and IPv6
# (no extension headers on loopback).
CH_FILTER='(ip and tcp and tcp[((tcp[12]&0xf0)>>2)]=0x16 and tcp[((tcp[12]&0xf0)>>2)+5]=1)
  or (ip6 and ip6[6]=6 and ip6[40+((ip6[52]&0xf0)>>2)]=0x16 and ip6[40+((ip6[52]&0xf0)>>2)+5]=1)'
CH_COUNT=$( (tcpdump -r "$OUT" -nn "$CH_FILTER" 2>/dev/null || true) | wc -l)
SYN_FILTER='(ip and tcp[13]&0x12=0x02) or (ip6 and ip6[6]=6 and ip6[53]&0x12=0x02)'
(tcpdump -r "$OUT" -nn "$SYN_FILTER" 2>/dev/null || true) | awk '{print $3, $5}' > "$TMP/syns"
SYNS=$(wc -l < "$TMP/syns")
TUPLES=$(sort -u "$TMP/syns" | wc -l)
echo "  capture: $OUT"
echo "    size:          $(stat -c %s "$OUT") bytes"
echo "    packets:       $PKTS"
echo "    ClientHellos:  $CH_COUNT (segments starting with a ClientHello record)"
echo "    SYNs:          $SYNS on $TUPLES distinct 4-tuples ($((SYNS - TUPLES)) connections reuse a 4-tuple seen earlier)"
