#!/usr/bin/env bash
# Switch benchmark: iperf3 TCP throughput and 64-byte UDP packet rate between two network namespaces, through
#   (a) the kernel bridge over veth pairs (the in-kernel reference),
#   (b) `j4l switch` (TAP ports with virtio-net header and TSO/checksum offloads),
#   (c) `j4l switch --no-offload` (same switch, every packet MTU-sized),
#   (d) vde_switch (a C userspace switch over TAP) when installed (Debian vde2).
# All in one run on this machine; prints a Markdown table with ratios to vde_switch and to the bridge.
# Usage: bench/net-switch.sh [SECONDS]   (root; leaves nothing behind, also on Ctrl-C)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
pfx=j4ltbn
A=${pfx}a B=${pfx}b
ADDR_A=10.88.0.1 ADDR_B=10.88.0.2
out=$(mktemp -d /tmp/j4l-net-bench.XXXXXX)
pids=()

cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  pids=()
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  for l in ${pfx}br ${pfx}va ${pfx}vb ${pfx}ta ${pfx}tb; do ip link del "$l" 2>/dev/null || true; done
}
trap 'cleanup; rm -rf "$out"' EXIT
trap 'exit 130' INT TERM

command -v iperf3 >/dev/null || { echo "needs iperf3 (bash .ci/install-deps)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
./j4l --help >/dev/null   # build once, outside the measurements

namespaces() {
  ip netns add "$A"; ip netns add "$B"
  ip -n "$A" link set lo up; ip -n "$B" link set lo up
}

# place DEV NS ADDR: move a host-side device into NS, address it and bring it up
place() {
  ip link set "$1" netns "$2"
  ip -n "$2" addr add "$3/24" dev "$1"
  ip -n "$2" link set "$1" up
}

wait_link() { # DEV PID: until DEV exists (the switch may still be starting), as long as PID lives
  for _ in $(seq 600); do
    ip link show "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "switch exited before creating $1" >&2; return 1; }
    sleep 0.1
  done
  echo "no $1 after 60 s" >&2; return 1
}

measure() { # NAME: runs TCP and UDP-64 and prints "NAME tcp_gbps udp_kpps"
  local name=$1
  ip netns exec "$B" ping -c 1 -W 5 "$ADDR_A" >/dev/null 2>&1 || true
  ip netns exec "$A" ping -c 3 -i 0.2 -W 5 "$ADDR_B" >/dev/null
  ip netns exec "$B" iperf3 -s -D -p 5201 --pidfile "$out/iperf.pid" >/dev/null
  sleep 0.3
  ip netns exec "$A" iperf3 -c "$ADDR_B" -p 5201 -t "$secs" -J > "$out/$name-tcp.json"
  ip netns exec "$A" iperf3 -c "$ADDR_B" -p 5201 -u -l 64 -b 0 -t "$secs" -J > "$out/$name-udp.json"
  kill "$(cat "$out/iperf.pid")" 2>/dev/null || true
  python3 - "$name" "$out/$name-tcp.json" "$out/$name-udp.json" <<'PY'
import json, sys
name, tcp, udp = sys.argv[1:4]
jt, ju = json.load(open(tcp)), json.load(open(udp))
for j in (jt, ju):
    if "error" in j: sys.exit(f"{name}: iperf3: {j['error']}")
t = jt["end"]["sum_received"]["bits_per_second"] / 1e9
u = ju["end"]["sum"]
pps = (u["packets"] - u["lost_packets"]) / u["seconds"] / 1e3
print(f"{name} {t:.2f} {pps:.1f}")
PY
}

results=()

# (a) kernel bridge over veth
namespaces
ip link add ${pfx}br type bridge; ip link set ${pfx}br up
ip link add ${pfx}va type veth peer name ${pfx}pa; ip link add ${pfx}vb type veth peer name ${pfx}pb
ip link set ${pfx}va master ${pfx}br up; ip link set ${pfx}vb master ${pfx}br up
place ${pfx}pa "$A" $ADDR_A; place ${pfx}pb "$B" $ADDR_B
results+=("$(measure kernel-bridge)")
cleanup

# (b, c) j4l switch, with and without offloads
for mode in offload no-offload; do
  namespaces
  flag=(); [ "$mode" = no-offload ] && flag=(--no-offload)
  ./j4l switch "${flag[@]}" ${pfx}ta ${pfx}tb > "$out/switch-$mode.log" 2>&1 &
  pids+=($!)
  wait_link ${pfx}ta $!; wait_link ${pfx}tb $!; sleep 0.5
  place ${pfx}ta "$A" $ADDR_A; place ${pfx}tb "$B" $ADDR_B
  if [ "$mode" = offload ]; then results+=("$(measure j4l-switch)"); else results+=("$(measure j4l-switch-no-offload)"); fi
  cleanup
done

# (d) vde_switch with two TAP ports
if command -v vde_switch >/dev/null; then
  namespaces
  ip tuntap add ${pfx}ta mode tap; ip tuntap add ${pfx}tb mode tap
  # Without -d, vde_switch reads its console from stdin and quits at EOF.
  vde_switch -s "$out/vde.ctl" -M "$out/vde.mgmt" -t ${pfx}ta -t ${pfx}tb -d -p "$out/vde.pid"
  sleep 1
  pids+=("$(cat "$out/vde.pid")")
  place ${pfx}ta "$A" $ADDR_A; place ${pfx}tb "$B" $ADDR_B
  results+=("$(measure vde_switch)")
  cleanup
else
  echo "vde_switch not installed: skipped (Debian package vde2)" >&2
fi

python3 - "$secs" "${results[@]}" <<'PY'
import sys, platform, os
secs = sys.argv[1]
rows = [r.split() for r in sys.argv[2:]]
val = {r[0]: (float(r[1]), float(r[2])) for r in rows}
bridge = val.get("kernel-bridge"); vde = val.get("vde_switch")
def ratio(x, ref): return f"{x / ref:.2f}x" if ref and ref > 0 else "-"
print(f"kernel {platform.release()}, {os.cpu_count()} CPUs, iperf3 {secs} s per measurement, one run\n")
print("| path | TCP [Gbit/s] | vs bridge | vs vde_switch | UDP 64 B [kpps received] | vs bridge | vs vde_switch |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, (t, u) in val.items():
    print(f"| {name} | {t:.2f} | {ratio(t, bridge[0] if bridge else 0)} | {ratio(t, vde[0] if vde else 0)} "
          f"| {u:.1f} | {ratio(u, bridge[1] if bridge else 0)} | {ratio(u, vde[1] if vde else 0)} |")
PY
