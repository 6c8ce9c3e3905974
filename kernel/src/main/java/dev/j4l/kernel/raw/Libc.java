package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Raw libc downcalls for file descriptors, I/O, ioctl, polling and mounts.
 *
 * <p>Every method returns the call's result or {@code -errno}; none of them checks anything about its
 * arguments. Only {@code dev.j4l.kernel} calls these, with descriptors it holds acquired and segments it
 * sized.
 */
public final class Libc {
    private Libc() {}

    public static final int AT_FDCWD = -100;

    // Each downcall has its own holder class, initialized (linked) on first use, once and thread-safely: start-up
    // links only the calls it makes. After that the handle is a constant static final to the JIT, as before.
    private static final class Openat {
        static final MethodHandle DOWNCALL = Native.downcall("openat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
    }
    private static final class Close {
        static final MethodHandle DOWNCALL = Native.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class Read {
        static final MethodHandle DOWNCALL = Native.downcall("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }
    private static final class Write {
        static final MethodHandle DOWNCALL = Native.downcall("write",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }
    private static final class IoctlPtr {
        static final MethodHandle DOWNCALL = Native.downcall("ioctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    }
    private static final class IoctlVal {
        static final MethodHandle DOWNCALL = Native.downcall("ioctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    }
    private static final class Mount {
        static final MethodHandle DOWNCALL = Native.downcall("mount",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    }
    private static final class Umount2 {
        static final MethodHandle DOWNCALL = Native.downcall("umount2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Poll {
        static final MethodHandle DOWNCALL = Native.downcall("poll",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }
    private static final class Eventfd {
        static final MethodHandle DOWNCALL = Native.downcall("eventfd",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Syscall6 {
        static final MethodHandle DOWNCALL = Native.downcall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
    }

    public static int openat(int dirfd, MemorySegment path, int flags, int mode) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) Openat.DOWNCALL.invokeExact(e, dirfd, path, flags, mode);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int close(int fd) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) Close.DOWNCALL.invokeExact(e, fd);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long count) {
        MemorySegment e = Native.errnoSlot();
        try {
            long r = (long) Read.DOWNCALL.invokeExact(e, fd, buf, count);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment e = Native.errnoSlot();
        try {
            long r = (long) Write.DOWNCALL.invokeExact(e, fd, buf, count);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) IoctlPtr.DOWNCALL.invokeExact(e, fd, request, arg);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int ioctl(int fd, long request, long arg) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) IoctlVal.DOWNCALL.invokeExact(e, fd, request, arg);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int mount(MemorySegment source, MemorySegment target, MemorySegment fstype, long flags,
            MemorySegment data) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) Mount.DOWNCALL.invokeExact(e, source, target, fstype, flags, data);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int umount2(MemorySegment target, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) Umount2.DOWNCALL.invokeExact(e, target, flags);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code fds} is an array of {@code struct pollfd} (8 bytes each: fd s32, events s16, revents s16). */
    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) Poll.DOWNCALL.invokeExact(e, fds, nfds, timeoutMillis);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int eventfd(int initval, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) Eventfd.DOWNCALL.invokeExact(e, initval, flags);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code syscall(2)} for calls glibc has no wrapper for; every argument is passed as a long. */
    public static long syscall(long nr, long a, long b, long c, long d, long e5, long f) {
        MemorySegment e = Native.errnoSlot();
        try {
            long r = (long) Syscall6.DOWNCALL.invokeExact(e, nr, a, b, c, d, e5, f);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
