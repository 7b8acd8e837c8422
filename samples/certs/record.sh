#!/usr/bin/env bash
# Records the server-certificate samples of this directory: openssl s_server with a self-signed
# RSA certificate (asked for its own name and for another), with a three-certificate chain, and
# with leaves signed by the sample root CA that each have one flaw (expired, not yet valid, RSA
# 1024 key, SHA-1 signature), talked to by curl and openssl s_client at TLS 1.2, plus one TLS 1.3
# handshake (no certificate in clear), over the loopback interface of a throwaway network
# namespace. The certificates are made here by openssl (`openssl ca` for explicit validity dates)
# and kept beside the captures as PEM, so that CertificateSamplesTest can compare every event field
# with `openssl x509` and tshark. Run as root:  sudo samples/certs/record.sh
#
# Nothing leaves the machine. The new files replace the old ones only when every capture recorded.
set -euo pipefail

DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/../lib-netns.sh"
netns_require_root
netns_install_missing ip=iproute2 ethtool=ethtool tcpdump=tcpdump openssl=openssl curl=curl \
  ss=iproute2 timeout=coreutils
netns_setup ja3certs

# --- certificates -------------------------------------------------------------------------------
cd "$WORK"
ossl() { openssl "$@" 2>>"$WORK/openssl.log" || die "openssl $1 failed: $(tail -5 "$WORK/openssl.log")"; }

# 1. Self-signed RSA 2048, SHA-256, names localhost and 127.0.0.1.
ossl req -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 \
  -subj "/C=DE/ST=Berlin/L=Berlin/O=ja3sensor samples/OU=Self-signed/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout selfsigned.key -out selfsigned.pem

# 2. A chain: root CA -> intermediate CA -> leaf (EC P-256), the server sends all three.
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

# 3. Leaves signed by the root CA, each with one flaw, so that each policy flag shows alone. `openssl
# ca` sets explicit validity dates (openssl 3.0's x509 and req only count days from now).
mkdir -p ca.d
: >ca.d/index.txt
cat >ca.cnf <<'CNF'
[ca]
default_ca = sample
[sample]
database = ca.d/index.txt
new_certs_dir = ca.d
serial = ca.d/serial
policy = anything
copy_extensions = copy
unique_subject = no
[anything]
commonName = supplied
organizationName = optional
CNF
flawed() { # name cn key-spec md serial startdate enddate
  local name=$1 cn=$2 keyspec=$3 md=$4 serial=$5 start=$6 end=$7
  ossl req -new -newkey "$keyspec" -nodes -subj "/O=ja3sensor samples/CN=$cn" \
    -addext "subjectAltName=DNS:$cn" -keyout "$name.key" -out "$name.csr"
  echo "$serial" >ca.d/serial
  ossl ca -batch -notext -config ca.cnf -cert root.pem -keyfile root.key -md "$md" -preserveDN \
    -startdate "$start" -enddate "$end" -in "$name.csr" -out "$name.pem"
}
# expired long before the recording: valid in January 2020 only
flawed expired expired.example.test rsa:2048 sha256 2001 20200101000000Z 20200131000000Z
# not valid before 2036
flawed notyetvalid future.example.test rsa:2048 sha256 2002 20360101000000Z 20460101000000Z
# RSA 1024 key (weak key)
flawed weakkey weakkey.example.test rsa:1024 sha256 2003 20250101000000Z 20350101000000Z
# signed with SHA-1 (weak signature)
flawed weaksig weaksig.example.test rsa:2048 sha1 2004 20250101000000Z 20350101000000Z

# --- servers -------------------------------------------------------------------------------------
start() { # port cert key [extra s_server args]
  local port=$1 cert=$2 key=$3
  shift 3
  ip netns exec "$NS" openssl s_server -quiet -www -accept "$port" -cert "$cert" -key "$key" \
    -cipher 'DEFAULT:@SECLEVEL=0' "$@" >"$WORK/s_server.$port.log" 2>&1 &
  netns_wait_port "$port"
}
start 4431 selfsigned.pem selfsigned.key
start 4432 expired.pem expired.key
start 4433 leaf.pem leaf.key -cert_chain chain.pem
start 4434 notyetvalid.pem notyetvalid.key
start 4435 weakkey.pem weakkey.key
start 4436 weaksig.pem weaksig.key

capture() { # name command...
  local name=$1
  shift
  echo "recording $name"
  capture_start "$name" "$WORK/$name.pcap"
  "$@"
  capture_stop "$name"
}
client() { timeout 60 ip netns exec "$NS" "$@" >>"$WORK/client.log" 2>&1 </dev/null || die "client failed: $*: $(tail -5 "$WORK/client.log")"; }
s_client() { # port servername
  printf 'GET / HTTP/1.0\r\n\r\n' | timeout 60 ip netns exec "$NS" openssl s_client -quiet -tls1_2 \
    -cipher 'DEFAULT:@SECLEVEL=0' -connect "127.0.0.1:$1" -servername "$2" >>"$WORK/client.log" 2>&1 \
    || die "s_client to $1 failed: $(tail -5 "$WORK/client.log")"
}
CURL=(curl --silent --show-error --insecure --max-time 30 --output /dev/null --tlsv1.2 --tls-max 1.2)

CURL13=(curl --silent --show-error --insecure --max-time 30 --output /dev/null --tlsv1.3)
WEAK=(--ciphers 'DEFAULT:@SECLEVEL=0')

# One connection per capture; samples/certs/manifest.tsv says what each one is made to show.
capture cert-selfsigned client "${CURL[@]}" --resolve localhost:4431:127.0.0.1 https://localhost:4431/
capture cert-selfsigned-mismatch s_client 4431 www.example.org
capture cert-expired s_client 4432 expired.example.test
capture cert-chain client "${CURL[@]}" --resolve leaf.example.test:4433:127.0.0.1 https://leaf.example.test:4433/
capture cert-notyetvalid client "${CURL[@]}" --resolve future.example.test:4434:127.0.0.1 https://future.example.test:4434/
capture cert-weakkey s_client 4435 weakkey.example.test
capture cert-weaksig client "${CURL[@]}" "${WEAK[@]}" --resolve weaksig.example.test:4436:127.0.0.1 https://weaksig.example.test:4436/
capture cert-tls13 client "${CURL13[@]}" --resolve localhost:4431:127.0.0.1 https://localhost:4431/

NAMES="cert-selfsigned cert-selfsigned-mismatch cert-expired cert-chain cert-notyetvalid cert-weakkey cert-weaksig cert-tls13"
for name in $NAMES; do
  [ -s "$WORK/$name.pcap" ] || die "no capture for $name"
done
for name in $NAMES; do
  cp "$WORK/$name.pcap" "$DIR/$name.pcap"
done
for pem in selfsigned expired notyetvalid weakkey weaksig root inter leaf; do
  cp "$WORK/$pem.pem" "$DIR/$pem.pem"
done
{
  echo "# versions of the last recording"
  openssl version
  curl --version | head -1
  tcpdump --version 2>&1 | head -1
  date -u +"recorded %Y-%m-%dT%H:%M:%SZ"
} >"$DIR/versions.txt"
echo "recorded into $DIR"
