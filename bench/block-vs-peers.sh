#!/usr/bin/env bash
# The block framework's ramdisk against its peers, in one run on one machine, with the same client per pair:
#   loop transport: /dev/loopN of `j4l block ramdisk` (a file of a private j4l FUSE mount, direct I/O)
#     vs the kernel's loop device over a tmpfs file (no user space at all: the limit on this machine);
#   NBD transport: `j4l block ramdisk --nbd unix:...` vs `nbdkit memory` (C) and `qemu-nbd` over a raw file
#     on tmpfs (its default cache), all three driven by fio's nbd engine (libnbd) over a Unix socket.
# Workloads (fio, one job): 4 KiB random read and write at QD1 and QD32, 1 MiB sequential read and write at QD4.
# Each device is filled first, so reads read data. Per target it records the daemon's CPU seconds per GiB moved
# and its peak RSS (VmHWM). Targets take turns within each repetition; the tables show medians.
#
# usage (as root): bench/block-vs-peers.sh     environment: SIZE (device, default 1G), RUNTIME (s per
#   workload, default 6), REPS (default 3), OUT (results dir, default bench/.results/block).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
SIZE=${SIZE:-1G}
RUNTIME=${RUNTIME:-6}
REPS=${REPS:-3}
OUT=${OUT:-$root/bench/.results/block}
mkdir -p "$OUT"
for tool in fio nbdkit qemu-nbd losetup python3; do
  command -v "$tool" >/dev/null || { echo "block-vs-peers: needs $tool (bash .ci/install-deps)" >&2; exit 1; }
done
fio --enghelp 2>/dev/null | grep -qw nbd || { echo "block-vs-peers: this fio has no nbd engine" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "block-vs-peers: run as root (loop devices, mounts)" >&2; exit 1; }

base=$(mktemp -d /tmp/j4l-block-bench.XXXXXX)
mkdir -p "$base/tmpfs"
declare -A PID DEV
kloop=""
cleanup() {
  set +e
  for t in "${!PID[@]}"; do kill "${PID[$t]}" 2>/dev/null; done
  for t in "${!PID[@]}"; do wait "${PID[$t]}" 2>/dev/null; done
  [ -n "$kloop" ] && losetup -d "$kloop"
  mountpoint -q "$base/tmpfs" && umount -l "$base/tmpfs"
  rm -rf "$base"
}
trap cleanup EXIT
mount -t tmpfs -o size=8g j4l-block-bench "$base/tmpfs"
bytes=$(python3 -c "s='$SIZE'; m={'K':1<<10,'M':1<<20,'G':1<<30}; print(int(s[:-1])*m[s[-1]] if s[-1] in m else int(s))")

(cd "$root" && ./j4l --help >/dev/null)   # build once, outside the measured part
start_j4l() { # name args... -> waits for the printed device or URI
  "$root/j4l" block ramdisk --size "$SIZE" "${@:2}" >"$base/$1.out" 2>"$OUT/$1.log" &
  PID[$1]=$!
  for _ in $(seq 150); do [ -s "$base/$1.out" ] && break; sleep 0.2; done
  DEV[$1]=$(head -1 "$base/$1.out")
  [ -n "${DEV[$1]}" ] || { echo "$1 did not start; log:" >&2; cat "$OUT/$1.log" >&2; exit 1; }
}
start_j4l j4l-loop
start_j4l j4l-nbd --nbd "unix:$base/j4l.sock"
truncate -s "$SIZE" "$base/tmpfs/kernel-loop.img"
kloop=$(losetup --find --show --direct-io=on "$base/tmpfs/kernel-loop.img")
DEV[kernel-loop]=$kloop
nbdkit --foreground --unix "$base/nbdkit.sock" --exit-with-parent memory "$SIZE" 2>"$OUT/nbdkit.log" &
PID[nbdkit]=$!
DEV[nbdkit]="nbd+unix:///?socket=$base/nbdkit.sock"
truncate -s "$SIZE" "$base/tmpfs/qemu-nbd.img"
qemu-nbd --persistent --shared=8 --format=raw --socket="$base/qemu.sock" \
  "$base/tmpfs/qemu-nbd.img" 2>"$OUT/qemu-nbd.log" &
PID[qemu-nbd]=$!
DEV[qemu-nbd]="nbd+unix:///?socket=$base/qemu.sock"
for s in nbdkit.sock qemu.sock; do for _ in $(seq 100); do [ -S "$base/$s" ] && break; sleep 0.1; done; done

