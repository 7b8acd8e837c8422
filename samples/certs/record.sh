#!/usr/bin/env bash
# Records the server-certificate samples of this directory: openssl s_server with a self-signed
# RSA certificate, with an expired (weak, SHA-1 signed) one, and with a three-certificate chain,
# talked to by curl and openssl s_client at TLS 1.2 over the loopback interface of a throwaway
# network namespace. The certificates are made here (openssl, keytool for the expired one: only
# keytool sets a start date in the past) and kept beside the captures as PEM, so that tests can
# compare every event field with `openssl x509` and tshark. Run as root:  sudo samples/certs/record.sh
#
# Nothing leaves the machine. The new files replace the old ones only when every capture recorded.
set -euo pipefail

DIR=$(cd "$(dirname "$0")" && pwd)
NS="ja3certs-$$-$RANDOM"
WORK=$(mktemp -d /tmp/ja3certs.XXXXXX)
TCPDUMP_PID=""

die() {
  echo "record.sh: $*" >&2
  exit 1
}

cleanup() {
  set +e
  if ip netns list 2>/dev/null | grep -qw "$NS"; then
    ip netns pids "$NS" | xargs -r kill 2>/dev/null
    sleep 0.5
    ip netns pids "$NS" | xargs -r kill -9 2>/dev/null
    ip netns del "$NS"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespace, tcpdump); got uid $(id -u)"
for cmd in ip ethtool tcpdump openssl curl keytool ss timeout; do
  command -v "$cmd" >/dev/null || die "$cmd not installed"
done

ip netns add "$NS"
nsx() { ip netns exec "$NS" "$@"; }
nsx ip link set lo mtu 1500 up
nsx ethtool -K lo tso off gso off >/dev/null # real segments, not one 64 KB super-segment

# --- certificates -------------------------------------------------------------------------------
cd "$WORK"
ossl() { openssl "$@" 2>>"$WORK/openssl.log" || die "openssl $1 failed: $(tail -5 "$WORK/openssl.log")"; }

# 1. Self-signed RSA 2048, SHA-256, names localhost and 127.0.0.1.
ossl req -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 \
  -subj "/C=DE/ST=Berlin/L=Berlin/O=ja3sensor samples/OU=Self-signed/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout selfsigned.key -out selfsigned.pem

# 2. Expired: RSA 1024, SHA1withRSA, valid 30 days from 2020-01-01 (keytool's -startdate).
keytool -genkeypair -alias expired -keyalg RSA -keysize 1024 -sigalg SHA1withRSA \
  -dname "CN=expired.example.test, O=ja3sensor samples" -startdate 2020/01/01 -validity 30 \
  -ext san=dns:expired.example.test -keystore expired.p12 -storetype pkcs12 \
  -storepass changeit -keypass changeit >"$WORK/keytool.log" 2>&1 || die "keytool: $(cat "$WORK/keytool.log")"
ossl pkcs12 -in expired.p12 -passin pass:changeit -nodes -nocerts -out expired.key
ossl pkcs12 -in expired.p12 -passin pass:changeit -nokeys -clcerts -out expired.full.pem
ossl x509 -in expired.full.pem -out expired.pem

# 3. A chain: root CA -> intermediate CA -> leaf (EC P-256), the server sends all three.
ossl req -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 -subj "/O=ja3sensor samples/CN=Sample Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout root.key -out root.pem
ossl req -new -newkey rsa:2048 -nodes -subj "/O=ja3sensor samples/CN=Sample Intermediate CA" \
  -keyout inter.key -out inter.csr
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >inter.ext
ossl x509 -req -in inter.csr -CA root.pem -CAkey root.key -set_serial 0x1001 -days 3650 -sha256 \
  -extfile inter.ext -out inter.pem
ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/C=US/O=ja3sensor samples/CN=leaf.example.test" -keyout leaf.key -out leaf.csr
printf 'subjectAltName=DNS:leaf.example.test,DNS:*.leaf.example.test\n' >leaf.ext
ossl x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key -set_serial 0x0BADC0DE -days 3650 \
  -sha384 -extfile leaf.ext -out leaf.pem
