package dev.j4l.drivers.memfs;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The byte budget of one memfs instance: file data, inodes, names, xattrs and symlink targets are all charged
 * against it. A charge that does not fit fails before anything is changed, so a full filesystem answers
 * ENOSPC and keeps everything already stored.
 */
final class SpaceBudget {
    /**
     * What an inode costs besides its payload, as measured by its objects on a 64-bit JVM with compressed
     * pointers: the node (~136 bytes), its read-write lock (~130), its file data or directory maps (~100) and
     * its cached attributes (88). Charging less would let a tree of empty files outgrow the heap the size limit
     * was checked against.
     */
    static final long INODE_COST = 512;
    /** What one directory entry costs besides its name bytes: entry, hash node, tree node, cookie, string. */
    static final long ENTRY_COST = 160;

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    SpaceBudget(long limit) {
        if (limit <= 0) throw new IllegalArgumentException("size limit must be positive: " + limit);
        this.limit = limit;
    }

    long limit() {
        return limit;
    }

    long used() {
        return used.get();
    }

    long free() {
        return Math.max(0, limit - used.get());
    }

    /** Takes {@code bytes} from the budget or returns false when they do not fit (nothing is taken then). */
    boolean tryCharge(long bytes) {
        if (bytes <= 0) {
            if (bytes < 0) used.addAndGet(bytes);
            return true;
        }
        while (true) {
            long u = used.get();
            long n = u + bytes;
            if (n > limit || n < 0) return false;
            if (used.compareAndSet(u, n)) return true;
        }
    }

    /** Like {@link #tryCharge} but answers ENOSPC. */
    void charge(long bytes) throws ErrnoException {
        if (!tryCharge(bytes)) throw new ErrnoException(Errno.ENOSPC);
    }

    void release(long bytes) {
        if (bytes > 0) used.addAndGet(-bytes);
    }
}
