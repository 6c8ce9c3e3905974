#!/usr/bin/env bash
# memfs against kernel tmpfs and bindfs-over-tmpfs, in one run on one machine:
#   sequential write/read MiB/s (fio, 1 MiB blocks), 4 KiB random-read IOPS (fio, O_DIRECT),
#   create/stat/readdir/unlink of N files (bench/memfs-meta.py), unpack of the JDK's src.zip,
# then (unless SOAK=0) samples the memfs daemon's heap and RSS under a create/write/delete loop.
#
# usage (as root): bench/memfs-vs-tmpfs.sh            environment: SIZE (fio file, default 1G),
#   FILES (default 10000), REPS (default 3), SOAK (seconds of the heap/RSS run, default 300; 0 = skip),
#   OUT (results dir), MEMFS_OPTS (memfs mount options, default --io-uring: FUSE-over-io_uring, with the
#   fuse module's enable_uring put back as it was at the end). The targets take turns within each repetition; the table shows medians, with memfs's
#   ratios to both peers, and is written to $OUT/memfs-bench.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
SIZE=${SIZE:-1G}
FILES=${FILES:-10000}
SOAK=${SOAK:-300}
REPS=${REPS:-3}
OUT=${OUT:-$root/bench/.results}
SRCZIP=${SRCZIP:-/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip}
mkdir -p "$OUT"
for tool in fio bindfs unzip python3; do
  command -v "$tool" >/dev/null || { echo "memfs-vs-tmpfs: needs $tool (bash .ci/install-deps)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "memfs-vs-tmpfs: run as root (mounts, drop_caches)" >&2; exit 1; }

base=$(mktemp -d /tmp/j4l-memfs-bench.XXXXXX)
chmod 755 "$base"
mkdir -p "$base/tmpfs" "$base/bsrc" "$base/bindfs" "$base/memfs"
daemon=""
uring_param=/sys/module/fuse/parameters/enable_uring
uring_was=$(cat "$uring_param" 2>/dev/null || true)
cleanup() {
  set +e
  [ -n "$uring_was" ] && echo "$uring_was" > "$uring_param"
  for m in "$base/memfs" "$base/bindfs" "$base/bsrc" "$base/tmpfs"; do
    mountpoint -q "$m" && umount -l "$m"
  done
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
  rm -rf "$base"
}
trap cleanup EXIT

mount -t tmpfs -o size=16g j4l-bench-tmpfs "$base/tmpfs"
mount -t tmpfs -o size=16g j4l-bench-bsrc "$base/bsrc"
bindfs "$base/bsrc" "$base/bindfs"
(cd "$root" && ./j4l --help >/dev/null)   # build once, outside the timed part
J4L_JAVA_OPTS="${J4L_JAVA_OPTS:--Xmx12g}" "$root/j4l" mount memfs ${MEMFS_OPTS---io-uring} "$base/memfs" --size 8G >"$OUT/memfs-daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 100); do mountpoint -q "$base/memfs" && break; sleep 0.2; done
mountpoint -q "$base/memfs" || { echo "memfs did not mount; log:" >&2; cat "$OUT/memfs-daemon.log" >&2; exit 1; }

drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }
fio_bw() { # dir rw -> MiB/s
  fio --name=j4l --directory="$1" --rw="$2" --bs=1M --size="$SIZE" --ioengine=psync --end_fsync=1 \
      --output-format=json 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin)['jobs'][0]; \
print('%.0f' % ((j['write'] if '$2' == 'write' else j['read'])['bw'] / 1024))"
}
fio_iops() { # dir -> IOPS of 4 KiB O_DIRECT random reads over the file the sequential run left
  fio --name=j4l --directory="$1" --rw=randread --bs=4k --size="$SIZE" --ioengine=psync --direct=1 \
      --runtime=8 --time_based --output-format=json 2>/dev/null | python3 -c "import json,sys; \
print('%.0f' % json.load(sys.stdin)['jobs'][0]['read']['iops'])"
}
unzip_s() { # dir -> seconds to unpack src.zip
  local t0 t1; t0=$(date +%s.%N); unzip -q "$SRCZIP" -d "$1/src"; t1=$(date +%s.%N)
  python3 -c "print('%.2f' % ($t1 - $t0))"; rm -rf "$1/src"
}