# fio against a target: block devices with libaio and O_DIRECT, NBD URIs with the nbd engine.
fio_on() { # target rw bs iodepth runtime -> prints the fio JSON
  local t=$1 where
  case ${DEV[$t]} in
    /dev/*) where=(--filename="${DEV[$t]}" --ioengine=libaio --direct=1) ;;
    *) where=(--ioengine=nbd --uri="${DEV[$t]}") ;;
  esac
  fio --name=j4l "${where[@]}" --rw="$2" --bs="$3" --iodepth="$4" --size="$bytes" --runtime="$5" \
      --time_based=$([ "$5" = 0 ] && echo 0 || echo 1) --output-format=json 2>>"$OUT/fio-$t.err"
}
cpu_of() { [ -n "${PID[$1]:-}" ] && awk '{print $14 + $15}' "/proc/$(daemon_of "$1")/stat" || echo 0; }
daemon_of() { # the JVM (or C daemon) process: the j4l launcher execs java, so the PID is the daemon's
  echo "${PID[$1]}"
}
hz=$(getconf CLK_TCK)

targets=(kernel-loop j4l-loop nbdkit qemu-nbd j4l-nbd)
echo "== filling each device once (sequential 1 MiB writes), which also warms the JVMs" >&2
for t in "${targets[@]}"; do fio_on "$t" write 1M 4 0 >/dev/null; done

workloads=("randread 4k 1" "randread 4k 32" "randwrite 4k 1" "randwrite 4k 32" "read 1M 4" "write 1M 4")
declare -A R CPU MOVED
add() { R[$1]="${R[$1]:-} $2"; }
for rep in $(seq "$REPS"); do
  for w in "${workloads[@]}"; do
    set -- $w
    for t in "${targets[@]}"; do
      echo "== $t $1 bs=$2 QD$3 (round $rep of $REPS)" >&2
      c0=$(cpu_of "$t")
      json=$(fio_on "$t" "$1" "$2" "$3" "$RUNTIME")
      c1=$(cpu_of "$t")
      # fio's nbd engine prints "fio: connected to NBD server" before the JSON: parse from the first brace.
      read -r iops mib <<<"$(python3 -c "import json,sys; s=sys.stdin.read(); j=json.loads(s[s.index('{'):])['jobs'][0]; \
d=j['read'] if j['read']['io_bytes'] else j['write']; print('%.0f %.1f' % (d['iops'], d['bw']/1024))" <<<"$json")"
      gib=$(python3 -c "print($mib * $RUNTIME / 1024)")
      add "$t,$1-$2-$3" "$([ "$2" = 1M ] && echo "$mib" || echo "$iops")"
      CPU[$t]=$(python3 -c "print(${CPU[$t]:-0} + ($c1 - $c0) / $hz)")
      MOVED[$t]=$(python3 -c "print(${MOVED[$t]:-0} + $gib)")
    done
  done
done
median() { python3 -c "import statistics,sys; print('%.0f' % statistics.median(float(x) for x in sys.argv[1:]))" $1; }
: > "$OUT/raw.txt"
for k in "${!R[@]}"; do echo "$k:${R[$k]}" >> "$OUT/raw.txt"; R[$k]=$(median "${R[$k]}"); done
ratio() { python3 -c "a,b=float('$1'),float('$2'); print('%.2f' % (a/b if b else 0))"; }
best() { python3 -c "print(max(float('$1'), float('$2')))"; }
rss() { [ -n "${PID[$1]:-}" ] && awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$(daemon_of "$1")/status" || echo "-"; }
cpu_per_gib() { [ -n "${PID[$1]:-}" ] && python3 -c "print('%.2f' % (${CPU[$1]} / ${MOVED[$1]}))" || echo "-"; }
{
  echo "### Loop transport (fio, libaio, O_DIRECT on the block device)"
  echo
  echo "| workload | kernel loop over tmpfs | j4l loop | j4l / kernel |"
  echo "|---|---:|---:|---:|"
  for w in "${workloads[@]}"; do
    set -- $w; k="$1-$2-$3"; u=$([ "$2" = 1M ] && echo MiB/s || echo IOPS)
    echo "| $1 $2 QD$3 ($u) | ${R[kernel-loop,$k]} | ${R[j4l-loop,$k]} | $(ratio "${R[j4l-loop,$k]}" "${R[kernel-loop,$k]}") |"
  done
  echo
  echo "### NBD transport (fio's nbd engine over a Unix socket)"
  echo
  echo "| workload | nbdkit memory | qemu-nbd (raw on tmpfs) | j4l NBD | j4l / faster peer |"
  echo "|---|---:|---:|---:|---:|"
  for w in "${workloads[@]}"; do
    set -- $w; k="$1-$2-$3"; u=$([ "$2" = 1M ] && echo MiB/s || echo IOPS)
    echo "| $1 $2 QD$3 ($u) | ${R[nbdkit,$k]} | ${R[qemu-nbd,$k]} | ${R[j4l-nbd,$k]} | $(ratio "${R[j4l-nbd,$k]}" "$(best "${R[nbdkit,$k]}" "${R[qemu-nbd,$k]}")") |"
  done
  echo
  echo "| daemon | CPU s per GiB moved | peak RSS (MiB) |"
  echo "|---|---:|---:|"
  for t in j4l-loop nbdkit qemu-nbd j4l-nbd; do echo "| $t | $(cpu_per_gib "$t") | $(rss "$t") |"; done
} | tee "$OUT/summary.md"
