#!/usr/bin/env bash
# The ramdisk driver as a block device through each of j4l's kernel transports, against the kernel's own loop
# device, in one run of the kernel test VM on the j4l test kernel (it has ublk, NBD, loop and FUSE; under
# QEMU/TCG only the ratios between targets inside one run mean anything, never the absolute numbers):
#   kernel-loop: the kernel's loop device over a tmpfs file (no user space at all: the limit)
#   j4l-loop:    /dev/loopN of `j4l block ramdisk` (a file of a private j4l FUSE mount, direct I/O)
#   j4l-nbd:     /dev/nbdN of `j4l block ramdisk --nbd-device` (the kernel's NBD client over a Unix socket)
#   j4l-ublk:    /dev/ublkbN of `j4l block ramdisk --ublk` (io_uring commands; the kernel copies each request)
# Workloads (fio, libaio, O_DIRECT on the device, one job): 4 KiB random read at QD32, 1 MiB sequential read
# and write at QD4. Each device is filled first, so reads read data; targets take turns within each repetition
# and the table shows medians.
#
# usage (as root): bench/block-transports.sh     boots the VM (vm/run, one at a time on the machine) and runs
#   itself there with --here; environment: SIZE (device, default 256M), RUNTIME (s per workload, default 5),
#   REPS (default 3). The summary goes to bench/results/block-transports/summary.md.
#   bench/block-transports.sh --here             runs on this machine (needs ublk, nbd, fuse and loop).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
SIZE=${SIZE:-256M}
RUNTIME=${RUNTIME:-5}
REPS=${REPS:-3}

if [ "${1:-}" != --here ]; then
  out="$root/bench/results/block-transports"
  mkdir -p "$out"
  (cd "$root" && ./j4l --help >/dev/null)   # build on the host: the guest's view of the repository is read-only
  cd "$root"
  vm/run boot --kernel j4l --timeout 2400 --out "$out" -- \
    env SIZE="$SIZE" RUNTIME="$RUNTIME" REPS="$REPS" bench/block-transports.sh --here
  exit $?
fi

OUT=${J4L_VM_OUT:-/tmp/block-transports}
mkdir -p "$OUT/logs"
for tool in fio losetup python3; do
  command -v "$tool" >/dev/null || { echo "block-transports: needs $tool (bash .ci/install-deps)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "block-transports: run as root" >&2; exit 1; }
[ -e /dev/nbd0 ] || { echo "block-transports: no /dev/nbd0 (modprobe nbd)" >&2; exit 1; }
[ -e /dev/ublk-control ] || { echo "block-transports: this kernel has no ublk (/dev/ublk-control)" >&2; exit 1; }

base=$(mktemp -d /tmp/j4l-block-bench.XXXXXX)
declare -A PID DEV
kloop=""
cleanup() {
  set +e
  for t in "${!PID[@]}"; do kill "${PID[$t]}" 2>/dev/null; done
  for t in "${!PID[@]}"; do wait "${PID[$t]}" 2>/dev/null; done
  [ -n "$kloop" ] && losetup -d "$kloop"
  rm -rf "$base"
}
trap cleanup EXIT
bytes=$(python3 -c "s='$SIZE'; m={'K':1<<10,'M':1<<20,'G':1<<30}; print(int(s[:-1])*m[s[-1]] if s[-1] in m else int(s))")

start_j4l() { # name args... -> waits for the printed device (the launcher execs java: PID is the daemon's)
  "$root/j4l" block ramdisk --size "$SIZE" "${@:2}" >"$base/$1.out" 2>"$OUT/logs/$1.log" &
  PID[$1]=$!
  for _ in $(seq 600); do [ -s "$base/$1.out" ] && break; sleep 0.2; done
  DEV[$1]=$(head -1 "$base/$1.out")
  [ -n "${DEV[$1]}" ] || { echo "$1 did not start; log:" >&2; cat "$OUT/logs/$1.log" >&2; unset "PID[$1]"; return 1; }
}
start_j4l j4l-loop || exit 1
start_j4l j4l-nbd --nbd-device || exit 1
start_j4l j4l-ublk --ublk || exit 1
targets=(kernel-loop j4l-loop j4l-nbd j4l-ublk)
truncate -s "$SIZE" "$base/kernel-loop.img"   # /tmp is tmpfs in the guest
kloop=$(losetup --find --show "$base/kernel-loop.img")
DEV[kernel-loop]=$kloop

fio_on() { # target rw bs iodepth runtime -> prints the fio JSON
  fio --name=j4l --filename="${DEV[$1]}" --ioengine=libaio --direct=1 --rw="$2" --bs="$3" --iodepth="$4" \
      --size="$bytes" --runtime="$5" --time_based=$([ "$5" = 0 ] && echo 0 || echo 1) --output-format=json \
      2>>"$OUT/logs/fio-$1.err"
}

echo "== filling each device once (sequential 1 MiB writes), which also warms the JVMs" >&2
for t in "${targets[@]}"; do fio_on "$t" write 1M 4 0 >/dev/null; done

workloads=("randread 4k 32" "read 1M 4" "write 1M 4")
declare -A R
for rep in $(seq "$REPS"); do
  for w in "${workloads[@]}"; do
    set -- $w
    for t in "${targets[@]}"; do
      echo "== $t $1 bs=$2 QD$3 (round $rep of $REPS)" >&2
      v=$(fio_on "$t" "$1" "$2" "$3" "$RUNTIME" | python3 -c "import json,sys; j=json.load(sys.stdin)['jobs'][0]; \
d=j['read'] if j['read']['io_bytes'] else j['write']; print('%.1f' % (d['bw']/1024 if '$2' == '1M' else d['iops']))")
      R[$t,$1-$2-$3]="${R[$t,$1-$2-$3]:-} $v"
    done
  done
done
median() { python3 -c "import statistics,sys; print('%.0f' % statistics.median(float(x) for x in sys.argv[1:]))" $1; }
: > "$OUT/raw.txt"
for k in "${!R[@]}"; do echo "$k:${R[$k]}" >> "$OUT/raw.txt"; R[$k]=$(median "${R[$k]}"); done
ratio() { [ "$1" = - ] || [ "$2" = - ] && echo - || python3 -c "a,b=float('$1'),float('$2'); print('%.2f' % (a/b if b else 0))"; }
{
  echo "| workload | kernel loop over tmpfs | j4l loop (FUSE) | j4l /dev/nbdN | j4l ublk | loop / kernel | nbdN / kernel | ublk / kernel |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for w in "${workloads[@]}"; do
    set -- $w; k="$1-$2-$3"; u=$([ "$2" = 1M ] && echo MiB/s || echo IOPS); kl=${R[kernel-loop,$k]}
    echo "| $1 $2 QD$3 ($u) | $kl | ${R[j4l-loop,$k]} | ${R[j4l-nbd,$k]} | ${R[j4l-ublk,$k]} |" \
         "$(ratio "${R[j4l-loop,$k]}" "$kl") | $(ratio "${R[j4l-nbd,$k]}" "$kl") | $(ratio "${R[j4l-ublk,$k]}" "$kl") |"
  done
} | tee "$OUT/summary.md"