declare -A R
add() { R[$1]="${R[$1]:-} $2"; }
for rep in $(seq "$REPS"); do
  for t in tmpfs bindfs memfs; do
    d="$base/$t"
    echo "== $t (round $rep of $REPS)" >&2
    if [ "$rep" = 1 ]; then
      # One untimed round first: the JVM daemon compiles its hot paths (the C peers need no warm-up; it is
      # the same work for all three).
      python3 "$here/memfs-meta.py" "$d" 2000 >/dev/null
      fio --name=warm --directory="$d" --rw=write --bs=1M --size=64M --ioengine=psync >/dev/null 2>&1; rm -f "$d"/warm.*
    fi
    add "$t,seqwrite" "$(fio_bw "$d" write)"; drop
    add "$t,seqread" "$(fio_bw "$d" read)"
    add "$t,randread" "$(fio_iops "$d")"; rm -f "$d"/j4l.*
    while read -r k v; do add "$t,$k" "$v"; done < <(python3 "$here/memfs-meta.py" "$d" "$FILES")
    add "$t,unzip" "$(unzip_s "$d")"
  done
done
median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" $1; }
for k in "${!R[@]}"; do echo "$k:${R[$k]}" >> "$OUT/memfs-bench-raw.txt"; R[$k]=$(median "${R[$k]}"); done

ratio() { python3 -c "a,b=float('$1'),float('$2'); print('%.2f' % (a/b if b else 0))"; }
inv() { python3 -c "a,b=float('$1'),float('$2'); print('%.2f' % (b/a if a else 0))"; }
{
  echo "| metric | tmpfs | bindfs over tmpfs | memfs | memfs / bindfs | memfs / tmpfs |"
  echo "|---|---:|---:|---:|---:|---:|"
  for k in seqwrite seqread randread create stat readdir unlink; do
    case $k in seqwrite|seqread) u="MiB/s";; randread) u="IOPS";; *) u="ops/s";; esac
    echo "| $k ($u) | ${R[tmpfs,$k]} | ${R[bindfs,$k]} | ${R[memfs,$k]} | $(ratio "${R[memfs,$k]}" "${R[bindfs,$k]}") | $(ratio "${R[memfs,$k]}" "${R[tmpfs,$k]}") |"
  done
  echo "| unzip src.zip (s, lower is better) | ${R[tmpfs,unzip]} | ${R[bindfs,unzip]} | ${R[memfs,unzip]} | $(inv "${R[memfs,unzip]}" "${R[bindfs,unzip]}") | $(inv "${R[memfs,unzip]}" "${R[tmpfs,unzip]}") |"
} | tee "$OUT/memfs-bench.md"

if [ "$SOAK" -gt 0 ]; then
  echo "== soak: ${SOAK}s of create/write/read/delete on memfs, heap and RSS every 10 s" >&2
  java_home=$(readlink -f "$(dirname "$(readlink -f "$(command -v java)")")/..")
  jcmd=/usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd
  [ -x "$jcmd" ] || jcmd="$java_home/bin/jcmd"
  python3 - "$base/memfs" "$SOAK" <<'PY' &
import os, sys, time
d, end = sys.argv[1], time.time() + int(sys.argv[2])
os.makedirs(d + '/soak', exist_ok=True)
block = os.urandom(65536)
i = 0
while time.time() < end:
    for j in range(200):
        p = '%s/soak/f%d' % (d, j)
        with open(p, 'wb') as f:
            f.write(block * 4)
        with open(p, 'rb') as f:
            f.read()
    for j in range(200):
        os.unlink('%s/soak/f%d' % (d, j))
    i += 1
print('soak rounds', i)
PY
  load=$!
  echo "| t (s) | heap used (MiB) | RSS (MiB) |" | tee "$OUT/memfs-soak.md"
  echo "|---:|---:|---:|" | tee -a "$OUT/memfs-soak.md"
  t=0
  while kill -0 "$load" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$daemon/status")
    heap=$("$jcmd" "$daemon" GC.heap_info 2>/dev/null | python3 -c "import re,sys; s=sys.stdin.read(); \
m=re.search(r'used (\d+)K', s); print('%.0f' % (int(m.group(1))/1024) if m else '?')")
    echo "| $t | $heap | $rss |" | tee -a "$OUT/memfs-soak.md"
    sleep 10; t=$((t + 10))
  done
  wait "$load"
fi
