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
    // Each downcall has its own holder class, initialized (linked) on first use, once and thread-safely: start-up
    // links only the calls it makes. After that the handle is a constant static final to the JIT, as before.
    private static final class Getuid {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("getuid", I_V);
    }
    private static final class Geteuid {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("geteuid", I_V);
    }
    private static final class Getgid {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("getgid", I_V);
    }
    private static final class Getegid {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("getegid", I_V);
    }
    private static final class Getpid {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("getpid", I_V);
    }
    private static final class Gettid {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("gettid", I_V);
    }
    private static final class Setfsuid {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("setfsuid",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class Setfsgid {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("setfsgid",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class Unshare {
        static final MethodHandle DOWNCALL = Native.downcall("unshare", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class Setns {
        static final MethodHandle DOWNCALL = Native.downcall("setns",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Getgroups {
        static final MethodHandle DOWNCALL = Native.downcall("getgroups",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class SchedSetaffinity {
        static final MethodHandle DOWNCALL = Native.downcall("sched_setaffinity",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG, ADDRESS));
    }
    private static final class SchedGetaffinity {
        static final MethodHandle DOWNCALL = Native.downcall("sched_getaffinity",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG, ADDRESS));
    }
    private static final class SchedSetscheduler {
        static final MethodHandle DOWNCALL = Native.downcall("sched_setscheduler",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class SchedGetscheduler {
        static final MethodHandle DOWNCALL = Native.downcall("sched_getscheduler",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class Uname {
        static final MethodHandle DOWNCALL = Native.downcall("uname", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

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
        return id(Getuid.DOWNCALL);
    }

    public static int geteuid() {
        return id(Geteuid.DOWNCALL);
    }

    public static int getgid() {
        return id(Getgid.DOWNCALL);
    }

    public static int getegid() {
        return id(Getegid.DOWNCALL);
    }

    public static int getpid() {
        return id(Getpid.DOWNCALL);
    }

    public static int gettid() {
        return id(Gettid.DOWNCALL);
    }

    /** setfsuid(2) for the calling thread only; returns the previous fsuid (it reports no errors). */
    public static int setfsuid(int uid) {
        try {
            return (int) Setfsuid.DOWNCALL.invokeExact(uid);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int setfsgid(int gid) {
        try {
            return (int) Setfsgid.DOWNCALL.invokeExact(gid);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** sched_setaffinity(2) of thread {@code tid} (0: the caller) with a mask of {@code mask.byteSize()} bytes. */
    public static int schedSetaffinity(int tid, MemorySegment mask) {
        MemorySegment e = Native.errnoSlot();
        try {
            // SAFETY: cpusetsize is mask's own size, so the kernel reads only mask; the downcall keeps it alive.
            return ret((int) SchedSetaffinity.DOWNCALL.invokeExact(e, tid, mask.byteSize(), mask), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** sched_getaffinity(2) of thread {@code tid} (0: the caller) into {@code mask}. */
    public static int schedGetaffinity(int tid, MemorySegment mask) {
        MemorySegment e = Native.errnoSlot();
        try {
            // SAFETY: cpusetsize is mask's own size, so the kernel writes only into mask; the downcall keeps it alive.
            return ret((int) SchedGetaffinity.DOWNCALL.invokeExact(e, tid, mask.byteSize(), mask), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** sched_setscheduler(2) of thread {@code tid} (0: the caller); {@code param} holds sched_priority. */
    public static int schedSetscheduler(int tid, int policy, MemorySegment param) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) SchedSetscheduler.DOWNCALL.invokeExact(e, tid, policy, param), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** sched_getscheduler(2) of thread {@code tid}: its policy. */
    public static int schedGetscheduler(int tid) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) SchedGetscheduler.DOWNCALL.invokeExact(e, tid), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int unshare(int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Unshare.DOWNCALL.invokeExact(e, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int setns(int fd, int nstype) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Setns.DOWNCALL.invokeExact(e, fd, nstype), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** getgroups(2) of the calling thread; {@code list} holds room for {@code size} gids (size 0: count only). */
    public static int getgroups(int size, MemorySegment list) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Getgroups.DOWNCALL.invokeExact(e, size, list), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int uname(MemorySegment utsname) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Uname.DOWNCALL.invokeExact(e, utsname), e);
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
