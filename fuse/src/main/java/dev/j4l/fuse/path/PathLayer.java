package dev.j4l.fuse.path;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.Created;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.DirectoryFiller;
import dev.j4l.fuse.Entry;
import dev.j4l.fuse.FileLock;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.FuseCapability;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.Opened;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.SetAttr;
import dev.j4l.fuse.StatFs;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;

/**
 * The path layer: an inode-API filesystem ({@link FuseFilesystem}) serving a {@link PathFilesystem}.
 *
 * <p>Its nodes are {@link PathNode}s, one per path the kernel has looked up, kept in {@link #byPath}; the
 * inode layer numbers them and counts the kernel's references, and {@link #forget} drops them from the table.
 * Calls that change the tree (rename, unlink, rmdir) hold {@link #tree}'s write lock, every other call its
 * read lock, so a call resolves a node's path and runs with it while no rename can move it; reads and writes
 * take the lock without allocating. A lock request that may wait is the exception: it reads its path under the
 * read lock and waits without it, since the holder of the lock it waits for may rename or unlink the file before
 * it unlocks.
 */
final class PathLayer<H> implements FuseFilesystem<PathNode, PathLayer.Open<H>> {
    /** The inode number readdir reports for names (libfuse's FUSE_UNKNOWN_INO): stat shows the real one. */
    static final long UNKNOWN_INO = 0xffff_ffffL;
    /** Names given to open files unlinked while open: {@code .j4l_hidden_<n>} beside them. */
    static final String HIDDEN_PREFIX = ".j4l_hidden_";

    /** An open file or directory: its node, the driver's handle, and for a directory its listing. */
    static final class Open<H> {
        /** The node, for the release of a handle whose reply never reached the kernel (called without one). */
        final PathNode node;
        final H handle;
        Listing listing;

        Open(PathNode node, H handle) {
            this.node = node;
            this.handle = handle;
        }
    }

    private final PathFilesystem<H> fs;
    private final PathNode root = new PathNode("/", 1);
    private final AtomicLong nextIno = new AtomicLong(2);
    private final Map<String, PathNode> byPath = new ConcurrentHashMap<>();
    private final StampedLock tree = new StampedLock();
    private final AtomicLong hiddenNames = new AtomicLong();
    private final Set<FuseCapability> capabilities;
    /** The driver keeps POSIX locks: each close(2) drops the closing owner's (the kernel leaves that to us). */
    private final boolean posixLocks;
    /** The whole file, unlocked: what a flush asks the driver to drop (its pid is not read for an unlock). */
    private static final FileLock UNLOCK_ALL = new FileLock(0, FileLock.TO_END, FileLock.F_UNLCK, 0);

    PathLayer(PathFilesystem<H> fs) {
        this.fs = java.util.Objects.requireNonNull(fs, "fs");
        this.capabilities = Set.copyOf(fs.capabilities());
        if (capabilities.contains(FuseCapability.EXPORT)) {
            throw new IllegalArgumentException("a PathFilesystem cannot declare EXPORT: the path layer names nodes by "
                    + "path and cannot find one again by node id once the kernel forgot it");
        }
        this.posixLocks = capabilities.contains(FuseCapability.POSIX_LOCKS);
        byPath.put("/", root);
    }

    @Override
    public Set<FuseCapability> capabilities() {
        return capabilities;
    }

    /** The node's path now: what a call that must not hold the tree's lock while it runs is asked with. */
    private String pathNow(PathNode n) {
        long stamp = tree.readLock();
        try {
            return n.path;
        } finally {
            tree.unlockRead(stamp);
        }
    }

    private static <H> H handle(Open<H> open) {
        return open == null ? null : open.handle;
    }

    @Override
    public PathNode root() {
        return root;
    }

    @Override
    public void destroy() {
        fs.destroy();
    }

    /** How many paths the table holds (the root included): for tests and diagnostics. */
    int knownPaths() {
        return byPath.size();
    }

    // ---- paths ----

