#!/usr/bin/env bash
# Records the default ClientHello of each TLS client library installable here (Debian 12, plus the
# JDKs present), one capture per client, and writes the shipped database file of library defaults
# (../fingerprints/81-library-defaults.csv: JA3, JA3N and JA4 as context entries of category
# library) from what ja3sensor reads in them. Run as root after building the jar:
#   mvn -B -q -DskipTests package && sudo samples/record-libraries.sh
#
# Same bench as record.sh: a throwaway network namespace with only its loopback interface, an
# `openssl s_server -www` with a self-signed certificate, and each client connecting with its
# default settings to the name tls.example.test (a hosts entry inside the namespace, so every
# client sends SNI as it does for a real server name; a few clients are also recorded connecting
# to the bare address, without SNI). Captures go to libraries/, with versions.txt.
# KEEP_ON_FAILURE=1 keeps the temporary directory on failure.
set -euo pipefail

SAMPLES_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$SAMPLES_DIR/.." && pwd)
CLIENTS_DIR="$SAMPLES_DIR/clients"
OUT_DIR="$SAMPLES_DIR/libraries"
DB_FILE="$REPO/fingerprints/81-library-defaults.csv"
JAR="$REPO/sensor/target/ja3sensor.jar"
NAME=tls.example.test
PORT=443
# shellcheck source=lib-netns.sh
. "$SAMPLES_DIR/lib-netns.sh" # die, the namespace, tcpdump, the teardown
netns_on_exit() { rm -f "$DB_FILE.tmp"; }

netns_require_root
[ -f "$JAR" ] || die "no $JAR: build it first (mvn -B -q -DskipTests package)"

# command (or path) = Debian package
netns_install_missing ip=iproute2 ethtool=ethtool tcpdump=tcpdump editcap=wireshark-common \
  openssl=openssl curl=curl wget=wget gnutls-cli=gnutls-bin tstclnt=libnss3-tools node=nodejs \
  ruby=ruby go=golang-go chromium=chromium java=openjdk-17-jdk-headless firefox-esr=firefox-esr \
  cargo=cargo /usr/share/cargo/registry/rustls-0.20.8=librust-rustls-dev \
  /usr/bin/python3=python3
PYTHON=/usr/bin/python3
JAVA17=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
[ -x "$JAVA17" ] || JAVA17=$(command -v java)

# --- namespace, name, certificate, server -------------------------------------------------------
netns_setup ja3libs
OUT="$WORK/out"
mkdir -p "$OUT"
netns_hosts "127.0.0.1 $NAME" "127.0.0.1 localhost"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$NAME" \
  -addext "subjectAltName=DNS:$NAME,IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
  2>"$WORK/req.log" || die "openssl req failed: $(cat "$WORK/req.log")"
ip netns exec "$NS" openssl s_server -quiet -www -accept "$PORT" -cert "$WORK/cert.pem" \
  -key "$WORK/key.pem" >"$WORK/s_server.log" 2>&1 &
netns_wait_port "$PORT"

# The Go client is built outside the namespace (the build cache lives in $WORK).
GOCLIENT="$WORK/goclient"
(cd "$WORK" && cp "$CLIENTS_DIR/goclient.go" . && HOME="$WORK" GOCACHE="$WORK/gocache" \
  GOPATH="$WORK/gopath" GO111MODULE=off go build -o "$GOCLIENT" goclient.go) \
  || die "go build of clients/goclient.go failed"

# The rustls client is built offline against the crates Debian ships as source
# (librust-rustls-dev and its dependencies under /usr/share/cargo/registry), with no registry.
RUSTLSCLIENT="$WORK/rustls-target/release/rustlsclient"
mkdir -p "$WORK/cargo-home"
cat >"$WORK/cargo-home/config.toml" <<'TOML'
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "/usr/share/cargo/registry"
[net]
offline = true
TOML
cp -r "$CLIENTS_DIR/rustlsclient" "$WORK/rustlsclient-src"
(cd "$WORK/rustlsclient-src" && CARGO_HOME="$WORK/cargo-home" CARGO_TARGET_DIR="$WORK/rustls-target" \
  cargo build --release --offline -q >"$WORK/cargo.log" 2>&1) \
  || die "cargo build of clients/rustlsclient failed: $(tail -20 "$WORK/cargo.log")"
