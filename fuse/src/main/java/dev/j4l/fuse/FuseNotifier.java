package dev.j4l.fuse;

import java.util.concurrent.CompletableFuture;

/**
 * Messages from the driver to the kernel's caches. Each returns false when the kernel does not know the node
 * or name (nothing to invalidate).
 *
 * <p>Do not call these while holding a lock that your lookup (or any other request handler) needs: the kernel
 * may have to wait for a request in flight in that directory, and that request waits for your lock.
 */
public interface FuseNotifier<N> {
    /**
     * Drops cached data of {@code node} in {@code [offset, offset+length)} ({@code length} 0 = to end) and its
     * cached attributes; a negative {@code offset} drops the attributes only.
     */
    boolean invalidateInode(N node, long offset, long length);

    /** Drops the cached name {@code name} in {@code parent} (and the dentry's node if unused). */
    boolean invalidateEntry(N parent, String name);

    /**
     * Marks the cached name as expired without dropping it (kept for mounts still using it); falls back to
     * {@link #invalidateEntry} when the kernel lacks FUSE_EXPIRE_ONLY.
     */
    boolean expireEntry(N parent, String name);

    /** Tells the kernel that {@code name} in {@code parent}, which was {@code child}, is gone. */
    boolean delete(N parent, N child, String name);

    /** Pushes data into the kernel's page cache of {@code node} (growing the cached size if needed). */
    boolean store(N node, long offset, byte[] data);

    /**
     * Asks the kernel for the cached data of {@code node}; the future completes with what was cached
     * (possibly fewer bytes, or none) or fails with {@link dev.j4l.kernel.ErrnoException}.
     */
    CompletableFuture<byte[]> retrieve(N node, long offset, int size);

    /** Wakes the poll waiting on {@code handle}. */
    boolean pollWakeup(PollHandle handle);

    /**
     * Asks the kernel to send again every request it sent and has not had answered (FUSE 7.40): what a
     * driver calls after losing requests it had taken, for example when it restarts its workers. A request
     * sent again comes with a new id, and an answer to the old one is dropped.
     */
    boolean resendPending();

    /**
     * Starts a new cache epoch (FUSE 7.44): every name the kernel cached before is looked up again before its
     * next use. The cheap way to say "the whole tree may have changed behind your back".
     */
    boolean newEpoch();

    /**
     * Asks the kernel to drop its unused cached inodes of {@code nodes} (FUSE 7.45); each one dropped is
     * forgotten as usual ({@link FuseFilesystem#forget}). Nodes the kernel does not know are skipped. Returns
     * false when the kernel refused the message (older than 6.18, or the connection is gone).
     */
    boolean prune(java.util.Collection<N> nodes);
}
