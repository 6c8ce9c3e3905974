package dev.j4l.fuse;

import dev.j4l.kernel.ErrnoException;

/**
 * Who asked, and the state of one request while the driver serves it.
 *
 * <p>A {@code Request} is valid only during the call it is passed to (the framework reuses it); a driver that
 * answers later takes a {@link Deferred} with {@link #defer()} and copies what it needs.
 */
public interface Request {
    /** The kernel's id of this request. */
    long unique();

    /** The operation's name, e.g. {@code LOOKUP}, for messages. */
    String operation();

    /** The caller's filesystem uid (as seen from the mount's user namespace). */
    int uid();

    int gid();

    /** The caller's thread group id; 0 for requests the kernel makes on its own behalf. */
    int pid();

    /** The caller's umask for create, mkdir, mknod and tmpfile; 0 for other operations. */
    int umask();

    /**
     * The caller's supplementary groups, read from {@code /proc/<pid>/status} (so only on demand).
     *
     * @throws ErrnoException ESRCH if the caller is gone or was a kernel-internal request
     */
    int[] supplementaryGroups() throws ErrnoException;

    /**
     * True once the kernel has asked to interrupt this request (the caller got a signal). A driver that
     * blocks may stop and throw {@code ErrnoException(EINTR)}; a driver blocked in a Java wait is also woken
     * with {@link Thread#interrupt()}.
     */
    boolean isInterrupted();

    /**
     * For read and write: the open file's status flags as they are now ({@code O_NONBLOCK}, {@code O_APPEND}...,
     * including what fcntl(2) changed since open); 0 for other operations.
     */
    default int fileFlags() {
        return 0;
    }

    /**
     * For getattr, setattr and statx: how long the kernel may cache the attributes this reply carries, instead
     * of {@link MountOptions#attrTimeout()} (for entries, {@link Entry} carries its own timeouts). Allocates
     * nothing; applies to a synchronous answer.
     */
    default void setAttrTimeout(long nanos) {}

    /**
     * Answers this request later, from any thread: the value the driver method returns is then ignored, and
     * the request is answered by the returned {@link Deferred}, exactly once. The reply type {@code T} is the
     * method's return type ({@link Void} for void methods, {@code byte[]} or a
     * {@link dev.j4l.kernel.NativeBuffer} for read). Data views passed to the method (for example a write's
     * {@link DataSource}) stay valid only until the method returns.
     */
    <T> Deferred<T> defer();
}
