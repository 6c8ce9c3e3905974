package dev.j4l.drivers.memfs;

import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.FileLock;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.SetAttr;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileNames;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.Xattrs;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory filesystem itself, independent of how requests arrive: inodes, the namespace and its POSIX
 * rules, timestamps and space accounting. {@link MemFsDriver} connects it to FUSE.
 *
 * <h2>Locking</h2>
 * Each {@link Node} has a read-write lock. An operation on one node takes that node's lock. An operation on
 * several nodes (unlink, rmdir, link, rename) first finds them without holding more than one lock, then locks
 * all of them in ascending inode-number order, re-checks that the names still point at the same nodes, and
 * retries if not. Because every multi-node acquisition follows the same global order, they cannot deadlock.
 * A rename that moves something between directories additionally holds {@link #crossDirRename} (taken
 * before any node lock), which keeps every directory's parent pointer still while it checks that a directory
 * is not moved below itself — the role of the kernel's {@code s_vfs_rename_mutex}.
 *
 * <h2>Permissions</h2>
 * The filesystem is mounted with {@code default_permissions}, so the kernel checks access modes, sticky
 * directories and ownership rules (it knows the caller's groups and capabilities; we do not). memfs applies
 * what only a filesystem can: new inodes belong to the caller, setgid directories pass on their group.
 */
public final class MemFs {
    private static final long DAY_NANOS = 24 * 3600 * 1_000_000_000L;

    private final SpaceBudget budget;
    private final AtomicLong nextIno = new AtomicLong(2);
    private final AtomicLong inodeCount = new AtomicLong(1);
    private final ReentrantLock crossDirRename = new ReentrantLock();
    private final Node root;

    /**
     * A filesystem holding at most {@code sizeLimit} bytes (data and metadata), whose root directory belongs to
     * {@code uid}:{@code gid} with mode {@code rootMode} (e.g. {@code 0755}).
     */
    public MemFs(long sizeLimit, int uid, int gid, int rootMode) {
        this.budget = new SpaceBudget(sizeLimit);
        root = new Node(1, FileMode.S_IFDIR | (rootMode & 07777), uid, gid, new Directory(), null, null);
        root.nlink = 2;
        root.charged = SpaceBudget.INODE_COST;
        budget.tryCharge(root.charged);
        stampAll(root, now());
        root.known = true; // the kernel holds the root for the life of the mount
    }

    public long sizeLimit() {
        return budget.limit();
    }

    public long bytesUsed() {
        return budget.used();
    }

    public long bytesFree() {
        return budget.free();
    }

    /** The number of inodes that exist (including unlinked ones still open). */
    public long inodeCount() {
        return inodeCount.get();
    }

    Node root() {
        return root;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A name's limit is in the kernel's bytes, which {@link FileNames} turns into this string and back: a byte
     * that is not UTF-8 is one escape char and one byte. (No char is more than 3 bytes, so most names need no
     * count.)
     */
    static void checkName(String name) throws ErrnoException {
        if (name.length() * 3 > Fs.NAME_MAX && FileNames.encodedLength(name) > Fs.NAME_MAX) {
            throw new ErrnoException(Errno.ENAMETOOLONG);
        }
        if (name.isEmpty() || name.indexOf('/') >= 0) throw new ErrnoException(Errno.EINVAL);
    }

    private static void checkDir(Node dir) throws ErrnoException {
        if (dir.dir == null) throw new ErrnoException(Errno.ENOTDIR);
        // A removed directory cannot get new entries (rmdir of a directory someone is inside).
        if (dir.nlink == 0) throw new ErrnoException(Errno.ENOENT);
    }

    /** The current time in nanoseconds since the epoch. */
    static long now() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static void stampAll(Node n, long t) {
        n.atime = t;
        n.mtime = t;
        n.ctime = t;
    }

    /** mtime and ctime of a node whose contents changed. */
    private static void changed(Node n, long t) {
        n.mtime = t;
        n.ctime = t;
    }

    private static void ctime(Node n, long t) {
        n.ctime = t;
    }

    private static long entryCost(String name) {
        return SpaceBudget.ENTRY_COST + name.length();
    }

    /** Locks two nodes' write locks in inode order (once when they are the same node). */
    private static void lockTwo(Node a, Node b) {
        if (a == b) {
            a.lockWrite();
        } else if (a.ino < b.ino) {
            a.lockWrite();
            b.lockWrite();
        } else {
            b.lockWrite();
            a.lockWrite();
        }
    }

    private static void unlockTwo(Node a, Node b) {
        a.unlockWrite();
        if (a != b) b.unlockWrite();
    }

    /** Write-locks up to four nodes (nulls and duplicates allowed) in inode order; returns them sorted, deduplicated. */
    private static Node[] lockAll(Node a, Node b, Node c, Node d) {
        Node[] all = {a, b, c, d};
        int n = 0;
        for (Node x : all) {
            if (x == null) continue;
            boolean dup = false;
            for (int i = 0; i < n; i++) dup |= all[i] == x;
            if (!dup) all[n++] = x;
        }
        Node[] sorted = java.util.Arrays.copyOf(all, n);
        java.util.Arrays.sort(sorted, (x, y) -> Long.compare(x.ino, y.ino));
        for (Node x : sorted) x.lockWrite();
        return sorted;
    }

    private static void unlockAll(Node[] nodes) {
        for (int i = nodes.length - 1; i >= 0; i--) nodes[i].unlockWrite();
    }

    /** The entry's node, read under the directory's read lock. */
    private static Node peek(Node dir, String name) throws ErrnoException {
        dir.lock.readLock().lock();
        try {
            if (dir.dir == null) throw new ErrnoException(Errno.ENOTDIR);
            return dir.dir.get(name);
        } finally {
            dir.lock.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- lookup and lifetime

    /** The node named {@code name} in {@code dir}, or null. */
    Node lookup(Node dir, String name) throws ErrnoException {
        checkName(name);
        dir.lock.readLock().lock();
        try {
            if (dir.dir == null) throw new ErrnoException(Errno.ENOTDIR);
            Node n = dir.dir.get(name);
            if (n != null) n.known = true;
            return n;
        } finally {
            dir.lock.readLock().unlock();
        }
    }

    /**
     * {@code n} found again by its node, not by a name (a file handle's "." after the kernel forgot the inode):
     * ESTALE once it has no name left, so a handle never reaches a deleted file.
     */
    Node refind(Node n) throws ErrnoException {
        n.lockWrite();
        try {
            if (n.freed || n.nlink == 0) throw new ErrnoException(Errno.ESTALE);
            n.known = true;
            return n;
        } finally {
            n.unlockWrite();
        }
    }

    /** The directory {@code dir} is in (a file handle's ".."); the root's is the root. */
    Node parentOf(Node dir) throws ErrnoException {
        dir.lock.readLock().lock();
        try {
            if (dir.dir == null) throw new ErrnoException(Errno.ENOTDIR);
            if (dir.nlink == 0) throw new ErrnoException(Errno.ESTALE);
            Node p = dir == root || dir.parent == null ? root : dir.parent;
            p.known = true;
            return p;
        } finally {
            dir.lock.readLock().unlock();
        }
    }

    /** The kernel dropped its last reference to {@code n}; an unlinked node is freed then. */
    void forget(Node n) {
        if (n == root) return;
        n.lockWrite();
        try {
            n.known = false;
            freeIfUnused(n);
        } finally {
            n.unlockWrite();
        }
    }

    /** Frees an inode with no names and no kernel references. Called with its write lock held. */
    private void freeIfUnused(Node n) {
        if (n.freed || n.nlink > 0 || n.known || n == root) return;
        n.freed = true;
        if (n.data != null) n.data.free();
        budget.release(n.charged);
        n.charged = 0;
        n.xattrs = null;
        inodeCount.decrementAndGet();
    }

    // ---------------------------------------------------------------- creation

    /**
     * Creates a node of any type in {@code dir}. Owner and group follow the caller, except that a setgid
     * directory passes on its group (and its setgid bit to subdirectories).
     */
    Node create(Node dir, String name, int mode, int umask, int rdev, byte[] target, int uid, int gid)
            throws ErrnoException {
        checkName(name);
        int type = mode & FileMode.S_IFMT;
        if (type == 0) type = FileMode.S_IFREG;
        int perm = (mode & 07777) & ~(umask & 0777);
        if (type == FileMode.S_IFLNK) perm = 0777;
        long cost = SpaceBudget.INODE_COST + entryCost(name) + (target == null ? 0 : target.length);
        budget.charge(cost);
        boolean done = false;
        dir.lockWrite();
        try {
            checkDir(dir);
            if (dir.dir.get(name) != null) throw new ErrnoException(Errno.EEXIST);
            int g = gid;
            if ((dir.mode & FileMode.S_ISGID) != 0) {
                g = dir.gid;
                if (type == FileMode.S_IFDIR) {
                    perm |= FileMode.S_ISGID;
                } else if ((perm & (FileMode.S_ISGID | 0010)) == (FileMode.S_ISGID | 0010) && uid != 0 && gid != g) {
                    perm &= ~FileMode.S_ISGID;
                }
            }
            long ino = nextIno.getAndIncrement();
            Node n = switch (type) {
                case FileMode.S_IFDIR -> new Node(ino, type | perm, uid, g, new Directory(), null, null);
                case FileMode.S_IFREG -> new Node(ino, type | perm, uid, g, null, new FileData(budget), null);
                case FileMode.S_IFLNK -> new Node(ino, type | perm, uid, g, null, null, target);
                case FileMode.S_IFCHR, FileMode.S_IFBLK, FileMode.S_IFIFO, FileMode.S_IFSOCK ->
                        new Node(ino, type | perm, uid, g, null, null, null);
                default -> throw new ErrnoException(Errno.EINVAL);
            };
            if (type == FileMode.S_IFCHR || type == FileMode.S_IFBLK) n.rdev = rdev;
            n.nlink = type == FileMode.S_IFDIR ? 2 : 1;
            if (type == FileMode.S_IFDIR) n.parent = dir;
            n.charged = SpaceBudget.INODE_COST + (target == null ? 0 : target.length);
            long t = now();
            stampAll(n, t);
            n.known = true;
            inodeCount.incrementAndGet();
            dir.dir.add(name, n);
            changed(dir, t);
            done = true;
            return n;
        } finally {
            dir.unlockWrite();
            if (!done) budget.release(cost);
        }
    }

    /** O_TMPFILE: a regular file without a name; {@code linkable} unless opened with O_EXCL. */
    Node tmpfile(Node dir, int mode, int uid, int gid, boolean linkable) throws ErrnoException {
        budget.charge(SpaceBudget.INODE_COST);
        dir.lock.readLock().lock();
        try {
            checkDir(dir);
            int g = (dir.mode & FileMode.S_ISGID) != 0 ? dir.gid : gid;
            Node n = new Node(nextIno.getAndIncrement(), FileMode.S_IFREG | (mode & 07777), uid, g, null,
                    new FileData(budget), null);
            n.charged = SpaceBudget.INODE_COST;
            n.linkable = linkable;
            stampAll(n, now());
            n.known = true;
            inodeCount.incrementAndGet();
            return n;
        } catch (ErrnoException e) {
            budget.release(SpaceBudget.INODE_COST);
            throw e;
        } finally {
            dir.lock.readLock().unlock();
        }
    }

    /** A hard link {@code newDir/newName} to {@code node}. */
    Node link(Node node, Node newDir, String newName) throws ErrnoException {
        checkName(newName);
        long cost = entryCost(newName);
        budget.charge(cost);
        boolean done = false;
        lockTwo(node, newDir);
        try {
            checkDir(newDir);
            if (node.isDir()) throw new ErrnoException(Errno.EPERM);
            if (node.nlink == 0 && !node.linkable) throw new ErrnoException(Errno.ENOENT);
            if (newDir.dir.get(newName) != null) throw new ErrnoException(Errno.EEXIST);
            newDir.dir.add(newName, node);
            node.nlink++;
            node.linkable = false;
            long t = now();
            ctime(node, t);
            changed(newDir, t);
            node.known = true;
            done = true;
            return node;
        } finally {
            unlockTwo(node, newDir);
            if (!done) budget.release(cost);
        }
    }

    // ---------------------------------------------------------------- removal

    void unlink(Node dir, String name) throws ErrnoException {
        remove(dir, name, false);
    }

    void rmdir(Node dir, String name) throws ErrnoException {
        remove(dir, name, true);
    }

    private void remove(Node dir, String name, boolean isRmdir) throws ErrnoException {
        checkName(name);
        while (true) {
            Node child = peek(dir, name);
            if (child == null) throw new ErrnoException(Errno.ENOENT);
            lockTwo(dir, child);
            try {
                if (dir.dir.get(name) != child) continue; // renamed meanwhile: look again
                if (isRmdir) {
                    if (!child.isDir()) throw new ErrnoException(Errno.ENOTDIR);
                    if (!child.dir.isEmpty()) throw new ErrnoException(Errno.ENOTEMPTY);
                } else if (child.isDir()) {
                    throw new ErrnoException(Errno.EISDIR);
                }
                dir.dir.remove(name);
                budget.release(entryCost(name));
                long t = now();
                changed(dir, t);
                ctime(child, t);
                child.nlink = isRmdir ? 0 : child.nlink - 1;
                freeIfUnused(child);
                return;
            } finally {
                unlockTwo(dir, child);
            }
        }
    }

    // ---------------------------------------------------------------- rename

    void rename(Node oldDir, String oldName, Node newDir, String newName, int flags) throws ErrnoException {
        checkName(oldName);
        checkName(newName);
        if ((flags & ~(Fs.RENAME_NOREPLACE | Fs.RENAME_EXCHANGE)) != 0) throw new ErrnoException(Errno.EINVAL);
        if ((flags & Fs.RENAME_NOREPLACE) != 0 && (flags & Fs.RENAME_EXCHANGE) != 0) throw new ErrnoException(Errno.EINVAL);
        boolean crossDir = oldDir != newDir;
        if (crossDir) crossDirRename.lock();
        try {
            while (true) {
                Node src = peek(oldDir, oldName);
                if (src == null) throw new ErrnoException(Errno.ENOENT);
                Node dst = peek(newDir, newName);
                Node[] locked = lockAll(oldDir, newDir, src, dst);
                try {
                    if (oldDir.dir.get(oldName) != src || newDir.dir.get(newName) != dst) continue;
                    renameLocked(oldDir, oldName, src, newDir, newName, dst, flags);
                    return;
                } finally {
                    unlockAll(locked);
                }
            }
        } finally {
            if (crossDir) crossDirRename.unlock();
        }
    }

    /** True when {@code dir} is {@code ancestor} or below it. Parent pointers are stable under crossDirRename. */
    private static boolean isWithin(Node dir, Node ancestor) {
        for (Node d = dir; d != null; d = d.parent) if (d == ancestor) return true;
        return false;
    }

    private void renameLocked(Node oldDir, String oldName, Node src, Node newDir, String newName, Node dst, int flags)
            throws ErrnoException {
        checkDir(oldDir);
        checkDir(newDir);
        boolean exchange = (flags & Fs.RENAME_EXCHANGE) != 0;
        if (exchange && dst == null) throw new ErrnoException(Errno.ENOENT);
        if ((flags & Fs.RENAME_NOREPLACE) != 0 && dst != null) throw new ErrnoException(Errno.EEXIST);
        if (src == dst) return; // two names of one inode: POSIX says do nothing
        if (oldDir != newDir) {
            if (src.isDir() && isWithin(newDir, src)) throw new ErrnoException(Errno.EINVAL);
            if (exchange && dst.isDir() && isWithin(oldDir, dst)) throw new ErrnoException(Errno.EINVAL);
        }
        long t = now();
        Directory.Entry oldEntry = oldDir.dir.entry(oldName);
        if (exchange) {
            Directory.Entry newEntry = newDir.dir.entry(newName);
            oldDir.dir.replace(oldEntry, dst);
            newDir.dir.replace(newEntry, src);
            if (src.isDir()) src.parent = newDir;
            if (dst.isDir()) dst.parent = oldDir;
            ctime(src, t);
            ctime(dst, t);
        } else {
            if (dst != null) {
                if (src.isDir()) {
                    if (!dst.isDir()) throw new ErrnoException(Errno.ENOTDIR);
                    if (!dst.dir.isEmpty()) throw new ErrnoException(Errno.ENOTEMPTY);
                } else if (dst.isDir()) {
                    throw new ErrnoException(Errno.EISDIR);
                }
                newDir.dir.replace(newDir.dir.entry(newName), src);
                oldDir.dir.remove(oldName);
                budget.release(entryCost(oldName));
                dst.nlink = dst.isDir() ? 0 : dst.nlink - 1;
                ctime(dst, t);
                freeIfUnused(dst);
            } else {
                // The new name costs its bytes; the old one is given back.
                long delta = (long) newName.length() - oldName.length();
                budget.charge(delta);
                oldDir.dir.remove(oldName);
                newDir.dir.add(newName, src);
            }
            if (src.isDir()) src.parent = newDir;
            ctime(src, t);
        }
        changed(oldDir, t);
        if (newDir != oldDir) changed(newDir, t);
    }

    // ---------------------------------------------------------------- attributes

    /**
     * chmod, chown, truncate and utimensat. The kernel checked the caller's right to each change
     * (default_permissions) and already worked the suid/sgid clearing into {@code c.mode()}.
     */
    void setattr(Node n, SetAttr c) throws ErrnoException {
        n.lockWrite();
        try {
            long t = now();
            boolean touchCtime = true;
            if (c.hasSize()) {
                if (n.isDir()) throw new ErrnoException(Errno.EISDIR);
                if (n.data == null) throw new ErrnoException(Errno.EINVAL);
                if (c.size() < 0) throw new ErrnoException(Errno.EINVAL);
                if (c.size() != n.data.size()) {
                    n.data.truncate(c.size());
                    n.mtime = t;
                } else if ((c.valid() & ~(SetAttr.FATTR_SIZE | SetAttr.FATTR_FH | SetAttr.FATTR_LOCKOWNER)) == 0) {
                    touchCtime = false; // truncate(2) to the same size changes nothing (as on tmpfs)
                }
            }
            if (c.hasMode()) n.mode = (n.mode & FileMode.S_IFMT) | (c.mode() & 07777);
            if (c.hasUid()) n.uid = c.uid();
            if (c.hasGid()) n.gid = c.gid();
            n.atime = c.atime().resolve(n.atime, t);
            n.mtime = c.mtime().resolve(n.mtime, t);
            if (c.hasCtime()) n.ctime = c.ctime();
            else if (touchCtime) n.ctime = t;
        } finally {
            n.unlockWrite();
        }
    }

    byte[] readlink(Node n) throws ErrnoException {
        if (!n.isSymlink()) throw new ErrnoException(Errno.EINVAL);
        n.lock.readLock().lock();
        try {
            return n.target;
        } finally {
            n.lock.readLock().unlock();
        }
        // atime of symlinks is not updated on readlink by this filesystem (tmpfs does not either with relatime
        // once atime is past mtime).
    }

    // ---------------------------------------------------------------- file data

    /** Opening with O_TRUNC. */
    void truncateOnOpen(Node n) throws ErrnoException {
        n.lockWrite();
        try {
            if (n.data == null) return;
            long t = now();
            if (n.data.size() != 0) n.data.truncate(0);
            changed(n, t); // open(O_TRUNC) always updates mtime and ctime
        } finally {
            n.unlockWrite();
        }
    }

    /** Writes at {@code offset} (or at the end with {@code append}); returns the bytes written. */
    int write(Node n, long offset, boolean append, DataSource src) throws ErrnoException {
        return write(n, offset, append, false, src);
    }

    /**
     * @param killSuidGid the writer lacks CAP_FSETID (direct I/O writes say so; buffered writes are handled by
     *     the kernel): a write clears set-user-ID, and set-group-ID on group-executable files, as on local
     *     filesystems
     */
    int write(Node n, long offset, boolean append, boolean killSuidGid, DataSource src) throws ErrnoException {
        if (n.data == null) throw new ErrnoException(n.isDir() ? Errno.EISDIR : Errno.EINVAL);
        n.lockWrite();
        try {
            long at = append ? n.data.size() : offset;
            int w = n.data.write(at, src, 0, src.size());
            long t = now();
            changed(n, t);
            if (killSuidGid && (n.mode & (FileMode.S_ISUID | FileMode.S_ISGID)) != 0) {
                n.mode &= ~FileMode.S_ISUID;
                if ((n.mode & 0010) != 0) n.mode &= ~FileMode.S_ISGID;
            }
            return w;
        } finally {
            n.unlockWrite();
        }
    }

    /** Reads into {@code dst}; returns the bytes read (0 at end of file). Updates atime the relatime way. */
    int read(Node n, long offset, DataSink dst, int length, boolean noatime) throws ErrnoException {
        if (n.data == null) throw new ErrnoException(n.isDir() ? Errno.EISDIR : Errno.EINVAL);
        int r;
        boolean touch;
        n.lock.readLock().lock();
        try {
            r = n.data.read(offset, dst, length);
            touch = !noatime && atimeIsStale(n);
        } finally {
            n.lock.readLock().unlock();
        }
        if (touch) touchAtime(n);
        return r;
    }

    /** relatime: atime moves when it is not newer than mtime or ctime, or is a day old. */
    private static boolean atimeIsStale(Node n) {
        return n.atime <= n.mtime || n.atime <= n.ctime || now() - n.atime >= DAY_NANOS;
    }

    void touchAtime(Node n) {
        n.lockWrite();
        try {
            if (atimeIsStale(n)) {
                long t = now();
                n.atime = t;
            }
        } finally {
            n.unlockWrite();
        }
    }

    void fallocate(Node n, int mode, long offset, long length) throws ErrnoException {
        if (n.data == null) throw new ErrnoException(n.isDir() ? Errno.EISDIR : Errno.ENODEV);
        if (offset < 0 || length <= 0) throw new ErrnoException(Errno.EINVAL);
        n.lockWrite();
        try {
            boolean keep = (mode & Fs.FALLOC_FL_KEEP_SIZE) != 0;
            long t = now();
            if ((mode & Fs.FALLOC_FL_PUNCH_HOLE) != 0) {
                if (!keep || (mode & ~(Fs.FALLOC_FL_PUNCH_HOLE | Fs.FALLOC_FL_KEEP_SIZE)) != 0) {
                    throw new ErrnoException(Errno.EOPNOTSUPP);
                }
                n.data.punchHole(offset, length);
                changed(n, t);
            } else if ((mode & Fs.FALLOC_FL_ZERO_RANGE) != 0) {
                if ((mode & ~(Fs.FALLOC_FL_ZERO_RANGE | Fs.FALLOC_FL_KEEP_SIZE)) != 0) throw new ErrnoException(Errno.EOPNOTSUPP);
                n.data.zeroRangeAllocated(offset, length, keep);
                changed(n, t);
            } else if ((mode & ~Fs.FALLOC_FL_KEEP_SIZE) == 0) {
                long before = n.data.size();
                n.data.allocate(offset, length, keep);
                if (n.data.size() != before) changed(n, t);
            } else {
                throw new ErrnoException(Errno.EOPNOTSUPP);
            }
        } finally {
            n.unlockWrite();
        }
    }

    /** lseek(2) SEEK_DATA (3) / SEEK_HOLE (4); other whences are the kernel's business. */
    long seek(Node n, long offset, int whence) throws ErrnoException {
        if (n.data == null) throw new ErrnoException(Errno.EINVAL);
        n.lock.readLock().lock();
        try {
            return switch (whence) {
                case 3 -> n.data.seekData(offset);
                case 4 -> n.data.seekHole(offset);
                case 0 -> offset;
                case 2 -> n.data.size() + offset;
                default -> throw new ErrnoException(Errno.EINVAL);
            };
        } finally {
            n.lock.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- xattrs

    void setxattr(Node n, String name, byte[] value, int flags) throws ErrnoException {
        XattrTable.checkName(name);
        if (value.length > Xattrs.XATTR_SIZE_MAX) throw new ErrnoException(Errno.E2BIG);
        if ((flags & ~(Xattrs.XATTR_CREATE | Xattrs.XATTR_REPLACE)) != 0) throw new ErrnoException(Errno.EINVAL);
        n.lockWrite();
        try {
            if (name.startsWith("user.") && !(n.isRegular() || n.isDir())) throw new ErrnoException(Errno.EPERM);
            XattrTable x = n.xattrs;
            long delta = x == null
                    ? ((flags & Xattrs.XATTR_REPLACE) != 0 ? fail(Errno.ENODATA) : XattrTable.cost(name, value.length))
                    : x.sizeDelta(name, value.length, flags);
            budget.charge(delta);
            if (x == null) n.xattrs = x = new XattrTable();
            x.set(name, value);
            n.charged += delta;
            ctime(n, now());
        } finally {
            n.unlockWrite();
        }
    }

    private static long fail(Errno e) throws ErrnoException {
        throw new ErrnoException(e);
    }

    byte[] getxattr(Node n, String name) throws ErrnoException {
        if (name.length() > Xattrs.XATTR_NAME_MAX || name.isEmpty()) throw new ErrnoException(Errno.ERANGE);
        n.lock.readLock().lock();
        try {
            if (n.xattrs == null) {
                XattrTable.checkName(name);
                throw new ErrnoException(Errno.ENODATA);
            }
            return n.xattrs.get(name);
        } finally {
            n.lock.readLock().unlock();
        }
    }

    byte[] listxattr(Node n) {
        n.lock.readLock().lock();
        try {
            return n.xattrs == null ? new byte[0] : n.xattrs.list();
        } finally {
            n.lock.readLock().unlock();
        }
    }

    void removexattr(Node n, String name) throws ErrnoException {
        XattrTable.checkName(name);
        n.lockWrite();
        try {
            if (n.xattrs == null) throw new ErrnoException(Errno.ENODATA);
            long c = n.xattrs.remove(name);
            budget.release(c);
            n.charged -= c;
            ctime(n, now());
        } finally {
            n.unlockWrite();
        }
    }

    // ---------------------------------------------------------------- locks

    /** F_GETLK: the conflicting lock, or null when the requested one could be placed. */
    RangeLocks.Held getlk(Node n, boolean flock, long owner, int type, long start, long end) {
        n.lock.readLock().lock();
        try {
            RangeLocks l = flock ? n.flockLocks : n.posixLocks;
            return l == null ? null : l.conflict(owner, type, start, end);
        } finally {
            n.lock.readLock().unlock();
        }
    }

    /**
     * F_SETLK / F_SETLKW: places or removes a lock. Without {@code waiter}, a conflict answers false; with one,
     * the request waits in the node's queue and {@code waiter} is granted (from whichever thread frees the
     * range) or, after {@link #abandon}, failed with EINTR. Returns true when placed at once.
     */
    boolean setlk(Node n, boolean flock, long owner, int pid, int type, long start, long end, LockWaiter waiter) {
        java.util.List<LockWaiter> granted = null;
        boolean placed;
        n.lockWrite();
        try {
            RangeLocks l = locks(n, flock);
            if (l.conflict(owner, type, start, end) == null) {
                l.apply(owner, pid, type, start, end);
                placed = true;
                granted = grantWaiters(n);
            } else {
                placed = false;
                if (type == FileLock.F_RDLCK || type == FileLock.F_WRLCK) {
                    // flock conversion: an owner converting its lock drops the old one first (as flock(2) does)
                    if (flock) {
                        l.removeOwner(owner);
                        granted = grantWaiters(n);
                    }
                    if (waiter != null) {
                        if (n.waiters == null) n.waiters = new java.util.ArrayList<>(2);
                        n.waiters.add(waiter.init(n, flock, owner, pid, type, start, end));
                    }
                }
            }
        } finally {
            n.unlockWrite();
        }
        complete(granted);
        return placed;
    }

    private static RangeLocks locks(Node n, boolean flock) {
        RangeLocks l = flock ? n.flockLocks : n.posixLocks;
        if (l == null) {
            l = new RangeLocks();
            if (flock) n.flockLocks = l;
            else n.posixLocks = l;
        }
        return l;
    }

    /** Places the waiting locks that no longer conflict. Called with the node's write lock held. */
    private java.util.List<LockWaiter> grantWaiters(Node n) {
        if (n.waiters == null || n.waiters.isEmpty()) return null;
        java.util.List<LockWaiter> granted = null;
        for (java.util.Iterator<LockWaiter> it = n.waiters.iterator(); it.hasNext(); ) {
            LockWaiter w = it.next();
            if (w.isDone()) {
                it.remove();
                continue;
            }
            RangeLocks l = locks(n, w.flock);
            if (l.conflict(w.owner, w.type, w.start, w.end) != null) continue;
            l.apply(w.owner, w.pid, w.type, w.start, w.end);
            it.remove();
            if (granted == null) granted = new java.util.ArrayList<>(2);
            granted.add(w);
        }
        return granted;
    }

    private static void complete(java.util.List<LockWaiter> granted) {
        if (granted != null) for (LockWaiter w : granted) w.grant();
    }

    /**
     * The caller of a waiting lock request was interrupted (a signal, e.g. Ctrl-C on a blocked flock): the request
     * leaves the queue and is failed with EINTR, unless it was granted first.
     */
    void abandon(Node n, LockWaiter w) {
        boolean removed;
        n.lockWrite();
        try {
            removed = n.waiters != null && n.waiters.remove(w);
        } finally {
            n.unlockWrite();
        }
        if (removed) w.interrupted();
    }

    /** Drops the owner's POSIX locks (flush: a descriptor of the owner was closed). */
    void releasePosixLocks(Node n, long owner) {
        java.util.List<LockWaiter> granted = null;
        n.lockWrite();
        try {
            if (n.posixLocks != null && n.posixLocks.removeOwner(owner)) granted = grantWaiters(n);
        } finally {
            n.unlockWrite();
        }
        complete(granted);
    }

    /** Drops the owner's flock (release of the open file). */
    void releaseFlocks(Node n, long owner) {
        java.util.List<LockWaiter> granted = null;
        n.lockWrite();
        try {
            if (n.flockLocks != null && n.flockLocks.removeOwner(owner)) granted = grantWaiters(n);
        } finally {
            n.unlockWrite();
        }
        complete(granted);
    }

    // ---------------------------------------------------------------- statfs

    /** Block size reported by statfs. */
    public static final int BLOCK_SIZE = 4096;

    long totalBlocks() {
        return budget.limit() / BLOCK_SIZE;
    }

    long freeBlocks() {
        return budget.free() / BLOCK_SIZE;
    }

    long totalInodes() {
        return budget.limit() / SpaceBudget.INODE_COST;
    }

    long freeInodes() {
        return budget.free() / SpaceBudget.INODE_COST;
    }
}
