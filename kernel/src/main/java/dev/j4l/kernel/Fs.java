package dev.j4l.kernel;

import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.Native;
import java.lang.foreign.MemorySegment;

/**
 * Filesystem system calls on paths and directory descriptors. Every call that creates a descriptor returns
 * an {@link OwnedFd}; every failure is a {@link KernelException} naming the call and the path.
 */
public final class Fs {
    private Fs() {}

    // open(2) flags (x86_64/arm64 generic values).
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_ACCMODE = 3;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DSYNC = 010000;
    public static final int O_DIRECT = 040000;
    public static final int O_LARGEFILE = 0100000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_NOATIME = 01000000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_SYNC = 04010000;
    public static final int O_PATH = 010000000;
    public static final int O_TMPFILE = 020200000;

    /** open(2); {@code O_CLOEXEC} is always added. */
    public static OwnedFd open(String path, int flags, int mode) throws KernelException {
        checkPath(path);
        MemorySegment p = Native.scratch().cString(path);
        int r = Libc.openat(Libc.AT_FDCWD, p, flags | O_CLOEXEC, mode);
        if (r < 0) throw KernelException.of("open", path, r);
        return OwnedFd.adopt(r, path);
    }

    public static OwnedFd open(String path, int flags) throws KernelException {
        return open(path, flags, 0);
    }

    /** openat(2) relative to {@code dir}; {@code O_CLOEXEC} is always added. */
    public static OwnedFd openat(OwnedFd dir, String path, int flags, int mode) throws KernelException {
        checkPath(path);
        int d = dir.acquire();
        try {
            MemorySegment p = Native.scratch().cString(path);
            int r = Libc.openat(d, p, flags | O_CLOEXEC, mode);
            if (r < 0) throw KernelException.of("openat", dir.description() + "/" + path, r);
            return OwnedFd.adopt(r, dir.description() + "/" + path);
        } finally {
            dir.release();
        }
    }

    /** A path with a NUL byte would be silently cut short by the kernel; refuse it instead. */
    static void checkPath(String path) throws KernelException {
        if (path.indexOf('\0') >= 0) throw new KernelException("path", path.replace('\0', '?'), Errno.EINVAL);
    }
}
