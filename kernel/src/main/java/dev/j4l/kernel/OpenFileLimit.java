package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.j4l.kernel.raw.LibcRlimit;
import dev.j4l.kernel.raw.Native;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's limit on open descriptors ({@code RLIMIT_NOFILE}). A server that holds a descriptor per
 * inode the kernel knows (a passthrough filesystem) needs far more than the usual 1024.
 */
public final class OpenFileLimit {
    private OpenFileLimit() {}

    /** The soft limit in force. */
    public static long current() throws KernelException {
        MemorySegment l = Native.scratch().allocate(LibcRlimit.RLIMIT_SIZE);
        // SAFETY: l is the 16-byte struct rlimit the kernel writes; scratch, read before the thread's next scratch().
        int r = LibcRlimit.getrlimit(LibcRlimit.RLIMIT_NOFILE, l);
        if (r < 0) throw KernelException.of("getrlimit", "RLIMIT_NOFILE", r);
        return l.get(JAVA_LONG, 0);
    }

    /**
     * Raises the soft limit as far as allowed: to {@code /proc/sys/fs/nr_open} when the process may raise
     * its hard limit (CAP_SYS_RESOURCE), else to the hard limit. Returns the new soft limit.
     */
    public static long raiseToMaximum() throws KernelException {
        MemorySegment l = Native.scratch().allocate(LibcRlimit.RLIMIT_SIZE);
        // SAFETY: l is the 16-byte struct rlimit the kernel writes and the setrlimit calls below read; no scratch()
        // runs in between (nrOpen reads its file through java.nio).
        int r = LibcRlimit.getrlimit(LibcRlimit.RLIMIT_NOFILE, l);
        if (r < 0) throw KernelException.of("getrlimit", "RLIMIT_NOFILE", r);
        long hard = l.get(JAVA_LONG, 8);
        long ceiling = nrOpen();
        if (ceiling > hard) {
            l.set(JAVA_LONG, 0, ceiling);
            l.set(JAVA_LONG, 8, ceiling);
            // SAFETY: the kernel reads the 16 bytes of l (see above).
            if (LibcRlimit.setrlimit(LibcRlimit.RLIMIT_NOFILE, l) == 0) return ceiling;
        }
        l.set(JAVA_LONG, 0, hard);
        l.set(JAVA_LONG, 8, hard);
        // SAFETY: the kernel reads the 16 bytes of l (see above).
        r = LibcRlimit.setrlimit(LibcRlimit.RLIMIT_NOFILE, l);
        if (r < 0) throw KernelException.of("setrlimit", "RLIMIT_NOFILE", r);
        return hard;
    }

    private static long nrOpen() {
        try {
            return ProcFiles.readLong(Path.of("/proc/sys/fs/nr_open"));
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
