package dev.j4l.kernel;

import dev.j4l.kernel.raw.LibcProcess;

/**
 * Linux namespaces: {@code unshare(2)} and {@code setns(2)}.
 *
 * <p>Namespaces belong to a thread, not to the JVM: {@code unshare(CLONE_NEWNS)} or {@code CLONE_NEWNET}
 * moves only the calling thread (and threads it starts afterwards) into the new namespace. Do namespaced work
 * on a dedicated platform thread — never on a virtual thread, whose carrier changes — and let that thread
 * end (or {@link #enter} the saved original) when done. {@code CLONE_NEWUSER} requires a single-threaded
 * process, so inside a JVM it fails with EINVAL; run a child process ({@code unshare -U ...}) for that.
 */
public final class Namespaces {
    private Namespaces() {}

    public static final int CLONE_NEWTIME = 0x00000080;
    public static final int CLONE_FS = 0x00000200;
    public static final int CLONE_FILES = 0x00000400;
    public static final int CLONE_NEWNS = 0x00020000;
    public static final int CLONE_NEWCGROUP = 0x02000000;
    public static final int CLONE_NEWUTS = 0x04000000;
    public static final int CLONE_NEWIPC = 0x08000000;
    public static final int CLONE_NEWUSER = 0x10000000;
    public static final int CLONE_NEWPID = 0x20000000;
    public static final int CLONE_NEWNET = 0x40000000;

    /** What {@link #unshare} accepts: namespaces, and the thread's own root and cwd ({@code CLONE_FS}). */
    private static final int UNSHAREABLE = CLONE_NEWTIME | CLONE_FS | CLONE_NEWNS | CLONE_NEWCGROUP
            | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;

    /**
     * unshare(2) for the calling thread, of namespaces and {@code CLONE_FS}. Anything else is refused with
     * {@code EINVAL}; above all {@code CLONE_FILES}, which would give the thread a descriptor table of its own:
     * every {@link OwnedFd} used on it would then name whatever that table holds at the number, and a close
     * there would leave the process's descriptor open under an owner that believes it closed.
     */
    public static void unshare(int flags) throws KernelException {
        if ((flags & ~UNSHAREABLE) != 0) {
            throw new KernelException("unshare", "0x" + Integer.toHexString(flags & ~UNSHAREABLE)
                    + " (only namespaces and CLONE_FS)", Errno.EINVAL);
        }
        int r = LibcProcess.unshare(flags);
        if (r < 0) throw KernelException.of("unshare", "0x" + Integer.toHexString(flags), r);
    }

    /**
     * A handle on one of the calling thread's namespaces, e.g. {@code current("net")} or {@code current("mnt")}
     * (opens {@code /proc/thread-self/ns/<kind>}). Keep it to return with {@link #enter}.
     */
    public static OwnedFd current(String kind) throws KernelException {
        if (kind.contains("/")) throw new KernelException("open", kind, Errno.EINVAL);
        return Fs.open("/proc/thread-self/ns/" + kind, Fs.O_RDONLY);
    }

    /** A handle on another process's namespace ({@code /proc/<pid>/ns/<kind>}). */
    public static OwnedFd of(long pid, String kind) throws KernelException {
        if (kind.contains("/")) throw new KernelException("open", kind, Errno.EINVAL);
        return Fs.open("/proc/" + pid + "/ns/" + kind, Fs.O_RDONLY);
    }

    /** setns(2): moves the calling thread into the namespace {@code ns}; {@code nstype} 0 accepts any kind. */
    public static void enter(OwnedFd ns, int nstype) throws KernelException {
        int n = ns.acquire();
        try {
            int r = LibcProcess.setns(n, nstype);
            if (r < 0) throw KernelException.of("setns", ns.description(), r);
        } finally {
            ns.release();
        }
    }
}
