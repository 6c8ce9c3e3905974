#!/usr/bin/env bash
# `j4l rngd` against Debian's rng-tools5 `rngd`, one after the other for the same time, in one run: each reads
# /dev/hwrng, runs the FIPS 140-2 tests on 20 000-bit blocks and feeds the kernel's pool with RNDADDENTROPY.
# Per daemon, over the measured window (after WARMUP seconds, so JVM start-up is not counted): bytes read from
# the hwrng per second (/proc/PID/io rchar: neither reads anything else once running), CPU seconds
# (utime+stime of /proc/PID/stat) and CPU per MB, and RSS at the end; then each daemon's own final report.
#
# usage (as root): bench/rngd-vs-rngtools.sh     environment: SECONDS_EACH (default 20), WARMUP (default 3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
SECONDS_EACH=${SECONDS_EACH:-20}
WARMUP=${WARMUP:-3}
[ "$(id -u)" = 0 ] || { echo "rngd-vs-rngtools: run as root (/dev/hwrng, RNDADDENTROPY)" >&2; exit 1; }
[ -c /dev/hwrng ] || { echo "rngd-vs-rngtools: no /dev/hwrng" >&2; exit 1; }
command -v rngd >/dev/null || { echo "rngd-vs-rngtools: needs rngd (apt-get install -y rng-tools5)" >&2; exit 1; }
if pgrep -x rngd >/dev/null; then echo "rngd-vs-rngtools: an rngd is already running; stop it first" >&2; exit 1; fi
"$root/j4l" --help >/dev/null # builds when sources changed, outside the measurement
tmp=$(mktemp -d /tmp/j4l-rngd-bench.XXXXXX)
hz=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rchar() { awk '/^rchar:/ {print $2}' "/proc/$1/io"; }

# measure NAME COMMAND...: starts the daemon, measures the window, stops it with SIGTERM, prints one row.
measure() {
  local name=$1; shift
  "$@" >"$tmp/$name.out" 2>&1 &
  local pid=$!
  sleep "$WARMUP"
  kill -0 "$pid" 2>/dev/null || { echo "$name exited early:"; cat "$tmp/$name.out"; exit 1; }
  local c0 r0 t0 c1 r1 t1 rss
  c0=$(cpu_ticks "$pid"); r0=$(rchar "$pid"); t0=$(date +%s.%N)
  sleep "$SECONDS_EACH"
  c1=$(cpu_ticks "$pid"); r1=$(rchar "$pid"); t1=$(date +%s.%N)
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  awk -v n="$name" -v c="$((c1 - c0))" -v r="$((r1 - r0))" -v t0="$t0" -v t1="$t1" -v hz="$hz" -v rss="$rss" 'BEGIN {
    s = t1 - t0; cpu = c / hz;
    printf "| %-16s | %8.0f | %7.2f | %6.1f %% | %9s | %8.1f |\n", n, r / s, cpu, 100 * cpu / s,
      (r > 0 ? sprintf("%.2f", cpu / (r / 1e6)) : "-"), rss / 1024 }'
}

echo "hwrng source: $(cat /sys/class/misc/hw_random/rng_current); ${SECONDS_EACH} s measured per daemon after ${WARMUP} s warm-up"
echo
echo "| daemon           | bytes/s  | CPU s   | CPU     | CPU s/MB  | RSS MiB  |"
echo "|------------------|----------|---------|---------|-----------|----------|"
measure "j4l rngd" "$root/j4l" rngd
measure "rng-tools5 rngd" rngd -f -r /dev/hwrng -o /dev/random --no-tpm=1 --no-drng=1 -p "$tmp/rngd.pid"
echo
echo "j4l rngd said:";  sed 's/^/  /' "$tmp/j4l rngd.out" | tail -2
echo "rng-tools5 rngd said:"; sed 's/^/  /' "$tmp/rng-tools5 rngd.out" | tail -12
rm -rf "$tmp"
