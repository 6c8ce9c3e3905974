package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.j4l.kernel.raw.LibcProcess;
import dev.j4l.kernel.raw.Native;
import dev.j4l.kernel.raw.Structs;
import java.lang.foreign.MemorySegment;

/** The calling thread's capabilities ({@code capget(2)}). */
public final class Capabilities {
    private Capabilities() {}

    public static final int CAP_CHOWN = 0;
    public static final int CAP_DAC_OVERRIDE = 1;
    public static final int CAP_DAC_READ_SEARCH = 2;
    public static final int CAP_FOWNER = 3;
    public static final int CAP_FSETID = 4;
    public static final int CAP_KILL = 5;
    public static final int CAP_SETGID = 6;
    public static final int CAP_SETUID = 7;
    public static final int CAP_NET_BIND_SERVICE = 10;
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_NET_RAW = 13;
    public static final int CAP_SYS_CHROOT = 18;
    public static final int CAP_SYS_PTRACE = 19;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_SYS_NICE = 23;
    public static final int CAP_SYS_RESOURCE = 24;
    public static final int CAP_MKNOD = 27;

    private static final int VERSION_3 = 0x20080522;

    /** The effective set as a bit mask (bit n = capability n). */
    public static long effective() throws KernelException {
        return sets()[0];
    }

    /** The permitted set as a bit mask. */
    public static long permitted() throws KernelException {
        return sets()[1];
    }

    /** True when capability {@code cap} is in the calling thread's effective set. */
    public static boolean has(int cap) throws KernelException {
        if (cap < 0 || cap > 63) throw new IllegalArgumentException("no capability " + cap);
        return (effective() & (1L << cap)) != 0;
    }

    /** The effective set from /proc/pid/status {@code CapEff} — another process's capabilities. */
    public static long effectiveOf(long pid) throws KernelException {
        return Long.parseUnsignedLong(Credentials.status(pid, "CapEff"), 16);
    }

    private static long[] sets() throws KernelException {
        Native.Scratch s = Native.scratch();
        MemorySegment header = s.allocate(Structs.CAP_HEADER);
        MemorySegment data = s.allocate(Structs.CAP_DATA.byteSize() * 2);
        header.set(JAVA_INT, 0, VERSION_3);
        header.set(JAVA_INT, 4, 0);
        // SAFETY: only raw addresses reach the kernel: header (8 bytes) and data (2 x 12, what version 3 writes) are
        // in this thread's scratch block (32 bytes after a reset always fit), allocated while the thread lives.
        int r = LibcProcess.capget(header, data);
        if (r < 0) throw KernelException.of("capget", "", r);
        long eff = Integer.toUnsignedLong(data.get(JAVA_INT, 0)) | (Integer.toUnsignedLong(data.get(JAVA_INT, 12)) << 32);
        long perm = Integer.toUnsignedLong(data.get(JAVA_INT, 4)) | (Integer.toUnsignedLong(data.get(JAVA_INT, 16)) << 32);
        return new long[] {eff, perm};
    }
}
