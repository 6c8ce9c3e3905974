package dev.j4l.drivers.memfs;

import java.util.Set;
import dev.j4l.fuse.FuseCapability;
import dev.j4l.fuse.Attr;
import dev.j4l.fuse.Created;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.DirectoryFiller;
import dev.j4l.fuse.Entry;
import dev.j4l.fuse.FileLock;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.Opened;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.SetAttr;
import dev.j4l.fuse.StatFs;
import dev.j4l.kernel.Credentials;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileNames;
import dev.j4l.kernel.Fs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * memfs as a FUSE driver: translates each request into a {@link MemFs} operation. The node type is memfs's
 * own {@link Node}; open files are {@link OpenFile} handles.
 *
 * <p>Mount it with {@code default_permissions} (see {@link #mountOptions}): the kernel then checks modes,
 * owners and sticky directories with the caller's full credentials.
 */
public final class MemFsDriver implements FuseFilesystem<Node, MemFsDriver.OpenFile> {
    /** The state of one open file or directory. */
    public static final class OpenFile {
        final Node node;
        final boolean append;
        final boolean noatime;
        /** The flock owner seen on this open file, released with it (0: none). */
        volatile long flockOwner;

        OpenFile(Node node, int flags) {
            this.node = node;
            this.append = (flags & Fs.O_APPEND) != 0;
            this.noatime = (flags & Fs.O_NOATIME) != 0;
        }
    }

    private final MemFs fs;
    private final int openFlags;
    private final Set<FuseCapability> capabilities;

    /** memfs without the kernel's page cache for file data (see {@link #MemFsDriver(MemFs, boolean)}). */
    public MemFsDriver(MemFs fs) {
        this(fs, false);
    }

    /**
     * @param pageCache let the kernel cache file data ({@code KEEP_CACHE}: safe, since every change reaches
     *     memfs through this mount): re-reads then run at page-cache speed, but every cached byte is held
     *     twice, in the kernel and in memfs. Without it ({@code FOPEN_DIRECT_IO}) each read and write goes to
     *     memfs in requests of up to max_write bytes (buffered writes would arrive page by page), data lives
     *     once, and shared mmap still works (DIRECT_IO_ALLOW_MMAP).
     */
    public MemFsDriver(MemFs fs, boolean pageCache) {
        this(fs, pageCache, false);
    }

    /**
     * @param exportHandles file handles ({@code name_to_handle_at}, NFS export) keep working after the kernel
     *     dropped the inode: the framework then remembers every forgotten node while memfs has it, which costs
     *     metadata-heavy work about a tenth (BENCHMARKS.md, "Export support")
     */
    public MemFsDriver(MemFs fs, boolean pageCache, boolean exportHandles) {
        this.fs = fs;
        this.openFlags = pageCache ? Opened.KEEP_CACHE : Opened.DIRECT_IO | Opened.PARALLEL_DIRECT_WRITES;
        this.capabilities = exportHandles
                ? Set.of(FuseCapability.POSIX_LOCKS, FuseCapability.FLOCK_LOCKS, FuseCapability.EXPORT)
                : Set.of(FuseCapability.POSIX_LOCKS, FuseCapability.FLOCK_LOCKS);
    }

    public MemFs filesystem() {
        return fs;
    }

    /**
     * How memfs is meant to be mounted: the kernel checks permissions ({@code default_permissions}), other
     * users may enter ({@code allow_other}; the modes decide what they may do), and the kernel caches names and
     * attributes for a second, which is safe because every change reaches memfs through this kernel mount.
     */
    public static MountOptions mountOptions() {
        return MountOptions.builder().fsname("memfs").subtype("memfs").allowOther(true).defaultPermissions(true)
                .timeouts(Duration.ofSeconds(1)).build();
    }

    /**
     * Mounts a new, empty memfs of at most {@code sizeLimit} bytes at {@code mountpoint}; its root belongs to the
     * calling process's user. Closing the returned mount unmounts it.
     *
     * {@snippet class=dev.j4l.drivers.memfs.MemFsExampleTest region=mount}
     */
    public static FuseMount<Node> mount(Path mountpoint, long sizeLimit) throws IOException {
        return mount(mountpoint, sizeLimit, mountOptions(), false);
    }

    /** Like {@link #mount(Path, long)} with other mount options, and the page cache on or off. */
    public static FuseMount<Node> mount(Path mountpoint, long sizeLimit, MountOptions options, boolean pageCache)
            throws IOException {
        return mount(mountpoint, sizeLimit, options, pageCache, false);
    }

    /** Like {@link #mount(Path, long, MountOptions, boolean)}, with file handles that outlive the kernel's cache. */
    public static FuseMount<Node> mount(Path mountpoint, long sizeLimit, MountOptions options, boolean pageCache,
            boolean exportHandles) throws IOException {
        MemFsDriver driver = new MemFsDriver(new MemFs(sizeLimit, Credentials.euid(), Credentials.egid(), 0755),
                pageCache, exportHandles);
        try {
            return FuseMount.mount(mountpoint, driver, options);
        } catch (IOException | RuntimeException e) {
            driver.destroy();
            throw e;
        }
    }

    private static Entry<Node> entry(Node n) {
        n.lock.readLock().lock();
        try {
            return Entry.of(n, n.attr());
        } finally {
            n.lock.readLock().unlock();
        }
    }

    private static Attr attr(Node n) {
        n.lock.readLock().lock();
        try {
            return n.attr();
        } finally {
            n.lock.readLock().unlock();
        }
    }

    @Override
    public Set<FuseCapability> capabilities() {
        return capabilities;
    }

    @Override
    public Node root() {
        return fs.root();
    }

    @Override
    public Entry<Node> lookup(Request r, Node parent, String name) throws ErrnoException {
        // "." and ".." come only from file handles (export support), for a node the kernel may have forgotten.
        if (name.equals(".")) return entry(fs.refind(parent));
        if (name.equals("..")) return entry(fs.parentOf(parent));
        Node n = fs.lookup(parent, name);
        if (n == null) throw new ErrnoException(Errno.ENOENT);
        return entry(n);
    }

    @Override
    public void forget(Node node) {
        fs.forget(node);
    }

    @Override
    public Attr getattr(Request r, Node node, OpenFile handle) {
        return attr(node);
    }

    @Override
    public Attr setattr(Request r, Node node, OpenFile handle, SetAttr changes) throws ErrnoException {
        fs.setattr(node, changes);
        return attr(node);
    }

    @Override
    public String readlink(Request r, Node node) throws ErrnoException {
        return FileNames.decode(fs.readlink(node));
    }

    @Override
    public Entry<Node> symlink(Request r, Node parent, String name, String target) throws ErrnoException {
        byte[] t = FileNames.encode(target);
        if (t.length >= Fs.PATH_MAX) throw new ErrnoException(Errno.ENAMETOOLONG);
        return entry(fs.create(parent, name, FileMode.S_IFLNK | 0777, 0, 0, t, r.uid(), r.gid()));
    }

    @Override
    public Entry<Node> mknod(Request r, Node parent, String name, int mode, int rdev) throws ErrnoException {
        return entry(fs.create(parent, name, mode, 0, rdev, null, r.uid(), r.gid()));
    }

    @Override
    public Entry<Node> mkdir(Request r, Node parent, String name, int mode) throws ErrnoException {
        return entry(fs.create(parent, name, FileMode.S_IFDIR | (mode & 07777), 0, 0, null, r.uid(), r.gid()));
    }

    @Override
    public void unlink(Request r, Node parent, String name) throws ErrnoException {
        fs.unlink(parent, name);
    }

    @Override
    public void rmdir(Request r, Node parent, String name) throws ErrnoException {
        fs.rmdir(parent, name);
    }

    @Override
    public void rename(Request r, Node parent, String name, Node newParent, String newName, int flags)
            throws ErrnoException {
        fs.rename(parent, name, newParent, newName, flags);
    }

    @Override
    public Entry<Node> link(Request r, Node node, Node newParent, String newName) throws ErrnoException {
        return entry(fs.link(node, newParent, newName));
    }

    @Override
    public Opened<OpenFile> open(Request r, Node node, int flags) throws ErrnoException {
        if ((flags & Fs.O_TRUNC) != 0 && (flags & Fs.O_ACCMODE) != 0) fs.truncateOnOpen(node);
        // The page cache may be kept across opens: every change to the data comes through this kernel mount.
        return Opened.of(new OpenFile(node, flags), openFlags);
    }

    @Override
    public Created<Node, OpenFile> create(Request r, Node parent, String name, int mode, int flags)
            throws ErrnoException {
        Node n;
        try {
            n = fs.create(parent, name, FileMode.S_IFREG | (mode & 07777), 0, 0, null, r.uid(), r.gid());
        } catch (ErrnoException e) {
            // Someone created the name since the kernel's lookup: without Fs.O_EXCL, open what is there.
            if (e.errno() != Errno.EEXIST || (flags & Fs.O_EXCL) != 0) throw e;
            n = fs.lookup(parent, name);
            if (n == null) throw e;
            if (n.isDir()) throw new ErrnoException(Errno.EISDIR);
            if ((flags & Fs.O_TRUNC) != 0) fs.truncateOnOpen(n);
        }
        return Created.of(entry(n), Opened.of(new OpenFile(n, flags), openFlags));
    }

    @Override
    public Created<Node, OpenFile> tmpfile(Request r, Node parent, int mode, int flags) throws ErrnoException {
        Node n = fs.tmpfile(parent, mode, r.uid(), r.gid(), (flags & Fs.O_EXCL) == 0);
        return Created.of(entry(n), Opened.of(new OpenFile(n, flags)));
    }

    @Override
    public void read(Request r, Node node, OpenFile handle, long offset, int size, DataSink out)
            throws ErrnoException {
        fs.read(node, offset, out, size, handle != null && handle.noatime);
    }

    @Override
    public int write(Request r, Node node, OpenFile handle, long offset, DataSource data, int writeFlags)
            throws ErrnoException {
        return fs.write(node, offset, handle != null && handle.append, (writeFlags & FUSE_WRITE_KILL_SUIDGID) != 0, data);
    }

    @Override
    public StatFs statfs(Request r, Node node) {
        long free = fs.freeBlocks();
        return new StatFs(fs.totalBlocks(), free, free, fs.totalInodes(), fs.freeInodes(), MemFs.BLOCK_SIZE,
                Fs.NAME_MAX, MemFs.BLOCK_SIZE);
    }

    @Override
    public void flush(Request r, Node node, OpenFile handle, long lockOwner) {
        fs.releasePosixLocks(node, lockOwner);
    }

    @Override
    public void release(Request r, Node node, OpenFile handle, int flags) {
        if (handle != null && handle.flockOwner != 0) fs.releaseFlocks(node, handle.flockOwner);
    }

    @Override
    public void fsync(Request r, Node node, OpenFile handle, boolean datasync) {
        // Memory is as durable as memfs gets.
    }

    @Override
    public void setxattr(Request r, Node node, String name, byte[] value, int flags) throws ErrnoException {
        fs.setxattr(node, name, value, flags);
    }

    @Override
    public byte[] getxattr(Request r, Node node, String name) throws ErrnoException {
        return fs.getxattr(node, name);
    }

    @Override
    public List<String> listxattr(Request r, Node node) {
        byte[] list = fs.listxattr(node);
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < list.length; i++) {
            if (list[i] == 0) {
                String name = FileNames.decode(list, start, i - start);
                // Local filesystems list trusted.* only to CAP_SYS_ADMIN; for FUSE the kernel leaves that filtering
                // to us, and root is the capable caller we can recognise.
                if (r.uid() == 0 || !name.startsWith("trusted.")) names.add(name);
                start = i + 1;
            }
        }
        return names;
    }

    @Override
    public void removexattr(Request r, Node node, String name) throws ErrnoException {
        fs.removexattr(node, name);
    }

    @Override
    public Opened<OpenFile> opendir(Request r, Node node, int flags) throws ErrnoException {
        if (!node.isDir()) throw new ErrnoException(Errno.ENOTDIR);
        // The kernel may cache listings and keep them across opens: it drops them itself whenever the directory
        // changes through this mount, which is the only way it changes.
        return Opened.of(new OpenFile(node, flags), Opened.CACHE_DIR | Opened.KEEP_CACHE);
    }

    @Override
    public void readdir(Request r, Node dir, OpenFile handle, long offset, DirectoryFiller<Node> out)
            throws ErrnoException {
        if (offset == 0 && !out.add(".", dir.ino, dir.mode, 1)) return;
        if (offset <= 1) {
            Node parent = dir.parent == null ? dir : dir.parent;
            if (!out.add("..", parent.ino, parent.mode, 2)) return;
        }
        boolean plus = out.plus();
        dir.lock.readLock().lock();
        try {
            if (dir.dir == null) throw new ErrnoException(Errno.ENOTDIR);
            for (Directory.Entry e : dir.dir.after(Math.max(offset, 2))) {
                Node n = e.node;
                boolean fit;
                // In plus mode the entry carries the child's attributes. The child's lock is only tried: waiting
                // for it while holding the directory's lock would break the inode-order rule; an entry whose
                // child is busy is listed without attributes.
                if (plus && n.lock.readLock().tryLock()) {
                    Attr a;
                    try {
                        a = n.attr();
                    } finally {
                        n.lock.readLock().unlock();
                    }
                    n.known = true;
                    fit = out.add(e.name, Entry.of(n, a), e.cookie);
                } else {
                    fit = out.add(e.name, n.ino, n.mode, e.cookie);
                }
                if (!fit) break;
            }
        } finally {
            dir.lock.readLock().unlock();
        }
        if (offset == 0) fs.touchAtime(dir);
    }

    // ---------------------------------------------------------------- locks

    private static int checkType(int type) throws ErrnoException {
        if (type != FileLock.F_RDLCK && type != FileLock.F_WRLCK && type != FileLock.F_UNLCK) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return type;
    }

    @Override
    public FileLock getlk(Request r, Node node, OpenFile handle, long owner, FileLock lock) throws ErrnoException {
        RangeLocks.Held h = fs.getlk(node, false, owner, checkType(lock.type()), lock.start(), lock.end());
        return h == null ? FileLock.unlocked(lock) : new FileLock(h.start(), h.end(), h.type(), h.pid());
    }

    @Override
    public void setlk(Request r, Node node, OpenFile handle, long owner, FileLock lock, boolean sleep)
            throws ErrnoException {
        lockOrWait(r, node, false, owner, lock.pid(), checkType(lock.type()), lock.start(), lock.end(), sleep);
    }

    @Override
    public void flock(Request r, Node node, OpenFile handle, long owner, int type, boolean sleep)
            throws ErrnoException {
        if (handle != null) handle.flockOwner = owner;
        lockOrWait(r, node, true, owner, r.pid(), checkType(type), 0, Long.MAX_VALUE, sleep);
    }

    private void lockOrWait(Request r, Node node, boolean flock, long owner, int pid, int type, long start, long end,
            boolean sleep) throws ErrnoException {
        if (start < 0 || end < start) throw new ErrnoException(Errno.EINVAL);
        if (fs.setlk(node, flock, owner, pid, type, start, end, null)) return;
        if (!sleep) throw new ErrnoException(Errno.EAGAIN);
        // Blocking: answer later, from whichever thread frees the range, so no worker thread waits.
        Deferred<Void> answer = r.defer();
        DeferredWaiter waiter = new DeferredWaiter(answer);
        if (fs.setlk(node, flock, owner, pid, type, start, end, waiter)) {
            answer.complete(null);
            return;
        }
        // A signal to the waiting caller ends the wait: the kernel interrupts the request, and this runs.
        answer.onInterrupt(() -> fs.abandon(node, waiter));
    }

    @Override
    public void fallocate(Request r, Node node, OpenFile handle, int mode, long offset, long length)
            throws ErrnoException {
        fs.fallocate(node, mode, offset, length);
    }

    @Override
    public long lseek(Request r, Node node, OpenFile handle, long offset, int whence) throws ErrnoException {
        return fs.seek(node, offset, whence);
    }

    /** A waiting lock answered through the framework's deferred reply. */
    private static final class DeferredWaiter extends LockWaiter {
        private final Deferred<Void> answer;

        DeferredWaiter(Deferred<Void> answer) {
            this.answer = answer;
        }

        @Override
        void grant() {
            // If the caller was interrupted meanwhile the answer is dropped; the lock then goes with the owner's
            // next close (flush) like any other.
            answer.complete(null);
        }

        @Override
        void interrupted() {
            answer.fail(Errno.EINTR);
        }

        @Override
        boolean isDone() {
            return answer.isDone();
        }
    }
}
