package dev.j4l.drivers.memfs;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.FileMode;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One inode: attributes plus, by type, a {@link Directory}, {@link FileData} or symlink target.
 *
 * <p>Every field is guarded by {@link #lock}. An operation that needs several nodes locks them in ascending
 * inode-number order (see {@link MemFs}), which is what keeps concurrent renames, links and removals
 * deadlock-free. Drivers outside this package only pass nodes around.
 */
public final class Node {
    final long ino;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    int mode;
    int uid;
    int gid;
    long nlink;
    int rdev;
    /** Times in nanoseconds since the epoch (the FUSE attribute format). */
    long atime, mtime, ctime;

    final Directory dir;
    final FileData data;
    final byte[] target;
    /** The directory holding this one (directories only; null for the root). */
    Node parent;
    XattrTable xattrs;
    RangeLocks posixLocks;
    RangeLocks flockLocks;
    /** F_SETLKW / blocking flock requests waiting for a conflicting lock to go (FIFO). */
    java.util.ArrayList<LockWaiter> waiters;
    /** An O_TMPFILE file that may still be given a name with linkat(2). */
    boolean linkable;
    /** Bytes charged for this inode besides its file data (inode, xattrs, symlink target). */
    long charged;
    /** True while the kernel may name this node (an entry was sent and not yet forgotten). */
    volatile boolean known;
    /** The attributes as last built; cleared whenever the write lock is released (see {@link #unlockWrite}). */
    volatile Attr cached;
    /** Set once the inode is unreachable and forgotten: its space has been returned. */
    boolean freed;

    Node(long ino, int mode, int uid, int gid, Directory dir, FileData data, byte[] target) {
        this.ino = ino;
        this.mode = mode;
        this.uid = uid;
        this.gid = gid;
        this.dir = dir;
        this.data = data;
        this.target = target;
    }

    boolean isDir() {
        return FileMode.isDirectory(mode);
    }

    boolean isRegular() {
        return FileMode.isRegular(mode);
    }

    boolean isSymlink() {
        return FileMode.isSymlink(mode);
    }

    /** st_size: bytes for files and symlinks; for directories what tmpfs reports (20 bytes an entry). */
    long size() {
        if (data != null) return data.size();
        if (target != null) return target.length;
        if (dir != null) return 40L + 20L * dir.size();
        return 0;
    }

    long blocks() {
        return data != null ? data.blocks() : 0;
    }

    /** st_nlink: directories count "." and each subdirectory's "..". */
    long linkCount() {
        if (dir != null) return nlink == 0 ? 0 : 2 + dir.subdirs;
        return nlink;
    }

    void lockWrite() {
        lock.writeLock().lock();
    }

    /** Every change happens under the write lock, so releasing it is where cached attributes go stale. */
    void unlockWrite() {
        cached = null;
        lock.writeLock().unlock();
    }

    /** The current attributes; built at most once per change. Call with the read or write lock held. */
    Attr attr() {
        Attr a = cached;
        if (a == null) {
            a = new Attr(ino, size(), blocks(), atime, mtime, ctime, mode, (int) Math.min(Integer.MAX_VALUE, linkCount()),
                    uid, gid, rdev, 4096);
            if (!lock.isWriteLocked()) cached = a;
        }
        return a;
    }

    /** Directory type for readdir ({@code DT_*}). */
    int direntType() {
        return FileMode.direntType(mode);
    }
}