cat inter.pem root.pem >chain.pem

# --- servers -------------------------------------------------------------------------------------
start() { # port cert key [extra s_server args]
  local port=$1 cert=$2 key=$3
  shift 3
  ip netns exec "$NS" openssl s_server -quiet -www -accept "$port" -cert "$cert" -key "$key" \
    -cipher 'DEFAULT:@SECLEVEL=0' "$@" >"$WORK/s_server.$port.log" 2>&1 &
  for _ in $(seq 100); do
    nsx ss -Hltn "sport = :$port" | grep -q . && return 0
    sleep 0.1
  done
  die "s_server on $port not listening: $(cat "$WORK/s_server.$port.log")"
}
start 4431 selfsigned.pem selfsigned.key
start 4432 expired.pem expired.key
start 4433 leaf.pem leaf.key -cert_chain chain.pem

capture() { # name command...
  local name=$1
  shift
  echo "recording $name"
  ip netns exec "$NS" tcpdump -i lo -s 0 -B 65536 -U --immediate-mode -Z root -n -w "$WORK/$name.pcap" \
    2>"$WORK/$name.tcpdump.log" &
  TCPDUMP_PID=$!
  for _ in $(seq 100); do
    grep -qs "listening on" "$WORK/$name.tcpdump.log" && break
    sleep 0.1
  done
  "$@"
  sleep 0.5
  kill -INT "$TCPDUMP_PID"
  wait "$TCPDUMP_PID" || true
  grep -q '^0 packets dropped by kernel' "$WORK/$name.tcpdump.log" || die "tcpdump for $name lost packets"
}
client() { timeout 60 ip netns exec "$NS" "$@" >>"$WORK/client.log" 2>&1 </dev/null || die "client failed: $*: $(tail -5 "$WORK/client.log")"; }
s_client() { # port servername
  printf 'GET / HTTP/1.0\r\n\r\n' | timeout 60 ip netns exec "$NS" openssl s_client -quiet -tls1_2 \
    -cipher 'DEFAULT:@SECLEVEL=0' -connect "127.0.0.1:$1" -servername "$2" >>"$WORK/client.log" 2>&1 \
    || die "s_client to $1 failed: $(tail -5 "$WORK/client.log")"
}
CURL=(curl --silent --show-error --insecure --max-time 30 --output /dev/null --tlsv1.2 --tls-max 1.2)

# curl with SNI localhost (covered), s_client asking for another name (name mismatch), s_client
# to the expired server, curl to the chain.
capture cert-selfsigned client "${CURL[@]}" --resolve localhost:4431:127.0.0.1 https://localhost:4431/
capture cert-selfsigned-mismatch s_client 4431 www.example.org
capture cert-expired s_client 4432 expired.example.test
capture cert-chain client "${CURL[@]}" --resolve leaf.example.test:4433:127.0.0.1 https://leaf.example.test:4433/

for name in cert-selfsigned cert-selfsigned-mismatch cert-expired cert-chain; do
  [ -s "$WORK/$name.pcap" ] || die "no capture for $name"
done
for name in cert-selfsigned cert-selfsigned-mismatch cert-expired cert-chain; do
  cp "$WORK/$name.pcap" "$DIR/$name.pcap"
done
for pem in selfsigned expired root inter leaf; do
  cp "$WORK/$pem.pem" "$DIR/$pem.pem"
done
{
  echo "# versions of the last recording"
  openssl version
  curl --version | head -1
  java -version 2>&1 | head -1
  tcpdump --version 2>&1 | head -1
  date -u +"recorded %Y-%m-%dT%H:%M:%SZ"
} >"$DIR/versions.txt"
echo "recorded into $DIR"