    static String child(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** The path of a node that must still exist (a lookup's parent, a getattr without a handle). */
    private String existing(PathNode n) throws ErrnoException {
        revive(n);
        if (n.gone) throw new ErrnoException(Errno.ENOENT);
        return n.path;
    }

    /** The node the table holds for {@code path}, made if there is none. */
    private PathNode node(String path) {
        return byPath.computeIfAbsent(path, p -> new PathNode(p, nextIno.getAndIncrement()));
    }

    /**
     * {@code a} with the node's inode number, unless the driver set one. A driver answering with the same
     * attributes object again gets the same numbered copy: nothing is allocated.
     */
    private static Attr numbered(PathNode n, Attr a) {
        if (a == null || a.ino() != 0) return a;
        PathNode.Numbered last = n.numbered;
        if (last != null && last.given() == a) return last.attr();
        Attr attr = a.toBuilder().ino(n.ino).build();
        n.numbered = new PathNode.Numbered(a, attr);
        return attr;
    }

    /**
     * A node the kernel names again after it was forgotten (a lookup answered it while the kernel's FORGET of
     * it was under way) goes back into the table, unless another node took its path meanwhile.
     */
    private void revive(PathNode n) {
        if (n == root) return;
        synchronized (n) {
            if (!n.forgotten) return;
            n.forgotten = false;
            if (!n.gone) byPath.putIfAbsent(n.path, n);
        }
    }

    @Override
    public void forget(PathNode n) {
        long stamp = tree.readLock();
        try {
            synchronized (n) {
                n.forgotten = true;
                byPath.remove(n.path, n);
            }
        } finally {
            tree.unlockRead(stamp);
        }
    }

    // ---- names ----

    @Override
    public Entry<PathNode> lookup(Request r, PathNode parent, String name) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            String path = child(existing(parent), name);
            PathNode known = byPath.get(path);
            if (known != null && known.hidden) throw new ErrnoException(Errno.ENOENT);
            Attr attr = fs.getattr(r, path, null);
            PathNode n = node(path);
            return Entry.of(n, numbered(n, attr));
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public Attr getattr(Request r, PathNode n, Open<H> open) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            return numbered(n, open == null ? fs.getattr(r, existing(n), null) : fs.getattr(r, n.path, open.handle));
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public Attr setattr(Request r, PathNode n, Open<H> open, SetAttr changes) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            H handle = open == null ? null : open.handle;
            String path = open == null ? existing(n) : n.path;
            if (changes.hasMode()) fs.chmod(r, path, changes.mode() & ~FileMode.S_IFMT);
            if (changes.hasUid() || changes.hasGid()) {
                fs.chown(r, path, changes.hasUid() ? changes.uid() : -1, changes.hasGid() ? changes.gid() : -1);
            }
            if (changes.hasSize()) fs.truncate(r, path, changes.size(), handle);
            if (!(changes.atime() instanceof SetAttr.TimeChange.Omit)
                    || !(changes.mtime() instanceof SetAttr.TimeChange.Omit)) {
                fs.utimens(r, path, changes.atime(), changes.mtime());
            }
            return numbered(n, fs.getattr(r, path, handle));
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public String readlink(Request r, PathNode n) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            return fs.readlink(r, existing(n));
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public Entry<PathNode> symlink(Request r, PathNode parent, String name, String target) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            String path = child(existing(parent), name);
            fs.symlink(r, target, path);
            return entry(r, path);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public Entry<PathNode> mkdir(Request r, PathNode parent, String name, int mode) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            String path = child(existing(parent), name);
            fs.mkdir(r, path, mode);
            return entry(r, path);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    /**
     * mknod goes to the driver's; one that has none (ENOSYS) gets a regular file made by create + release
     * (what the kernel sends mknod for when create is not implemented), and EPERM for other types.
     */
    @Override
    public Entry<PathNode> mknod(Request r, PathNode parent, String name, int mode, int rdev) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            String path = child(existing(parent), name);
            try {
                fs.mknod(r, path, mode, rdev);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOSYS) throw e;
                if (!FileMode.isRegular(mode)) throw new ErrnoException(Errno.EPERM);
                H handle = fs.create(r, path, mode, Fs.O_WRONLY);
                fs.release(r, path, handle);
            }
            return entry(r, path);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    /** The new name is a node of its own, with the attributes (and link count) the driver reports for it. */
    @Override
    public Entry<PathNode> link(Request r, PathNode n, PathNode newParent, String newName) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            // A file unlinked while open has no name to link to (the kernel refuses linkat of it too).
            if (n.hidden) throw new ErrnoException(Errno.ENOENT);
            String from = existing(n);
            String to = child(existing(newParent), newName);
            fs.link(r, from, to);
            return entry(r, to);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    private Entry<PathNode> entry(Request r, String path) throws ErrnoException {
        Attr attr = fs.getattr(r, path, null);
        PathNode n = node(path);
        return Entry.of(n, numbered(n, attr));
    }

    @Override
    public Created<PathNode, Open<H>> create(Request r, PathNode parent, String name, int mode, int flags)
            throws ErrnoException {
        long stamp = tree.readLock();
        try {
            String path = child(existing(parent), name);
            H handle = fs.create(r, path, mode, flags);
            Attr attr;
            try {
                attr = fs.getattr(r, path, handle);
            } catch (ErrnoException | RuntimeException e) {
                fs.release(r, path, handle);
                throw e;
            }
            PathNode n = node(path);
            n.opened();
            return Created.of(Entry.of(n, numbered(n, attr)), Opened.of(new Open<>(n, handle)));
        } finally {
            tree.unlockRead(stamp);
        }
    }

    // ---- tree changes (write lock) ----

    @Override
    public void unlink(Request r, PathNode parent, String name) throws ErrnoException {
        long stamp = tree.writeLock();
        try {
            String dir = existing(parent);
            String path = child(dir, name);
            PathNode n = byPath.get(path);
            if (n != null && n.hidden) throw new ErrnoException(Errno.ENOENT);
            if (n != null && n.isOpen() && hide(r, n, dir)) return;
            fs.unlink(r, path);
            removed(path);
        } finally {
            tree.unlockWrite(stamp);
        }
    }

    @Override
    public void rmdir(Request r, PathNode parent, String name) throws ErrnoException {
        long stamp = tree.writeLock();
        try {
            String path = child(existing(parent), name);
            fs.rmdir(r, path);
            removed(path);
        } finally {
            tree.unlockWrite(stamp);
        }
    }

    @Override
    public void rename(Request r, PathNode parent, String name, PathNode newParent, String newName, int flags)
            throws ErrnoException {
        if ((flags & Fs.RENAME_WHITEOUT) != 0) throw new ErrnoException(Errno.EINVAL);
        long stamp = tree.writeLock();
        try {
            String from = child(existing(parent), name);
            String to = child(existing(newParent), newName);
            PathNode source = byPath.get(from);
            PathNode target = byPath.get(to);
            if ((source != null && source.hidden) || (target != null && target.hidden)) {
                throw new ErrnoException(Errno.ENOENT);
            }
            if (from.equals(to)) return;
            if ((flags & Fs.RENAME_EXCHANGE) != 0) {
                fs.rename(r, from, to, flags);
                exchanged(from, to);
                return;
            }
            // A file replaced while open stays readable through its handle, like one unlinked while open.
            if (target != null && target.isOpen() && (flags & Fs.RENAME_NOREPLACE) == 0) {
                hide(r, target, parentOf(to));
            }
            fs.rename(r, from, to, flags);
            removed(to);
            moved(from, to);
        } finally {
            tree.unlockWrite(stamp);
        }
    }

    /**
     * Renames the open file {@code n} to a fresh hidden name in {@code dir}; false when the driver cannot
     * rename (the caller unlinks instead).
     */
    private boolean hide(Request r, PathNode n, String dir) throws ErrnoException {
        String hidden;
        do {
            hidden = child(dir, HIDDEN_PREFIX + Long.toHexString(hiddenNames.incrementAndGet()));
        } while (byPath.containsKey(hidden) || exists(r, hidden));
        try {
            fs.rename(r, n.path, hidden, Fs.RENAME_NOREPLACE);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EINVAL) {
                try {
                    fs.rename(r, n.path, hidden, 0); // a driver that knows no flags
                } catch (ErrnoException again) {
                    return false;
                }
            } else {
                return false;
            }
        }
        byPath.remove(n.path, n);
        n.path = hidden;
        n.hidden = true;
        byPath.put(hidden, n);
        return true;
    }

