#!/usr/bin/env bash
# Installs ja3sensor outside the build tree, in the conventional places:
#   PREFIX/lib/ja3sensor/lib/ja3sensor.jar       the jar (the shipped fingerprint database is inside)
#   PREFIX/lib/ja3sensor/bin/ja3sensor           the launcher
#   PREFIX/bin/ja3sensor                         a link to the launcher
#   PREFIX/share/bash-completion/completions/ja3sensor, PREFIX/share/zsh/site-functions/_ja3sensor
#   PREFIX/share/doc/ja3sensor/                  README.md, docs/, fingerprints/README.md and licences
#   SYSCONFDIR/ja3sensor/ja3sensor.yaml          the configuration (kept if it exists)
#   SYSCONFDIR/systemd/system/ja3sensor.service  the unit (dist/systemd/ja3sensor.service)
#   SYSCONFDIR/logrotate.d/ja3sensor             rotation of the event files (dist/logrotate/)
#   and a system user 'ja3sensor' (when run as root without --destdir).
# Every file written is listed in PREFIX/lib/ja3sensor/installed-files, which --uninstall reads.
#
# Usage: scripts/install.sh [--prefix DIR] [--sysconfdir DIR] [--destdir DIR] [--interface IF]
#                           [--no-user] [--no-systemd]
#        scripts/install.sh --uninstall [--purge] [--prefix DIR] [--sysconfdir DIR] [--destdir DIR]
#   --prefix      where programs go (default /usr/local)
#   --sysconfdir  where configuration goes (default /etc)
#   --destdir     stage the whole tree below this directory (for packaging and tests)
#   --interface   the mirror-port interface written into a new configuration (default eth1)
#   --purge       with --uninstall: also remove the configuration
# The jar is built first if sensor/target/ja3sensor.jar is missing (needs Maven and a JDK).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)

prefix=/usr/local
sysconfdir=/etc
destdir=
iface=eth1
user=yes
systemd=yes
uninstall=no
purge=no
die() { echo "install.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --sysconfdir) [ $# -ge 2 ] || die "--sysconfdir needs a directory"; sysconfdir=$2; shift 2 ;;
    --destdir) [ $# -ge 2 ] || die "--destdir needs a directory"; destdir=$2; shift 2 ;;
    --interface) [ $# -ge 2 ] || die "--interface needs a name"; iface=$2; shift 2 ;;
    --no-user) user=no; shift ;;
    --no-systemd) systemd=no; shift ;;
    --uninstall) uninstall=yes; shift ;;
    --purge) purge=yes; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
case "$prefix" in /*) ;; *) die "--prefix must be an absolute path, got '$prefix'" ;; esac
case "$sysconfdir" in /*) ;; *) die "--sysconfdir must be an absolute path, got '$sysconfdir'" ;; esac
if [ -n "$destdir" ]; then
  mkdir -p "$destdir"
  destdir=$(cd "$destdir" && pwd)
fi

home=$prefix/lib/ja3sensor
manifest=$destdir$home/installed-files
conf=$sysconfdir/ja3sensor/ja3sensor.yaml

if [ "$uninstall" = yes ]; then
  [ -f "$manifest" ] || die "nothing to uninstall: $manifest not found"
  while IFS= read -r f; do
    [ "$f" = "$conf" ] && [ "$purge" = no ] && continue
    rm -f "$destdir$f"
  done < "$manifest"
  rm -f "$manifest"
  # Remove the directories the install made, when empty.
  for d in "$home/bin" "$home/lib" "$home" "$prefix/share/doc/ja3sensor/docs" \
           "$prefix/share/doc/ja3sensor/licenses" "$prefix/share/doc/ja3sensor" \
           "$sysconfdir/ja3sensor"; do
    rmdir "$destdir$d" 2>/dev/null || true
  done
  if [ -z "$destdir" ] && [ "$systemd" = yes ] && command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload 2>/dev/null || true
  fi
  echo "ja3sensor uninstalled from $destdir$prefix$([ "$purge" = no ] && [ -f "$destdir$conf" ] && echo " (configuration $destdir$conf kept)")"
  exit 0
fi

jar=$src/sensor/target/ja3sensor.jar
if [ ! -f "$jar" ]; then
  command -v mvn >/dev/null 2>&1 || die "$jar not found and Maven is not installed to build it"
  mvn -B -q -ntp -DskipTests package
fi

files=()
put() { # put MODE SOURCE TARGET: install one file, recorded in the manifest
  install -D -m "$1" "$2" "$destdir$3"
  files+=("$3")
}

put 0644 "$jar" "$home/lib/ja3sensor.jar"
put 0755 "$src/bin/ja3sensor" "$home/bin/ja3sensor"
mkdir -p "$destdir$prefix/bin"
# A relative link, so that a staged tree (--destdir) works where it is.
ln -sfn "../lib/ja3sensor/bin/ja3sensor" "$destdir$prefix/bin/ja3sensor"
files+=("$prefix/bin/ja3sensor")

# Shell completion, generated from the commands themselves.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
JA3SENSOR_CDS=off java -jar "$jar" generate-completion > "$tmp/ja3sensor.bash"
put 0644 "$tmp/ja3sensor.bash" "$prefix/share/bash-completion/completions/ja3sensor"
cat > "$tmp/_ja3sensor" <<EOF
#compdef ja3sensor
# zsh completion for ja3sensor: the bash completion script, through zsh's bashcompinit.
autoload -U +X bashcompinit && bashcompinit
source "$prefix/share/bash-completion/completions/ja3sensor"
EOF
put 0644 "$tmp/_ja3sensor" "$prefix/share/zsh/site-functions/_ja3sensor"

# Documentation and the fingerprint database's licences.
put 0644 "$src/README.md" "$prefix/share/doc/ja3sensor/README.md"
for f in "$src"/docs/*.md; do
  put 0644 "$f" "$prefix/share/doc/ja3sensor/docs/${f##*/}"
