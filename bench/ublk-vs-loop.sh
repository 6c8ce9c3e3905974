#!/usr/bin/env bash
# The ramdisk driver over its two kernel block transports, against the kernel's own loop device, in one run on
# one kernel: /dev/ublkbN of `j4l block ramdisk --ublk` (ublk: the kernel copies each request to or from a tag
# buffer of the daemon), /dev/loopN of `j4l block ramdisk` (a file of a private j4l FUSE mount, direct I/O), and
# the kernel's loop device over a tmpfs file (no user space at all). Needs a kernel with ublk: run it in the
# kernel test VM on the j4l kernel, where only ratios within one run mean anything (TCG emulates the CPU):
#
#   vm/run boot --kernel j4l --timeout 1200 -- bench/ublk-vs-loop.sh
#
# Workloads (fio, libaio, direct, one job): 4 KiB random read at QD32, 1 MiB sequential read at QD4, each after
# the device was filled. Targets take turns within each repetition; the table shows medians of MiB/s.
# Environment: SIZE (default 256M), RUNTIME (s per workload, default 8), REPS (default 3).
# Not yet run: no numbers in BENCHMARKS.md come from it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
SIZE=${SIZE:-256M}
RUNTIME=${RUNTIME:-8}
REPS=${REPS:-3}
for tool in fio losetup python3; do
  command -v "$tool" >/dev/null || { echo "ublk-vs-loop: needs $tool" >&2; exit 1; }
done
[ -e /dev/ublk-control ] || { echo "ublk-vs-loop: this kernel has no ublk (/dev/ublk-control)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "ublk-vs-loop: run as root" >&2; exit 1; }

base=$(mktemp -d /tmp/j4l-ublk-bench.XXXXXX)
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
mount -t tmpfs -o size=1g j4l-ublk-bench "$base/tmpfs"

start_j4l() { # name args... -> waits for the printed device
  "$root/j4l" block ramdisk --size "$SIZE" "${@:2}" >"$base/$1.out" 2>"$base/$1.log" &
  PID[$1]=$!
  for _ in $(seq 600); do [ -s "$base/$1.out" ] && break; sleep 0.2; done
  DEV[$1]=$(head -1 "$base/$1.out")
  [ -n "${DEV[$1]}" ] || { echo "$1 did not start; log:" >&2; cat "$base/$1.log" >&2; exit 1; }
}
start_j4l j4l-ublk --ublk
start_j4l j4l-loop
truncate -s "$SIZE" "$base/tmpfs/kernel-loop.img"
kloop=$(losetup --find --show --direct-io=on "$base/tmpfs/kernel-loop.img")
DEV[kernel-loop]=$kloop
targets=(j4l-ublk j4l-loop kernel-loop)
echo "# kernel $(uname -r), $(nproc) CPUs; ublk ${DEV[j4l-ublk]}, loop ${DEV[j4l-loop]}, kernel loop $kloop"

for t in "${targets[@]}"; do   # fill, so reads read data
  fio --name=fill --filename="${DEV[$t]}" --direct=1 --ioengine=libaio --rw=write --bs=1M --iodepth=4 \
      --size="$SIZE" --output=/dev/null
done

declare -A RESULTS
run() { # target workload -> MiB/s
  local t=$1 w=$2 args
  case $w in
    randread-4k-qd32) args=(--rw=randread --bs=4k --iodepth=32) ;;
    seqread-1m-qd4) args=(--rw=read --bs=1M --iodepth=4) ;;
  esac
  fio --name="$w" --filename="${DEV[$t]}" --direct=1 --ioengine=libaio "${args[@]}" --size="$SIZE" \
      --time_based --runtime="$RUNTIME" --output-format=json \
    | python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"][0]["read"]; print("%.1f" % (j["bw"]/1024))'
}
for rep in $(seq "$REPS"); do
  for w in randread-4k-qd32 seqread-1m-qd4; do
    for t in "${targets[@]}"; do
      RESULTS[$t,$w]+="$(run "$t" "$w") "
    done
  done
done

median() { python3 -c 'import statistics,sys; print("%.1f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
printf '| workload | j4l ublk MiB/s | j4l loop MiB/s | kernel loop MiB/s | ublk / loop | ublk / kernel loop |\n'
printf '|---|---|---|---|---|---|\n'
for w in randread-4k-qd32 seqread-1m-qd4; do
  u=$(median ${RESULTS[j4l-ublk,$w]}); l=$(median ${RESULTS[j4l-loop,$w]}); k=$(median ${RESULTS[kernel-loop,$w]})
  python3 -c "import sys; w,u,l,k=sys.argv[1],*map(float,sys.argv[2:]); print('| %s | %.1f | %.1f | %.1f | %.2f | %.2f |' % (w,u,l,k,u/l,u/k))" "$w" "$u" "$l" "$k"
done
echo "# every run (MiB/s): $(for k in "${!RESULTS[@]}"; do printf '%s=[%s] ' "$k" "${RESULTS[$k]% }"; done)"
