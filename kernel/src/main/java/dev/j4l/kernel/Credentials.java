package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.j4l.kernel.raw.LibcProcess;
import dev.j4l.kernel.raw.Native;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.NoSuchFileException;

/**
 * Process and thread identity: ids, and the per-thread filesystem credentials a passthrough filesystem
 * assumes to act on behalf of a caller.
 *
 * <p>{@link #actAs} sets the calling thread's fsuid, fsgid and supplementary groups (through raw syscalls
 * that affect only this thread — glibc's own wrappers would change every thread of the process) and
 * restores them afterwards:
 * <pre>{@code
 * Credentials.actAs(req.uid(), req.gid(), Credentials.groupsOf(req.pid()), () -> Fs.mkdir(dir, name, mode));
 * }</pre>
 * A thread started while acting inherits the borrowed identity (the kernel copies the creator's
 * credentials), so start worker threads before, not inside, {@code actAs}.
 */
public final class Credentials {
    private Credentials() {}

    public static int uid() {
        return LibcProcess.getuid();
    }

    public static int euid() {
        return LibcProcess.geteuid();
    }

    public static int gid() {
        return LibcProcess.getgid();
    }

    public static int egid() {
        return LibcProcess.getegid();
    }

    public static int pid() {
        return LibcProcess.getpid();
    }

    /** The calling thread's kernel thread id. */
    public static int tid() {
        return LibcProcess.gettid();
    }

    /**
     * setfsuid(2) for the calling thread. Returns the previous fsuid.
     *
     * @throws KernelException EPERM when the kernel did not apply it (no CAP_SETUID)
     */
    public static int setFsUid(int uid) throws KernelException {
        int previous = LibcProcess.setfsuid(uid);
        // setfsuid reports no error; asking again with an invalid id returns the current value.
        if (LibcProcess.setfsuid(-1) != uid) throw new KernelException("setfsuid", Integer.toString(uid), Errno.EPERM);
        return previous;
    }

    /** setfsgid(2) for the calling thread; returns the previous fsgid. */
    public static int setFsGid(int gid) throws KernelException {
        int previous = LibcProcess.setfsgid(gid);
        if (LibcProcess.setfsgid(-1) != gid) throw new KernelException("setfsgid", Integer.toString(gid), Errno.EPERM);
        return previous;
    }

    /** The calling thread's supplementary groups. */
    public static int[] groups() throws KernelException {
        // SAFETY: size 0 with a NULL list: the kernel only counts, it writes nothing.
        int count = LibcProcess.getgroups(0, MemorySegment.NULL);
        if (count < 0) throw KernelException.of("getgroups", "", count);
        MemorySegment list = Native.scratch().allocate(4L * Math.max(1, count));
        // SAFETY: list holds 4 * max(1, count) bytes and size is count: the kernel writes at most count gids (EINVAL if
        // the thread has more by now). The downcall keeps list alive.
        int r = LibcProcess.getgroups(count, list);
        if (r < 0) throw KernelException.of("getgroups", "", r);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) out[i] = list.get(JAVA_INT, 4L * i);
        return out;
    }

    /** setgroups(2) for the calling thread only (needs CAP_SETGID). */
    public static void setGroupsThisThread(int[] gids) throws KernelException {
        if (gids.length > 65536) throw new KernelException("setgroups", gids.length + " groups", Errno.EINVAL);
        MemorySegment list = Native.scratch().allocate(4L * Math.max(1, gids.length));
        for (int i = 0; i < gids.length; i++) list.set(JAVA_INT, 4L * i, gids[i]);
        // SAFETY: only list.address() reaches the syscall, which reads 4 * gids.length bytes, all of list. Up to
        // 4096 gids list is in this thread's scratch block (alive with the thread); above that Scratch gives
        // GC-managed memory, kept reachable by the fence below until the kernel is done with it.
        int r = LibcProcess.setgroupsThisThread(gids.length, list);
        java.lang.ref.Reference.reachabilityFence(list);
        if (r < 0) throw KernelException.of("setgroups", gids.length + " groups", r);
    }

    /** The supplementary groups of process {@code pid}, from the {@code Groups:} line of /proc/pid/status. */
    public static int[] groupsOf(long pid) throws KernelException {
        String rest = status(pid, "Groups");
        if (rest.isEmpty()) return new int[0];
        String[] parts = rest.split("\\s+");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = Integer.parseUnsignedInt(parts[i]);
        return out;
    }

    /**
     * This process's file mode creation mask, from /proc/self/status: reading it with umask(2) would set it,
     * and for a moment every thread's new files would get the wrong mode.
     */
    public static int umask() throws KernelException {
        return Integer.parseInt(status(0, "Umask"), 8);
    }

    /** One field of /proc/pid/status ({@link ProcFiles#status}); ESRCH when the process is gone. */
    static String status(long pid, String field) throws KernelException {
        String path = "/proc/" + (pid == 0 ? "self" : Long.toString(pid)) + "/status";
        try {
            return ProcFiles.status(pid, field)
                    .orElseThrow(() -> new KernelException("read", path + " (" + field + ")", Errno.ENODATA));
        } catch (NoSuchFileException e) {
            throw new KernelException("open", path, Errno.ESRCH);
        } catch (KernelException e) {
            throw e;
        } catch (IOException e) {
            throw new KernelException("read", path, Errno.EIO);
        }
    }

    /** Work done under borrowed credentials. */
    @FunctionalInterface
    public interface Action<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code action} on this thread with fsuid {@code uid}, fsgid {@code gid} and supplementary groups
     * {@code groups}, then restores the thread's previous values (also when the action throws).
     */
    public static <T> T actAs(int uid, int gid, int[] groups, Action<T> action) throws Exception {
        int[] oldGroups = groups();
        int oldGid = setFsGid(gid);
        try {
            setGroupsThisThread(groups);
            try {
                int oldUid = setFsUid(uid);
                try {
                    return action.run();
                } finally {
                    setFsUid(oldUid);
                }
            } finally {
                setGroupsThisThread(oldGroups);
            }
        } finally {
            setFsGid(oldGid);
        }
    }
}
