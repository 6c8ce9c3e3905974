package dev.j4l.drivers.memfs;

import dev.j4l.fuse.FileLock;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte-range locks of one inode, POSIX ({@code fcntl}) or BSD ({@code flock}) style: each instance holds one
 * kind, since the two never conflict with each other on Linux. Ranges are inclusive; {@code Long.MAX_VALUE}
 * as the end means "to end of file". Locks of the same owner never conflict; a new lock replaces the owner's
 * overlapping ranges (splitting them) and merges with adjacent ranges of the same type, as the kernel does.
 *
 * <p>Not thread-safe: the owning node's lock guards it.
 */
final class RangeLocks {
    /** One held lock. */
    record Held(long owner, int pid, int type, long start, long end) {
        boolean overlaps(long s, long e) {
            return start <= e && s <= end;
        }
    }

    private final List<Held> held = new ArrayList<>(2);

    /** The first lock of another owner that conflicts with the described one, or null. */
    Held conflict(long owner, int type, long start, long end) {
        if (type == FileLock.F_UNLCK) return null;
        for (Held h : held) {
            if (h.owner == owner || !h.overlaps(start, end)) continue;
            if (type == FileLock.F_WRLCK || h.type == FileLock.F_WRLCK) return h;
        }
        return null;
    }

    /** Applies a lock or unlock for {@code owner}; the caller checked {@link #conflict} first. */
    void apply(long owner, int pid, int type, long start, long end) {
        List<Held> keep = new ArrayList<>(held.size() + 2);
        long ns = start, ne = end;
        for (Held h : held) {
            if (h.owner != owner) {
                keep.add(h);
                continue;
            }
            boolean adjacentOrOverlapping = h.start <= (end == Long.MAX_VALUE ? end : end + 1)
                    && start <= (h.end == Long.MAX_VALUE ? h.end : h.end + 1);
            if (!adjacentOrOverlapping) {
                keep.add(h);
                continue;
            }
            if (h.type == type && type != FileLock.F_UNLCK) {
                // Same type: merge into the new range.
                ns = Math.min(ns, h.start);
                ne = Math.max(ne, h.end);
                continue;
            }
            if (!h.overlaps(start, end)) { // merely adjacent, different type
                keep.add(h);
                continue;
            }
            if (h.start < start) keep.add(new Held(h.owner, h.pid, h.type, h.start, start - 1));
            if (h.end > end) keep.add(new Held(h.owner, h.pid, h.type, end + 1, h.end));
        }
        if (type != FileLock.F_UNLCK) keep.add(new Held(owner, pid, type, ns, ne));
        held.clear();
        held.addAll(keep);
    }

    /** Drops every lock of {@code owner} (close of its last descriptor, or release of its file). */
    boolean removeOwner(long owner) {
        return held.removeIf(h -> h.owner == owner);
    }

    boolean isEmpty() {
        return held.isEmpty();
    }
}
