#!/usr/bin/env bash
# JMH: one 4 KiB pread from a cached file, j4l's OwnedFd.pread vs FileChannel.read (direct ByteBuffer).
# Builds the benchmarks module, then runs JMH with dev.j4l.kernel as a named module holding the native-access
# grant (the benchmark classes and JMH are on the class path).
#
#   bench/jmh-pread.sh                 one JMH run of both benchmarks (-f 1 -wi 3 -i 5 -w 1s -r 1s)
#   bench/jmh-pread.sh --rounds N      N rounds, each running the two benchmarks back to back (order
#                                      alternating), printing each round's ratio and the median ratio —
#                                      use this on a machine with background load
#   bench/jmh-pread.sh --cpu-time      the same two calls timed in thread CPU time, alternating in blocks
#                                      (PreadCpuTime; not JMH) — insensitive to time spent off the CPU
#   bench/jmh-pread.sh -- ARGS...      one JMH run with your own JMH arguments; a first argument not starting
#                                      with '-' names the benchmarks instead (e.g. StatBenchmark)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64; do [ -x "$d/bin/java" ] && JAVA_HOME=$d; done
fi
export JAVA_HOME
cd "$root"
./mvnw -q -B -DskipTests package -pl benchmarks -am

# unsafe: JMH itself (host and forks, which inherit these flags) needs sun.misc.Unsafe; j4l does not, and
# PreadCpuTime (no JMH) runs with it denied.
java_run() {
  local unsafe=$1; shift
  "$JAVA_HOME/bin/java" \
    --module-path benchmarks/target/modules --add-modules dev.j4l.kernel \
    --enable-native-access=dev.j4l.kernel --illegal-native-access=deny --sun-misc-unsafe-memory-access="$unsafe" -XX:+DisableAttachMechanism \
    -cp "benchmarks/target/j4l-benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" "$@"
}
jmh() { java_run allow org.openjdk.jmh.Main "$@"; }
defaults=(-f 1 -wi 3 -i 5 -w 1s -r 1s)

case "${1:-}" in
  --rounds)
    rounds=${2:?--rounds needs a number}
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    ratios=()
    for ((r = 1; r <= rounds; r++)); do
      if ((r % 2)); then order=(fileChannelRead j4lPread); else order=(j4lPread fileChannelRead); fi
      for b in "${order[@]}"; do
        jmh "dev.j4l.benchmarks.PreadBenchmark.$b\$" "${defaults[@]}" -rf csv -rff "$out/$b.csv" >"$out/log" 2>&1 \
          || { cat "$out/log" >&2; exit 1; }
      done
      fc=$(awk -F, 'NR==2 {print $5}' "$out/fileChannelRead.csv")
      j4l=$(awk -F, 'NR==2 {print $5}' "$out/j4lPread.csv")
      ratio=$(awk -v a="$j4l" -v b="$fc" 'BEGIN {printf "%.2f", a / b}')
      ratios+=("$ratio")
      printf 'round %d: FileChannel %.1f ns/op, j4l pread %.1f ns/op, ratio %sx  (load %s)\n' \
        "$r" "$fc" "$j4l" "$ratio" "$(cut -d' ' -f1 /proc/loadavg)"
    done
    printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "median ratio j4l/FileChannel over %d rounds: %.2fx\n", NR, m}'
    ;;
  --cpu-time)
    shift
    java_run deny dev.j4l.benchmarks.PreadCpuTime "$@"
    ;;
  --)
    shift
    which='PreadBenchmark'
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then which=$1; shift; fi
    jmh "dev.j4l.benchmarks.$which" "$@"
    ;;
  "")
    jmh 'dev.j4l.benchmarks.PreadBenchmark' "${defaults[@]}"
    ;;
  *)
    echo "usage: bench/jmh-pread.sh [--rounds N | --cpu-time | -- JMH-ARGS...]" >&2
    exit 2
    ;;
esac
