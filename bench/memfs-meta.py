#!/usr/bin/python3
"""Metadata rates on one directory: create, stat, readdir and unlink of N empty files (ops/s).

usage: memfs-meta.py DIR [N]   (as root: the kernel's dentry/inode caches are dropped before stat, so every
stat is a real lookup in the filesystem under test rather than a cache hit)
"""
import os, sys, time

def drop_caches():
    os.sync()
    with open('/proc/sys/vm/drop_caches', 'w') as f:
        f.write('2\n')

def main():
    base = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    d = os.path.join(base, 'meta.%d' % os.getpid())
    os.mkdir(d)
    names = [os.path.join(d, 'f%06d' % i) for i in range(n)]
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    t = time.perf_counter()
    for p in names:
        os.close(os.open(p, flags, 0o644))
    create = n / (time.perf_counter() - t)
    drop_caches()
    t = time.perf_counter()
    for p in names:
        os.stat(p)
    stat = n / (time.perf_counter() - t)
    drop_caches()
    t = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        with os.scandir(d) as it:
            count = sum(1 for _ in it)
    assert count == n, count
    readdir = rounds * n / (time.perf_counter() - t)
    t = time.perf_counter()
    for p in names:
        os.unlink(p)
    unlink = n / (time.perf_counter() - t)
    os.rmdir(d)
    print('create %.0f\nstat %.0f\nreaddir %.0f\nunlink %.0f' % (create, stat, readdir, unlink))

main()