    private boolean exists(Request r, String path) throws ErrnoException {
        try {
            fs.getattr(r, path, null);
            return true;
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) return false;
            throw e;
        }
    }

    /** {@code path} (and anything the table holds beneath it) no longer exists. */
    private void removed(String path) {
        String prefix = path + "/";
        for (var it = byPath.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals(path) || e.getKey().startsWith(prefix)) {
                it.remove();
                e.getValue().gone = true;
            }
        }
    }

    /** {@code from} and everything beneath it now live at {@code to}. */
    private void moved(String from, String to) {
        for (PathNode n : detach(from)) relocate(n, from, to);
    }

    private void exchanged(String a, String b) {
        List<PathNode> underA = detach(a);
        List<PathNode> underB = detach(b);
        for (PathNode n : underA) relocate(n, a, b);
        for (PathNode n : underB) relocate(n, b, a);
    }

    private List<PathNode> detach(String path) {
        String prefix = path + "/";
        List<PathNode> out = new ArrayList<>();
        for (var it = byPath.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals(path) || e.getKey().startsWith(prefix)) {
                it.remove();
                out.add(e.getValue());
            }
        }
        return out;
    }

    private void relocate(PathNode n, String from, String to) {
        n.path = to + n.path.substring(from.length());
        byPath.put(n.path, n);
    }

    // ---- open files ----

    @Override
    public Opened<Open<H>> open(Request r, PathNode n, int flags) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            H handle = fs.open(r, existing(n), flags);
            n.opened();
            return Opened.of(new Open<>(n, handle));
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public void read(Request r, PathNode n, Open<H> open, long offset, int size, DataSink out) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            fs.read(r, n.path, open == null ? null : open.handle, offset, size, out);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public int write(Request r, PathNode n, Open<H> open, long offset, DataSource data, int writeFlags)
            throws ErrnoException {
        long stamp = tree.readLock();
        try {
            return fs.write(r, n.path, open == null ? null : open.handle, offset, data);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public void fallocate(Request r, PathNode n, Open<H> open, int mode, long offset, long length)
            throws ErrnoException {
        long stamp = tree.readLock();
        try {
            fs.fallocate(r, n.path, open == null ? null : open.handle, mode, offset, length);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public long lseek(Request r, PathNode n, Open<H> open, long offset, int whence) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            return fs.lseek(r, n.path, open == null ? null : open.handle, offset, whence);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    /** With POSIX locks, a close(2) also drops the closing owner's locks on the file, flush failing or not. */
    @Override
    public void flush(Request r, PathNode n, Open<H> open, long lockOwner) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            try {
                fs.flush(r, n.path, handle(open));
            } finally {
                if (posixLocks) fs.setlk(r, n.path, handle(open), lockOwner, UNLOCK_ALL, false);
            }
        } finally {
            tree.unlockRead(stamp);
        }
    }

    /** Both files are open: their paths are the current ones, an unlinked one's hidden name included. */
    @Override
    public long copyFileRange(Request r, PathNode in, Open<H> inOpen, long inOffset, PathNode out, Open<H> outOpen,
            long outOffset, long length, long flags) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            return fs.copyFileRange(r, in.path, handle(inOpen), inOffset, out.path, handle(outOpen), outOffset,
                    length, flags);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    // ---- locks (of open files: the node's current path, an unlinked one's hidden name included) ----

    @Override
    public FileLock getlk(Request r, PathNode n, Open<H> open, long owner, FileLock lock) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            return fs.getlk(r, n.path, handle(open), owner, lock);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    /** A lock that may wait is asked by the path it had when the call began, without the tree's lock (see above). */
    @Override
    public void setlk(Request r, PathNode n, Open<H> open, long owner, FileLock lock, boolean sleep)
            throws ErrnoException {
        if (sleep) {
            fs.setlk(r, pathNow(n), handle(open), owner, lock, true);
            return;
        }
        long stamp = tree.readLock();
        try {
            fs.setlk(r, n.path, handle(open), owner, lock, false);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    /** As {@link #setlk}; {@code node} is null only for a handle whose open never reached the kernel. */
    @Override
    public void flock(Request r, PathNode node, Open<H> open, long owner, int type, boolean sleep)
            throws ErrnoException {
        PathNode n = node != null ? node : open.node;
        if (sleep) {
            fs.flock(r, pathNow(n), handle(open), owner, type, true);
            return;
        }
        long stamp = tree.readLock();
        try {
            fs.flock(r, n.path, handle(open), owner, type, false);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public void fsync(Request r, PathNode n, Open<H> open, boolean datasync) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            fs.fsync(r, n.path, open == null ? null : open.handle, datasync);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public void release(Request r, PathNode node, Open<H> open, int flags) throws ErrnoException {
        PathNode n = node != null ? node : open.node;
        int left;
        long stamp = tree.readLock();
        try {
            left = n.released();
            fs.release(r, n.path, open == null ? null : open.handle);
        } finally {
            tree.unlockRead(stamp);
        }
        if (left == 0 && n.hidden) unlinkHidden(r, n);
    }

    /** The last release of a file unlinked while open: its hidden name goes too. */
    private void unlinkHidden(Request r, PathNode n) throws ErrnoException {
        long stamp = tree.writeLock();
        try {
            if (!n.hidden || n.isOpen()) return; // opened again meanwhile (through the handle's node)
            n.hidden = false;
            byPath.remove(n.path, n);
            n.gone = true;
            fs.unlink(r, n.path);
        } finally {
            tree.unlockWrite(stamp);
        }
    }

    // ---- extended attributes (of the node's current path; an open file's hidden name while unlinked) ----

    @Override
    public void setxattr(Request r, PathNode n, String name, byte[] value, int flags) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            fs.setxattr(r, existing(n), name, value, flags);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public byte[] getxattr(Request r, PathNode n, String name) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            return fs.getxattr(r, existing(n), name);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public List<String> listxattr(Request r, PathNode n) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            return fs.listxattr(r, existing(n));
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public void removexattr(Request r, PathNode n, String name) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            fs.removexattr(r, existing(n), name);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    // ---- directories ----

    @Override
    public Opened<Open<H>> opendir(Request r, PathNode n, int flags) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            existing(n);
            return Opened.of(new Open<>(n, null));
        } finally {
            tree.unlockRead(stamp);
        }
    }

    /**
     * Offsets: 1 after {@code .}, 2 after {@code ..}, {@code i + 3} after the driver's entry {@code i}. The
     * listing is taken from the driver at offset 0 and paged from that snapshot.
     */
    @Override
    public void readdir(Request r, PathNode dir, Open<H> open, long offset, DirectoryFiller<PathNode> out)
            throws ErrnoException {
        long stamp = tree.readLock();
        try {
            String path = existing(dir);
            synchronized (open) {
                if (offset == 0 || open.listing == null) {
                    Listing listing = new Listing();
                    try {
                        fs.readdir(r, path, listing);
                    } finally {
                        listing.close();
                    }
                    open.listing = listing;
                }
                Listing listing = open.listing;
                if (offset < 1 && !out.add(".", dir.ino, FileMode.S_IFDIR, 1)) return;
                if (offset < 2 && !out.add("..", UNKNOWN_INO, FileMode.S_IFDIR, 2)) return;
                for (int i = (int) Math.max(0, offset - 2); i < listing.size(); i++) {
                    String name = listing.name(i);
                    // A node the kernel knows shows the inode number stat gives it; the others are unknown.
                    PathNode n = byPath.get(child(path, name));
                    if (n != null && n.hidden) continue;
                    if (!out.add(name, n == null ? UNKNOWN_INO : n.ino, listing.mode(i), i + 3)) return;
                }
            }
        } finally {
            tree.unlockRead(stamp);
        }
    }

    /** The kernel asks only without default_permissions (access(2), chdir(2)); ENOSYS grants from then on. */
    @Override
    public void access(Request r, PathNode n, int mask) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            fs.access(r, existing(n), mask);
        } finally {
            tree.unlockRead(stamp);
        }
    }

    @Override
    public StatFs statfs(Request r, PathNode n) throws ErrnoException {
        long stamp = tree.readLock();
        try {
            return fs.statfs(r, existing(n));
        } finally {
            tree.unlockRead(stamp);
        }
    }
}
