#!/usr/bin/python3
"""Round-trip latency of FUSE lookups, from the kernel's own tracepoints.

usage (as root): bench/fuse-latency.py DIR [N]

Creates N empty files in a new directory under DIR (a FUSE mount), drops the dentry/inode caches, then
lstat()s each file once — one LOOKUP per file — with the fuse_request_send/fuse_request_end tracepoints on.
Prints stats/s, the in-kernel round trip (send to reply: queueing, the server's wake-up and work) at p10, p50
and p90, and the median gap between a reply and the caller's next request (the caller's own wake-up). Used
to compare transports (/dev/fuse, io_uring) and polling ideas on the same mount type before and after.
"""
import os, re, sys, time

T = '/sys/kernel/tracing/'


def tracing(on):
    for ev in ('fuse_request_send', 'fuse_request_end'):
        with open(T + 'events/fuse/%s/enable' % ev, 'w') as f:
            f.write('1' if on else '0')


def main():
    base = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    d = os.path.join(base, 'fuse-latency.%d' % os.getpid())
    os.mkdir(d)
    names = [os.path.join(d, 'f%d' % i) for i in range(n)]
    try:
        for p in names:
            os.close(os.open(p, os.O_WRONLY | os.O_CREAT, 0o644))
        os.sync()
        with open('/proc/sys/vm/drop_caches', 'w') as f:
            f.write('2\n')
        with open(T + 'trace', 'w') as f:
            f.write('')
        tracing(True)
        t = time.perf_counter()
        for p in names:
            os.lstat(p)
        dt = time.perf_counter() - t
        tracing(False)
        sent, lat, gaps, last_end = {}, [], [], None
        pat = re.compile(r'\s(\d+\.\d+): fuse_request_(send|end): connection \d+ req (\d+)')
        with open(T + 'trace') as f:
            for line in f:
                m = pat.search(line)
                if not m:
                    continue
                ts, kind, req = float(m.group(1)), m.group(2), m.group(3)
                if kind == 'send':
                    sent[req] = ts
                    if last_end is not None:
                        gaps.append(ts - last_end)
                elif req in sent:
                    lat.append(ts - sent.pop(req))
                    last_end = ts
        lat.sort()
        gaps.sort()
        q = lambda a, x: a[min(len(a) - 1, int(len(a) * x))] * 1e6 if a else float('nan')
        print('%s: %.0f stats/s; round trip p10 %.0f p50 %.0f p90 %.0f us; caller gap p50 %.0f us'
              % (base, n / dt, q(lat, .1), q(lat, .5), q(lat, .9), q(gaps, .5)))
    finally:
        tracing(False)
        for p in names:
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
        os.rmdir(d)


if __name__ == '__main__':
    main()
