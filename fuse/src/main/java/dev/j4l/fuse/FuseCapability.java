package dev.j4l.fuse;

/**
 * What a driver declares it implements beyond answering its methods, from {@link FuseFilesystem#capabilities}.
 * The framework asks the kernel for the matching INIT flag only when declared, because asking changes what
 * the kernel does on its own: without POSIX_LOCKS it keeps fcntl locks itself (local to this machine),
 * without FLOCK_LOCKS it keeps flock(2) locks itself.
 */
public enum FuseCapability {
    /** {@code getlk}/{@code setlk} implement POSIX record locks. */
    POSIX_LOCKS,
    /** {@code flock} implements BSD whole-file locks. */
    FLOCK_LOCKS,
    /**
     * Nodes can be found again by node id after the kernel forgot their names ({@code name_to_handle_at} and
     * {@code open_by_handle_at}, NFS export): the driver answers LOOKUP of {@code "."} and {@code ".."} for a
     * node. A handle whose node the driver no longer has answers ESTALE.
     */
    EXPORT
}
