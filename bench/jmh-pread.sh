#!/usr/bin/env bash
# JMH: one 4 KiB pread from a cached file, j4l's OwnedFd.pread vs FileChannel.read (direct ByteBuffer).
# Builds the benchmarks module, then runs JMH with dev.j4l.kernel as a named module holding the native-access
# grant (the benchmark classes and JMH are on the class path). Extra arguments go to JMH, e.g.
#   bench/jmh-pread.sh -f 3 -wi 5 -i 10      (defaults: -f 1 -wi 3 -i 5, 1 s iterations)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64; do [ -x "$d/bin/java" ] && JAVA_HOME=$d; done
fi
export JAVA_HOME
cd "$root"
./mvnw -q -B -DskipTests package -pl benchmarks -am
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-f 1 -wi 3 -i 5 -w 1s -r 1s)
exec "$JAVA_HOME/bin/java" \
  --module-path benchmarks/target/modules --add-modules dev.j4l.kernel \
  --enable-native-access=dev.j4l.kernel --illegal-native-access=deny \
  -cp "benchmarks/target/j4l-benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
  org.openjdk.jmh.Main 'dev.j4l.benchmarks.PreadBenchmark' "${args[@]}"
