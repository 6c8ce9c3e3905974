package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Raw downcalls for processes, namespaces and credentials. Result or {@code -errno}; the id getters cannot
 * fail and return the id.
 */
public final class LibcProcess {
    private LibcProcess() {}

    private static final FunctionDescriptor I_V = FunctionDescriptor.of(JAVA_INT);
    private static final MethodHandle GETUID = Native.downcallNoErrno("getuid", I_V);
    private static final MethodHandle GETEUID = Native.downcallNoErrno("geteuid", I_V);
    private static final MethodHandle GETGID = Native.downcallNoErrno("getgid", I_V);
    private static final MethodHandle GETEGID = Native.downcallNoErrno("getegid", I_V);
    private static final MethodHandle GETPID = Native.downcallNoErrno("getpid", I_V);
    private static final MethodHandle GETTID = Native.downcallNoErrno("gettid", I_V);
    private static final MethodHandle SETFSUID = Native.downcallNoErrno("setfsuid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETFSGID = Native.downcallNoErrno("setfsgid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle UNSHARE = Native.downcall("unshare", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETNS = Native.downcall("setns",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETGROUPS = Native.downcall("getgroups",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SCHED_SETAFFINITY = Native.downcall("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG, ADDRESS));
    private static final MethodHandle SCHED_GETAFFINITY = Native.downcall("sched_getaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG, ADDRESS));
    private static final MethodHandle SCHED_SETSCHEDULER = Native.downcall("sched_setscheduler",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SCHED_GETSCHEDULER = Native.downcall("sched_getscheduler",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle UNAME = Native.downcall("uname", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private static int ret(int r, MemorySegment e) {
        return r < 0 ? Native.negativeErrno(e) : r;
    }

    private static int id(MethodHandle h) {
        try {
            return (int) h.invokeExact();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int getuid() {
        return id(GETUID);
    }

    public static int geteuid() {
        return id(GETEUID);
    }

    public static int getgid() {
        return id(GETGID);
    }

    public static int getegid() {
        return id(GETEGID);
    }

    public static int getpid() {
        return id(GETPID);
    }

    public static int gettid() {
        return id(GETTID);
    }

    /** setfsuid(2) for the calling thread only; returns the previous fsuid (it reports no errors). */
    public static int setfsuid(int uid) {
        try {
            return (int) SETFSUID.invokeExact(uid);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int setfsgid(int gid) {
        try {
            return (int) SETFSGID.invokeExact(gid);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** sched_setaffinity(2) of thread {@code tid} (0: the caller) with a mask of {@code mask.byteSize()} bytes. */
    public static int schedSetaffinity(int tid, MemorySegment mask) {
        MemorySegment e = Native.errnoSlot();
        try {
            // SAFETY: cpusetsize is mask's own size, so the kernel reads only mask; the downcall keeps it alive.
            return ret((int) SCHED_SETAFFINITY.invokeExact(e, tid, mask.byteSize(), mask), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** sched_getaffinity(2) of thread {@code tid} (0: the caller) into {@code mask}. */
    public static int schedGetaffinity(int tid, MemorySegment mask) {
        MemorySegment e = Native.errnoSlot();
        try {
            // SAFETY: cpusetsize is mask's own size, so the kernel writes only into mask; the downcall keeps it alive.
            return ret((int) SCHED_GETAFFINITY.invokeExact(e, tid, mask.byteSize(), mask), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** sched_setscheduler(2) of thread {@code tid} (0: the caller); {@code param} holds sched_priority. */
    public static int schedSetscheduler(int tid, int policy, MemorySegment param) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) SCHED_SETSCHEDULER.invokeExact(e, tid, policy, param), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** sched_getscheduler(2) of thread {@code tid}: its policy. */
    public static int schedGetscheduler(int tid) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) SCHED_GETSCHEDULER.invokeExact(e, tid), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int unshare(int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) UNSHARE.invokeExact(e, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int setns(int fd, int nstype) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) SETNS.invokeExact(e, fd, nstype), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** getgroups(2) of the calling thread; {@code list} holds room for {@code size} gids (size 0: count only). */
    public static int getgroups(int size, MemorySegment list) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) GETGROUPS.invokeExact(e, size, list), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int uname(MemorySegment utsname) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) UNAME.invokeExact(e, utsname), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * The raw setgroups syscall: affects the calling thread only (glibc's wrapper would broadcast it to every
     * thread of the process). {@code list} holds {@code count} 32-bit gids.
     */
    public static int setgroupsThisThread(int count, MemorySegment list) {
        // SAFETY: the kernel reads 4 * count bytes at list's raw address, which keeps nothing alive: the caller
        // sizes list for count gids and keeps its memory allocated until this returns.
        return (int) Libc.syscall(Syscall.SETGROUPS, count, list.address(), 0, 0, 0, 0);
    }

    /** capget(2): {@code header} is a cap header, {@code data} two cap data structs (version 3). */
    public static int capget(MemorySegment header, MemorySegment data) {
        // SAFETY: the kernel reads (and may rewrite) header's 8 bytes and writes 2 x 12 bytes of data (version 3),
        // by raw address only: the caller sizes both and keeps their memory allocated until this returns.
        return (int) Libc.syscall(Syscall.CAPGET, header.address(), data.address(), 0, 0, 0, 0);
    }
}
