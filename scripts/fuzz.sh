#!/usr/bin/env bash
# Fuzzes every Jazzer @FuzzTest target in turn for SECONDS each (default 60), one JVM per target
# (Jazzer fuzzes one target per run), and prints executions, executions/s and the result of each.
#
#   scripts/fuzz.sh [SECONDS] [FILTER]     FILTER: a substring of Class#method to run only some
#
# A finding fails its target: Jazzer saves the input as crash-<sha1> under
# sensor/src/test/resources/org/ja3sensor/<pkg>/<Class>Inputs/<method>/, where every later
# `mvn test` replays it (fix the code, keep the file as the regression test; see docs/security.md).
# The corpus a run grows goes to sensor/.cifuzz-corpus/ (ignored by git) and is reused by the next
# run. Exit status: 0 when no target found anything. Runs offline against the compiled test
# classes (it compiles them first); JAZZER_XMX (default 1g) bounds each JVM's heap; FUZZ_JVM_ARGS
# adds JVM options (a profiler agent, for instance).
# FUZZ_TOTAL=N (seconds) starts no further target once N seconds have passed, and then begins
# half the list further each day, so that a short CI budget reaches every target in turn.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
filter="${2:-}"
xmx="${JAZZER_XMX:-1g}"
mvn_flags=(-B -q)
[ "${FUZZ_ONLINE:-0}" = 1 ] || mvn_flags+=(-o)

targets=()
while IFS= read -r file; do
  cls="$(sed -e 's|^sensor/src/test/java/||' -e 's|\.java$||' -e 's|/|.|g' <<<"$file")"
  while IFS= read -r method; do
    targets+=("$cls#$method")
  done < <(grep -A1 '@FuzzTest' "$file" | sed -n 's/.*void \([A-Za-z0-9_]*\)(.*/\1/p')
done < <(grep -rl '@FuzzTest' sensor/src/test/java | sort)

selected=()
for t in "${targets[@]}"; do
  [[ -z "$filter" || "$t" == *"$filter"* ]] && selected+=("$t")
done
if [ ${#selected[@]} -eq 0 ]; then
  echo "fuzz.sh: no @FuzzTest target matches '$filter'" >&2
  exit 2
fi

total="${FUZZ_TOTAL:-0}"
if [ "$total" -gt 0 ]; then
  # Half the list further each day: a budget that reaches half the targets covers all in two days.
  n=${#selected[@]}
  shift_by=$(( 10#$(date +%j) * ((n + 1) / 2) % n ))
  selected=("${selected[@]:$shift_by}" "${selected[@]:0:$shift_by}")
fi

mvn "${mvn_flags[@]}" -pl sensor test-compile

# What Jazzer instruments (coverage and comparison tracing): the sensor's own classes only. By
# default it instruments every class outside the JDK, so the harnesses' own loops and checks
# (FingerprintInvariants, the chunking replays) and the libraries they call (Jackson parsing an
# event back) fed the fuzzer coverage of no interest and cost most of each execution: every
# comparison they make was a native call. The test classes are excluded by name (Jazzer's globs
# only end in .* or .**, and tests share the packages of the code under test).
test_classes="$(cd sensor/target/test-classes && find org -name '*.class' | sed -e 's|\.class$||' -e 's|/|.|g' | sort | paste -sd: -)"
# A target also leaves out the packages that are another target's subject and that it only
# calls on what it accepted: the fingerprints of a hello are helloParser's and the pipeline's
# subject, so the record reader, the handshake assembler and the certificate path still compute
# and check every fingerprint of what they find, uninstrumented (measured: handshakeAssembler
# about 3 times as many executions per second). docs/security.md "Instrumentation".
extra_excludes() {
  case "$1" in
    *TlsFuzzTest#recordReader|*TlsFuzzTest#handshakeAssembler)
      echo ":org.ja3sensor.fingerprint.**" ;;
    # The certificate target wraps its fuzzed chain in records it builds itself; reading them
    # back (RecordReader, the TLS record layer: recordReader's subject) was 63 % of its time.
    *CertificateFuzzTest#chain)
      echo ":org.ja3sensor.fingerprint.**:org.ja3sensor.tls.**" ;;
  esac
}
began=$(date +%s)
reports=sensor/target/surefire-reports
failed=()
printf '%-52s %12s %8s %10s  %s\n' target executions seconds exec/s result
for t in "${selected[@]}"; do
  cls="${t%%#*}"
  if [ "$total" -gt 0 ] && [ $(( $(date +%s) - began )) -ge "$total" ]; then
    printf '%-52s %12s %8s %10s  %s\n' "${t#org.ja3sensor.}" - - - "not run (FUZZ_TOTAL)"
    continue
  fi
  start=$(date +%s)
  status=ok
  out="sensor/target/fuzz-${t//#/.}.log"
  # libFuzzer writes its statistics to the forked JVM's own stderr, which Maven passes on.
  if ! JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" \
      mvn "${mvn_flags[@]}" -pl sensor surefire:test -Dtest="$t" \
        -Dsurefire.failIfNoSpecifiedTests=false \
        -DargLine="-Xmx$xmx ${FUZZ_JVM_ARGS:-} -Djazzer.instrumentation_includes=org.ja3sensor.** -Djazzer.instrumentation_excludes=$test_classes$(extra_excludes "$t")" \
        >"$out" 2>&1; then
    status=FINDING
    failed+=("$t")
    cat "$reports/$cls.txt" >>"$out" 2>/dev/null || true
  fi
  runs=$(grep -ho 'Done [0-9]* runs in [0-9]* second' "$out" 2>/dev/null | tail -1 || true)
  n=$(awk '{print $2}' <<<"$runs")
  s=$(awk '{print $5}' <<<"$runs")
  [ -n "$n" ] || { n=$(grep -ho '^#[0-9]*' "$out" 2>/dev/null | tail -1 | tr -d '#' || true); s=$(( $(date +%s) - start )); }
  rate=$([ -n "$n" ] && [ "${s:-0}" -gt 0 ] && echo $(( n / s )) || echo -)
  printf '%-52s %12s %8s %10s  %s\n' "${t#org.ja3sensor.}" "${n:--}" "${s:--}" "$rate" "$status"
  if [ "$status" != ok ]; then
    grep -h -E 'FuzzTestFindingException|Caused by|at org\.ja3sensor' "$out" 2>/dev/null \
      | head -12 | sed 's/^/    /' || true
    echo "    full log: $out"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in ${failed[*]} (inputs saved as crash-* under sensor/src/test/resources)" >&2
  exit 1
fi
