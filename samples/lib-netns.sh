# shellcheck shell=bash
# The recording bench shared by the sample recording scripts (record.sh, record-libraries.sh,
# certs/record.sh, quic/record.sh):
# a throwaway network namespace with only its own loopback interface, tcpdump inside it, and the
# teardown. Source it from a bash script that runs with `set -euo pipefail`:
#
#   . "$SAMPLES_DIR/lib-netns.sh"
#   netns_require_root
#   netns_install_missing ip=iproute2 curl=curl ...   # command=Debian package
#   netns_setup ja3samples                            # sets NS and WORK, installs the EXIT trap
#   netns_hosts "127.0.0.1 tls.example.test"          # optional: /etc/hosts inside the namespace
#   nsx ss -Hltn                                      # a command in the namespace (foreground)
#   netns_wait_port 443                               # a TCP listener is up in the namespace
#   capture_start NAME FILE [FILTER...]               # tcpdump on lo, waits until it listens
#   capture_stop NAME [allow-drops]                   # lets the last packets in, checks drops
#
# Messages and errors are prefixed with the script's name (die). On exit, whatever the status:
# every process in the namespace is ended, the namespace and its /etc/netns entry are deleted and
# WORK is removed (KEEP_ON_FAILURE=1 keeps WORK when the script fails). A script with its own
# cleanup defines netns_on_exit, which runs first with the exit status as $1.
# Nothing leaves the machine: the namespace has no interface but lo.

NETNS_SCRIPT=$(basename "$0")
NS=""
WORK=""
TCPDUMP_PID=""

die() {
  echo "$NETNS_SCRIPT: $*" >&2
  exit 1
}

netns_require_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (network namespace, tcpdump); got uid $(id -u)"
}

# Installs the Debian packages of the commands not found: netns_install_missing cmd=pkg ...
# (a command given as an absolute path is checked with -x).
netns_install_missing() {
  local spec cmd missing=()
  for spec in "$@"; do
    cmd=${spec%%=*}
    if [[ $cmd == /* ]]; then
      [ -x "$cmd" ] || missing+=("${spec#*=}")
    else
      command -v "$cmd" >/dev/null 2>&1 || missing+=("${spec#*=}")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: $(printf '%s\n' "${missing[@]}" | sort -u | xargs)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null \
    || die "apt-get install of $(printf '%s\n' "${missing[@]}" | sort -u | xargs) failed"
}

netns_cleanup() {
  local status=$?
  set +e
  if declare -F netns_on_exit >/dev/null; then
    netns_on_exit "$status"
  fi
  if [ -n "$NS" ] && ip netns list 2>/dev/null | grep -qw "$NS"; then
    ip netns pids "$NS" | xargs -r kill 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      [ -z "$(ip netns pids "$NS")" ] && break
      sleep 0.2
    done
    ip netns pids "$NS" | xargs -r kill -9 2>/dev/null
    ip netns del "$NS"
  fi
  [ -n "$NS" ] && rm -rf "/etc/netns/$NS"
  if [ -n "$WORK" ]; then
    if [ "$status" -ne 0 ] && [ -n "${KEEP_ON_FAILURE:-}" ]; then
      echo "$NETNS_SCRIPT: kept the work directory $WORK (captures, server and client logs)" >&2
    else
      rm -rf "$WORK"
    fi
  fi
}

# netns_setup PREFIX: a work directory /tmp/PREFIX.XXXXXX (WORK) and a namespace PREFIX-PID-RANDOM
# (NS) whose loopback has a 1,500-byte MTU (real-sized segments), no TSO/GSO (without this lo hands
# tcpdump one 64 KB "super segment" instead of the real ones) and no TIME_WAIT sockets (a client
# can bind the same source port again at once).
netns_setup() {
  local prefix=$1
  trap netns_cleanup EXIT
  trap 'exit 130' INT TERM
  WORK=$(mktemp -d "/tmp/$prefix.XXXXXX")
  NS="$prefix-$$-$RANDOM"
  ip netns add "$NS"
  nsx ip link set lo mtu 1500 up
  nsx ethtool -K lo tso off gso off >/dev/null
  nsx sysctl -qw net.ipv4.tcp_max_tw_buckets=0
  nsx ip -4 addr show dev lo | grep -q 'inet 127.0.0.1/' || die "lo in $NS has no 127.0.0.1"
}

# netns_hosts LINE...: the namespace's /etc/hosts (`ip netns exec` binds /etc/netns/NS/* over /etc)
netns_hosts() {
  mkdir -p "/etc/netns/$NS"
  printf '%s\n' "$@" >"/etc/netns/$NS/hosts"
}

# A command in the namespace, in the foreground. (`ip netns exec` execs the command, so a direct
# `ip netns exec "$NS" server &` has the server's pid; cleanup ends them all anyway.)
nsx() { ip netns exec "$NS" "$@"; }

netns_wait_port() { # port: a TCP listener in the namespace within 10 s
  for _ in $(seq 100); do
    nsx ss -Hltn "sport = :$1" | grep -q . && return 0
    sleep 0.1
  done
  die "nothing listens on port $1 in $NS after 10 s"
}

# capture_start NAME FILE [FILTER...]: tcpdump on the namespace's lo into FILE, log in
# WORK/NAME.tcpdump.log; returns when tcpdump listens.
# --immediate-mode: without it packets still in the kernel ring when SIGINT arrives are lost.
# -B: in immediate mode every ring slot is snaplen-sized (256 KiB), so the default 2 MiB buffer
# holds 8 packets and a busy machine drops some; 64 MiB holds about 250.
capture_start() {
  local name=$1 file=$2 log="$WORK/$1.tcpdump.log"
  shift 2
  ip netns exec "$NS" tcpdump -i lo -s 0 -B 65536 -U --immediate-mode -Z root -n -w "$file" "$@" 2>"$log" &
  TCPDUMP_PID=$!
  for _ in $(seq 100); do
    grep -qs "listening on" "$log" && return 0
    kill -0 "$TCPDUMP_PID" 2>/dev/null || die "tcpdump for $name exited: $(cat "$log")"
    sleep 0.1
  done
  die "tcpdump for $name not ready after 10 s"
}

# capture_stop NAME [allow-drops]: waits half a second for the last FIN/ACK or RST, stops tcpdump
# and fails if the kernel dropped packets (allow-drops: a capture of which only the first packets
# are kept, such as openssl s_time's hundreds of connections).
capture_stop() {
  local name=$1 mode=${2:-}
  sleep 0.5
  kill -INT "$TCPDUMP_PID"
  wait "$TCPDUMP_PID" || die "tcpdump for $name exited with status $?: $(cat "$WORK/$name.tcpdump.log")"
  TCPDUMP_PID=""
  [ "$mode" = allow-drops ] || grep -q '^0 packets dropped by kernel' "$WORK/$name.tcpdump.log" \
    || die "tcpdump for $name lost packets: $(grep dropped "$WORK/$name.tcpdump.log")"
}