RUSTLS_VERSION=$(sed -n '/^name = "rustls"$/{n;s/^version = "\(.*\)"$/\1/p}' "$WORK/rustlsclient-src/Cargo.lock")

# Firefox ESR with a new profile: headless, no first-run pages, no update or telemetry traffic
# (none of these preferences touches TLS). It loads the page, meets the unknown certificate and
# stops there: the ClientHello is what counts.
FF_PROFILE="$WORK/firefox-profile"
mkdir -p "$FF_PROFILE"
cat >"$FF_PROFILE/user.js" <<'JS'
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("app.update.auto", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("browser.safebrowsing.update.enabled", false);
user_pref("extensions.update.enabled", false);
JS

# --- recording ----------------------------------------------------------------------------------
declare -A LABEL=()
CLIENTS=()
record() { # name "label" command...   one capture per client
  local name=$1 label=$2 drops=""
  shift 2
  echo "recording $name"
  [ "$name" = openssl-s_time ] && drops=allow-drops # hundreds of connections; the first is kept
  capture_start "$name" "$WORK/$name.full.pcap" "tcp port $PORT"
  if ! timeout 90 ip netns exec "$NS" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" \
      <<<$'GET / HTTP/1.0\r\nHost: '"$NAME"$'\r\n\r\n'; then
    die "client $name failed: $*"$'\n'"$(tail -5 "$WORK/$name.err")"
  fi
  capture_stop "$name" $drops
  # The first 40 packets hold the first connection's handshake (s_time makes hundreds).
  editcap -F pcap -r "$WORK/$name.full.pcap" "$OUT/$name.pcap" 1-40 >/dev/null
  CLIENTS+=("$name")
  LABEL[$name]=$label
}

URL="https://$NAME:$PORT/"
record openssl-s_client "OpenSSL 3 s_client defaults" \
  openssl s_client -connect "$NAME:$PORT" -ign_eof
record openssl-s_client-noservername "OpenSSL 3 s_client defaults, no SNI (connecting to an address)" \
  openssl s_client -connect "127.0.0.1:$PORT" -noservername -ign_eof
record openssl-s_time "OpenSSL 3 s_time defaults" \
  openssl s_time -connect "127.0.0.1:$PORT" -new -time 1
record curl "curl (OpenSSL 3) defaults" curl -sS -k -o /dev/null "$URL"
record curl-ip "curl (OpenSSL 3) defaults, no SNI (connecting to an address)" \
  curl -sS -k -o /dev/null "https://127.0.0.1:$PORT/"
record wget "wget (GnuTLS) defaults" wget -q --no-check-certificate -O /dev/null "$URL"
record python-ssl "Python ssl module (OpenSSL 3) default context" "$PYTHON" -c '
import socket, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
with ctx.wrap_socket(socket.create_connection((sys.argv[1], 443), timeout=30), server_hostname=sys.argv[1]) as s:
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    while s.recv(4096):
        pass
' "$NAME"
record python-urllib "Python urllib.request (OpenSSL 3) defaults" "$PYTHON" -c '
import ssl, sys, urllib.request
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
urllib.request.urlopen(sys.argv[1], context=ctx, timeout=30).read()
' "$URL"
record gnutls-cli "GnuTLS gnutls-cli defaults" gnutls-cli --insecure --port "$PORT" "$NAME"
mkdir -p "$WORK/nssdb"
certutil -N -d "sql:$WORK/nssdb" --empty-password || die "certutil -N failed"
certutil -A -d "sql:$WORK/nssdb" -n bench -t "CT,," -i "$WORK/cert.pem" || die "certutil -A failed"
# tstclnt does not exit by itself after the answer here (5 s is plenty): the ClientHello
# is what counts, and the capture shows the whole handshake.
record nss-tstclnt "NSS tstclnt defaults" sh -c 'timeout 5 tstclnt -d "$0" -h "$1" -p "$2" -o -o; true' \
  "sql:$WORK/nssdb" "$NAME" "$PORT"
record nodejs "Node.js https defaults" node -e '
require("https").get({host: process.argv[1], port: 443, rejectUnauthorized: false},
  r => { r.resume(); r.on("end", () => process.exit(0)); }).on("error", e => { console.error(e); process.exit(1); });
' "$NAME"
record ruby "Ruby Net::HTTP (OpenSSL 3) defaults" ruby -rnet/https -e '
h = Net::HTTP.new(ARGV[0], 443); h.use_ssl = true; h.verify_mode = OpenSSL::SSL::VERIFY_NONE
h.start { |x| x.get("/") }
' "$NAME"
record go "Go net/http crypto/tls defaults" "$GOCLIENT" "$URL"
record java17-urlconnection "Java 17 HttpsURLConnection (JSSE) defaults" \
  "$JAVA17" "$CLIENTS_DIR/UrlClient.java" "$URL"
# Java 21 has no Debian 12 package; a JDK 21 installed by hand in the usual place is recorded too.
for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
  if [ -x "$jdk/bin/java" ]; then
    v=$("$jdk/bin/java" -version 2>&1 | head -1 | sed 's/.*version "\([0-9]*\).*/\1/')
    record "java$v-urlconnection" "Java $v HttpsURLConnection (JSSE) defaults" \
      "$jdk/bin/java" "$CLIENTS_DIR/UrlClient.java" "$URL"
  fi
done
CHROME_PROFILE="$WORK/chromium-profile"
mkdir -p "$CHROME_PROFILE"
record chromium "Chromium (BoringSSL) defaults" chromium --headless --no-sandbox --disable-gpu \
  --no-first-run --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$CHROME_PROFILE" --ignore-certificate-errors --dump-dom "$URL"

record rustls "rustls $RUSTLS_VERSION (Debian 12 crate) ClientConfig defaults" "$RUSTLSCLIENT" "$NAME" "$PORT"
# Firefox does not exit after the certificate error page by itself: 20 s is plenty for the
# ClientHello, and the capture shows the whole exchange.
record firefox-esr "Firefox ESR (NSS) defaults" sh -c 'MOZ_HEADLESS=1 timeout 20 firefox-esr --headless \
  --no-remote --profile "$0" --screenshot "$0/page.png" "$1" >/dev/null 2>&1; true' "$FF_PROFILE" "$URL"

# --- versions -----------------------------------------------------------------------------------
{
  echo "# Client versions of the last run of record-libraries.sh ($(date -u +%Y-%m-%d))"
  echo "openssl: $(openssl version)"
  echo "curl: $(curl --version | head -1)"
  echo "wget: $(wget --version | head -1)"
  echo "python: $("$PYTHON" -c 'import ssl, sys; print("Python", sys.version.split()[0], "with", ssl.OPENSSL_VERSION)')"
  echo "gnutls-cli: $(gnutls-cli --version 2>&1 | head -1)"
  echo "nss: $(dpkg-query -W -f '${Package} ${Version}' libnss3 2>/dev/null)"
  echo "nodejs: $(node --version) ($(node -p process.versions.openssl) OpenSSL; $(dpkg-query -W -f '${Version}' nodejs 2>/dev/null))"
  echo "ruby: $(ruby -ropenssl -e 'print RUBY_VERSION, " with ", OpenSSL::OPENSSL_LIBRARY_VERSION')"
  echo "go: $(go version)"
  for jdk in "$JAVA17" /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/java-21-openjdk-amd64/bin/java; do
    [ -x "$jdk" ] && echo "java: $("$jdk" -version 2>&1 | head -2 | tail -1)"
  done
  echo "chromium: $(chromium --version 2>/dev/null | head -1)"
  echo "rustls: $RUSTLS_VERSION (Debian $(dpkg-query -W -f '${Package} ${Version}' librust-rustls-dev 2>/dev/null)), built with $(cargo --version)"
  echo "firefox-esr: $(firefox-esr --version 2>/dev/null | head -1) ($(dpkg-query -W -f '${Version}' firefox-esr 2>/dev/null))"
} >"$OUT/versions.txt"

# --- the database file --------------------------------------------------------------------------
for name in "${CLIENTS[@]}"; do
  java -jar "$JAR" read --no-db "$OUT/$name.pcap" >"$WORK/$name.json" 2>"$WORK/$name.read.log" \
    || die "ja3sensor read $name.pcap failed: $(cat "$WORK/$name.read.log")"
done
for name in "${CLIENTS[@]}"; do printf '%s\t%s\n' "$name" "${LABEL[$name]}"; done >"$WORK/labels.tsv"
TODAY=$(date -u +%Y-%m-%d)
"$PYTHON" - "$WORK" "$TODAY" "${CLIENTS[@]}" >"$WORK/81.csv" <<'PY' || die "building the database file failed"
import csv, io, json, sys
work, today, clients = sys.argv[1], sys.argv[2], sys.argv[3:]
labels = dict(l.split("\t", 1) for l in open(work + "/labels.tsv").read().splitlines())
values = {}  # (type, value) -> [client names]
for name in clients:
    with open(f"{work}/{name}.json") as f:
        events = [json.loads(l) for l in f if l.strip()]
    if not events:
        sys.exit(f"{name}: no event in its capture")
    c = events[0]["tls"]["client"]
    types = ["ja3n", "ja4"] if name.startswith("chromium") else ["ja3", "ja3n", "ja4"]
    for t in types:
        if t not in c:
            sys.exit(f"{name}: no {t} in the first event")
        values.setdefault((t, c[t]), []).append(name)
out = io.StringIO()
w = csv.writer(out, lineterminator="\n")
w.writerow(["id", "type", "value", "label", "category", "disposition", "confidence", "source",
            "licence", "first_seen", "reference", "notes"])
for (t, v), names in values.items():
    label = " / ".join(labels[n] for n in names)
    w.writerow([f"recorded:{names[0]}:{t}", t, v, label, "library", "info", "80",
                "ja3sensor-recorded", "CC0-1.0", today,
                "samples/libraries/" + names[0] + ".pcap",
                "Recorded by samples/record-libraries.sh from the client's default settings"
                " (versions in samples/libraries/versions.txt); captures: "
                + ", ".join(n + ".pcap" for n in names)])
sys.stdout.write(out.getvalue())
PY
{
  echo "# Library defaults recorded by samples/record-libraries.sh on $TODAY from real clients on"
  echo "# Debian 12 (versions in samples/libraries/versions.txt; captures in samples/libraries/)."
  echo "# Source: ja3sensor-recorded (this project's own recordings); licence: CC0-1.0."
  echo "# Context entries of category library: a single-fingerprint alert entry on the same"
  echo "# ClientHello is demoted unless corroborated (docs/detection.md). Do not edit: re-record."
  cat "$WORK/81.csv"
} >"$DB_FILE.tmp"
java -jar "$JAR" db check --quiet --db "$REPO/fingerprints" --db-extra "$DB_FILE.tmp" >/dev/null \
  || { rm -f "$DB_FILE.tmp"; die "the new file does not pass db check"; }
mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/*.pcap
cp "$OUT"/*.pcap "$OUT/versions.txt" "$OUT_DIR/"
mv "$DB_FILE.tmp" "$DB_FILE"
echo "recorded ${#CLIENTS[@]} clients; $(grep -vc '^#' "$DB_FILE") lines in $DB_FILE"