done
put 0644 "$src/fingerprints/README.md" "$prefix/share/doc/ja3sensor/fingerprints.md"
for f in "$src"/fingerprints/licenses/*; do
  [ -f "$f" ] && put 0644 "$f" "$prefix/share/doc/ja3sensor/licenses/${f##*/}"
done

# The configuration: a few settings a sensor needs, then every option as a commented example.
# An existing configuration is the operator's: never overwritten.
if [ ! -e "$destdir$conf" ]; then
  {
    echo "# ja3sensor configuration: the settings of this installation, then every option of"
    echo "# read and capture, commented out, with its default. Check after editing:"
    echo "#   ja3sensor config check $conf"
    echo "interface: $iface"
    echo "# Events to a file in the service's log directory, rotated by logrotate"
    echo "# ($sysconfdir/logrotate.d/ja3sensor; SIGHUP reopens the file). For Kafka instead:"
    echo "# output: kafka, kafka-bootstrap: HOST:PORT (see docs/kafka.md)."
    echo "output: file"
    echo "output-path: /var/log/ja3sensor/events.json"
    echo "# With output: kafka, the spool lives in the service's state directory."
    echo "spool-dir: /var/lib/ja3sensor/spool"
    echo "stats-interval: 60"
    echo "# Prometheus metrics at http://HOST:PORT/metrics (docs/operations.md):"
    echo "# metrics-listen: 127.0.0.1:9810"
    echo
    JA3SENSOR_CDS=off java -jar "$jar" config example | grep -v -e '^# interface:' \
      -e '^# spool-dir:' -e '^# stats-interval:' -e '^# output:' -e '^# output-path:' \
      -e '^# metrics-listen:'
  } > "$tmp/ja3sensor.yaml"
  put 0640 "$tmp/ja3sensor.yaml" "$conf"
else
  files+=("$conf")
  echo "install.sh: keeping the existing $destdir$conf" >&2
fi

if [ "$systemd" = yes ]; then
  sed "s|/usr/bin/ja3sensor|$prefix/bin/ja3sensor|g; s|/etc/ja3sensor/|$sysconfdir/ja3sensor/|g" \
    "$src/dist/systemd/ja3sensor.service" > "$tmp/ja3sensor.service"
  put 0644 "$tmp/ja3sensor.service" "$sysconfdir/systemd/system/ja3sensor.service"
fi
put 0644 "$src/dist/logrotate/ja3sensor" "$sysconfdir/logrotate.d/ja3sensor"

if [ "$user" = yes ] && [ -z "$destdir" ] && [ "$(id -u)" = 0 ]; then
  if ! getent passwd ja3sensor >/dev/null; then
    useradd --system --no-create-home --home-dir /var/lib/ja3sensor \
      --shell /usr/sbin/nologin ja3sensor
  fi
  chgrp ja3sensor "$conf" 2>/dev/null || true
fi
if [ -z "$destdir" ] && [ "$systemd" = yes ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload 2>/dev/null || true
fi

printf '%s\n' "${files[@]}" | sort -u > "$tmp/manifest"
install -D -m 0644 "$tmp/manifest" "$manifest"
echo "ja3sensor installed in $destdir$prefix (configuration $destdir$conf)"
if [ "$systemd" = yes ] && [ -z "$destdir" ]; then
  echo "Start it: systemctl enable --now ja3sensor   (edit $conf first: interface, output)"
fi
