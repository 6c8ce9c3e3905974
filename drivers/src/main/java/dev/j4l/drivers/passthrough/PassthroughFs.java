package dev.j4l.drivers.passthrough;

import java.util.Set;
import dev.j4l.fuse.FuseCapability;
import dev.j4l.fuse.Attr;
import dev.j4l.fuse.BackingId;
import dev.j4l.fuse.Created;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.DirectoryFiller;
import dev.j4l.fuse.Entry;
import dev.j4l.fuse.FileLock;
import dev.j4l.fuse.FuseConnection;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.Opened;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.SetAttr;
import dev.j4l.fuse.StatFs;
import dev.j4l.fuse.Statx;
import dev.j4l.kernel.Credentials;
import dev.j4l.kernel.DirectoryReader;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileLocks;
import dev.j4l.kernel.FileStat;
import dev.j4l.kernel.FileSystemStat;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OpenFileLimit;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.PathFds;
import dev.j4l.kernel.Xattrs;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * passthroughfs: mirrors a directory of the host at the mount point, inode by inode, like libfuse's
 * {@code passthrough_hp}.
 *
 * <p><b>Security.</b> Every node is an O_PATH descriptor and every operation takes a single name relative to
 * a directory descriptor ({@code openat2} with {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS}, the *at calls
 * never following a symlink), so nothing can resolve outside the source tree: not "..", not a symlink
 * (absolute or relative), not a directory renamed while a lookup runs. The kernel checks permissions
 * ({@code default_permissions}); when the daemon is root, files, directories, nodes and symlinks are created
 * with the caller's fsuid/fsgid on the worker thread, so they belong to the caller.
 *
 * <p><b>Speed.</b> With FUSE passthrough (Linux 6.9+, CAP_SYS_ADMIN) an open file is backed by the source
 * file itself: reads, writes and mmap go from the kernel to the backing file without reaching the daemon.
 * Without it, reads and writes move straight between the source file and the FUSE buffers
 * ({@code pread}/{@code pwrite}, no copy through the Java heap) and the kernel's writeback cache is on.
 *
 * {@snippet class=dev.j4l.drivers.passthrough.PassthroughExample region=mount}
 */
public final class PassthroughFs implements FuseFilesystem<Node, Handle> {
    private static final System.Logger LOG = System.getLogger("dev.j4l.drivers.passthrough");

    private record Key(long dev, long ino) {}

    private final PassthroughOptions options;
    private final Node root;
    private final ConcurrentHashMap<Key, Node> nodes = new ConcurrentHashMap<>();
    private final DescriptorBudget budget;
    private static final int DIR_BUFFER = 32 * 1024;
    private final java.util.concurrent.ConcurrentLinkedQueue<NativeBuffer> dirBuffers =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger dirBufferCount = new java.util.concurrent.atomic.AtomicInteger();
    /** Root daemon: create-type operations run with the caller's fsuid/fsgid. */
    private final boolean actAsCaller;
    private final int ownUid;
    private final int ownGid;
    private volatile FuseConnection<Node> connection;
    /** Passthrough in use: negotiated, and the kernel has not refused a backing file. */
    private volatile boolean passthrough;
    private volatile boolean writeback;
    /**
     * The daemon's umask. The kernel has applied the caller's umask to every mode it sends; where the
     * daemon's own would take more bits away, the new file gets its mode set explicitly.
     */
    private final int umask;
    /** Reads and writes the daemon served itself (with passthrough the kernel does them). */
    private final LongAdder servedIo = new LongAdder();

    /** Opens the source directory. */
    public PassthroughFs(PassthroughOptions options) throws IOException {
        this.options = options;
        this.noSuchName = options.timeout().isZero() ? null : Entry.negative(options.timeout().toNanos());
        OwnedFd fd;
        try {
            fd = Fs.open(options.source().toString(), Fs.O_PATH | Fs.O_DIRECTORY);
        } catch (KernelException e) {
            throw new IOException("cannot mirror " + options.source() + ": " + e.getMessage(), e);
        }
        FileStat st = Fs.stat(fd);
        this.budget = new DescriptorBudget(nodeDescriptorLimit(options));
        budget.attach(nodes.values(), () -> connection == null ? null : connection.notifier());
        this.root = new Node(st, fd, null, null, budget);
        nodes.put(new Key(st.dev(), st.ino()), root);
        this.ownUid = Credentials.euid();
        this.ownGid = Credentials.egid();
        this.actAsCaller = ownUid == 0;
        this.umask = Credentials.umask();
    }

    /**
     * How many node descriptors the daemon may hold: the open-file limit it can reach, less room for open
     * files, directories and the framework's own ({@code j4l.passthrough.maxNodes} overrides, for tests).
     */
    private static int nodeDescriptorLimit(PassthroughOptions options) {
        Integer forced = Integer.getInteger("j4l.passthrough.maxNodes");
        if (forced != null) return forced;
        long limit;
        try {
            limit = Math.max(OpenFileLimit.current(), OpenFileLimit.raiseToMaximum());
        } catch (KernelException e) {
            limit = 1024;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(256, limit - Math.min(4096, limit / 4)));
    }

    /** Node descriptors open now (for tests). */
    int liveNodeDescriptors() {
        return budget.live();
    }

    /**
     * The mount's source as the mount table shows it: the mirrored directory, as bindfs and libfuse's
     * passthrough examples show theirs, so tools that find or unmount a mount by its source work. A path that
     * mount options cannot carry (a comma, '=', white space) is shown as {@code j4l-passthrough}.
     */
    static String fsname(java.nio.file.Path source) {
        String s = source.toAbsolutePath().normalize().toString();
        boolean carried = !s.isEmpty() && s.chars().noneMatch(c -> c == ',' || c == '=' || c == 0 || Character.isWhitespace(c));
        return carried ? s : "j4l-passthrough";
    }

    /** The FUSE options passthroughfs mounts with: tuned like the fastest peers. */
    public MountOptions mountOptions() {
        return MountOptions.builder()
                .fsname(fsname(options.source()))
                .subtype("passthrough")
                // With allow_other the kernel checks every caller's permissions. Without it only the mounting
                // user can enter, with the daemon's own ids, so the source filesystem's own checks on the daemon's
                // calls are the caller's checks — and the kernel need not fetch a directory's attributes again
                // (a GETATTR round trip) each time a create or unlink in it has changed them.
                .defaultPermissions(options.allowOther())
                .allowOther(options.allowOther())
                .readOnly(options.readOnly())
                .maxWrite(MountOptions.MAX_WRITE)
                .parallelDirops(true)
                .readdirplus(MountOptions.Readdirplus.AUTO)
                .timeouts(options.timeout())
                .passthrough(options.passthrough())
                // The kernel allows only one of them; the writeback cache pays off when the daemon serves I/O.
                .writebackCache(!options.passthrough())
                .workers(options.workers())
                .ioUring(options.ioUring())
                .build();
    }

    /** Mounts a mirror of {@code options.source()} at {@code mountpoint}. */
    public static FuseMount<Node> mount(Path mountpoint, PassthroughOptions options) throws IOException {
        PassthroughFs fs = new PassthroughFs(options);
        return FuseMount.mount(mountpoint, fs, fs.mountOptions());
    }

    @Override
    public Set<FuseCapability> capabilities() {
        return options.exportHandles() ? Set.of(FuseCapability.FLOCK_LOCKS, FuseCapability.EXPORT)
                : Set.of(FuseCapability.FLOCK_LOCKS);
    }

    @Override
    public Node root() {
        return root;
    }

    @Override
    public void init(FuseConnection<Node> c) {
        this.connection = c;
        this.writeback = c.writebackCache();
        this.passthrough = options.passthrough() && c.passthrough();
        LOG.log(Level.INFO, () -> "passthroughfs: mirroring " + options.source() + " (passthrough "
                + (passthrough ? "on" : "off") + ", writeback cache " + (writeback ? "on" : "off") + ")");
    }

    @Override
    public void destroy() {
        for (Node n : nodes.values()) if (n != root) n.close();
    }

    /** Whether open files are being handed to the kernel (for tests and the CLI). */
    public boolean passthroughActive() {
        return passthrough;
    }

    /** How many READ and WRITE requests reached the daemon. */
    public long servedIo() {
        return servedIo.sum();
    }

    // ---- names ----

    /** The answer to a lookup of a name the source lacks (one immutable value), or null when not cached. */
    private final Entry<Node> noSuchName;

    @Override
    public Entry<Node> lookup(Request r, Node parent, String name) throws ErrnoException {
        // "." and ".." come only from file handles (export support), for a node the kernel may have forgotten.
        if (name.equals(".")) {
            Node n = refind(parent);
            return Entry.of(n, attr(Fs.stat(n.fd())));
        }
        if (name.equals("..")) {
            Node p = parentOf(parent);
            return Entry.of(p, attr(Fs.stat(p.fd())));
        }
        parent.childLookedUp();
        try {
            return entry(parent, name);
        } catch (ErrnoException e) {
            // "No such name" is cached like names that exist: for the same time, and undone by the kernel when a
            // name is made through the mount. (Tools look up many names before creating them: unzip, tar, cp.)
            if (e.errno() == Errno.ENOENT && noSuchName != null) return noSuchName;
            throw e;
        }
    }

    /** Finds {@code name} in {@code parent} and returns its node, known or new. */
    private Entry<Node> entry(Node parent, String name) throws ErrnoException {
        Found f = find(parent, name);
        return Entry.of(f.node, attr(f.stat));
    }

    /** A node and its attributes; {@code fresh} when this lookup made the node. */
    private record Found(Node node, FileStat stat, boolean fresh) {}

    /**
     * One statx of the name, nothing opened: a node's descriptor is opened on its first use, so lookups (and
     * readdirplus entries) that the kernel only needs attributes for cost one system call, and FORGET of a
     * node that was never used closes nothing.
     */
    private Found find(Node parent, String name) throws ErrnoException {
        FileStat st = Fs.stat(parent.fd(), Lookup.check(name), Fs.AT_SYMLINK_NOFOLLOW | Fs.AT_NO_AUTOMOUNT);
        return adopt(null, st, parent, name);
    }

    /**
     * The node of inode {@code st}: the known one (closing {@code fd}) or a new one keeping {@code fd} (which
     * may be null: opened on first use from {@code parent} and {@code name}).
     */
    private Found adopt(OwnedFd fd, FileStat st, Node parent, String name) {
        Key k = new Key(st.dev(), st.ino());
        Node fresh = null;
        while (true) {
            Node known = nodes.get(k);
            if (known != null && known.isLive()) {
                if (fd != null) fd.close();
                known.foundAt(parent, name);
                return new Found(known, st, false);
            }
            if (fresh == null) fresh = new Node(st, fd, parent, name, budget);
            if (known == null ? nodes.putIfAbsent(k, fresh) == null : nodes.replace(k, known, fresh)) {
                return new Found(fresh, st, true);
            }
        }
    }

    /**
     * {@code n} named by a file handle: the known node, or the forgotten one brought back if its inode is still
     * where it was last found. ESTALE for an inode that is gone, or known now as another node.
     */
    private Node refind(Node n) throws ErrnoException {
        if (n == root) return root;
        Key k = new Key(n.dev, n.ino);
        Node known = nodes.get(k);
        if (known == n && n.isLive()) return n;
        if (known != null && known.isLive()) throw new ErrnoException(Errno.ESTALE, "inode known as another node");
        n.revive();
        if (known == null ? nodes.putIfAbsent(k, n) != null : !nodes.replace(k, known, n)) {
            n.close();
            throw new ErrnoException(Errno.ESTALE, "inode found again meanwhile");
        }
        return n;
    }

    /** The directory {@code dir} is in, as last found and checked against the source; the root's is the root. */
    private Node parentOf(Node dir) throws ErrnoException {
        if (dir == root) return root;
        Node p = dir.parentHint();
        if (p == null) throw new ErrnoException(Errno.ESTALE);
        FileStat up = Fs.stat(dir.fd(), "..", Fs.AT_SYMLINK_NOFOLLOW);
        if (up.dev() != p.dev || up.ino() != p.ino) throw new ErrnoException(Errno.ESTALE, "moved behind the mount");
        return refind(p);
    }

    @Override
    public void forget(Node node) {
        if (node == root) return;
        nodes.remove(new Key(node.dev, node.ino), node);
        node.close();
    }

    /** Sent only without default_permissions, i.e. when the caller has the daemon's own ids. */
    @Override
    public void access(Request r, Node node, int mask) throws ErrnoException {
        Fs.access(node.fd(), "", mask, Fs.AT_EMPTY_PATH | Fs.AT_EACCESS);
    }

    // ---- attributes ----

    static Attr attr(FileStat s) {
        return new Attr(s.ino(), s.size(), s.blocks(), nanos(s.atimeSec(), s.atimeNsec()),
                nanos(s.mtimeSec(), s.mtimeNsec()), nanos(s.ctimeSec(), s.ctimeNsec()), s.mode(),
                (int) Math.min(s.nlink(), Integer.MAX_VALUE), s.uid(), s.gid(), (int) s.rdev(), s.blksize());
    }

    private static long nanos(long sec, int nsec) {
        return sec * 1_000_000_000L + nsec;
    }

    private static OwnedFd fdOf(Node node, Handle h) throws ErrnoException {
        return h != null ? h.fd() : node.fd();
    }

    @Override
    public Attr getattr(Request r, Node node, Handle h) throws ErrnoException {
        return attr(Fs.stat(fdOf(node, h)));
    }

    @Override
    public Statx statx(Request r, Node node, Handle h, int flags, int mask) throws ErrnoException {
        if (!options.birthTime()) throw FuseFilesystem.enosys(); // the kernel answers from its cache from now on
        // Only the sync-type bits of the caller's flags matter here; the node itself is never followed.
        int sync = flags & 0x6000;
        FileStat s = Fs.statx(fdOf(node, h), "", Fs.AT_EMPTY_PATH | Fs.AT_SYMLINK_NOFOLLOW | sync,
                mask | Fs.STATX_BASIC_STATS);
        return new Statx(attr(s), s.mask() & (Fs.STATX_BASIC_STATS | Fs.STATX_BTIME),
                nanos(s.btimeSec(), s.btimeNsec()), 0, 0);
    }

    @Override
    public Attr setattr(Request r, Node node, Handle h, SetAttr c) throws ErrnoException {
        if (c.hasMode()) {
            if (node.isSymlink()) throw new ErrnoException(Errno.EOPNOTSUPP, "symlinks have no mode");
            if (h != null) Fs.chmod(h.fd(), c.mode() & 07777);
            else PathFds.chmod(node.fd(), c.mode() & 07777);
        }
        if (c.hasUid() || c.hasGid()) {
            Fs.chown(node.fd(), c.hasUid() ? c.uid() : -1, c.hasGid() ? c.gid() : -1);
        }
        if (c.hasSize()) {
            if (h instanceof Handle.File f) {
                Fs.truncate(f.fd(), c.size());
            } else {
                if (!node.isRegularFile()) throw new ErrnoException(node.isDirectory() ? Errno.EISDIR : Errno.EINVAL);
                try (OwnedFd w = PathFds.reopen(node.fd(), Fs.O_WRONLY)) {
                    Fs.truncate(w, c.size());
                }
            }
        }
        if (!(c.atime() instanceof SetAttr.TimeChange.Omit) || !(c.mtime() instanceof SetAttr.TimeChange.Omit)) {
            long[] a = time(c.atime());
            long[] m = time(c.mtime());
            Fs.utimens(node.fd(), "", a[0], a[1], m[0], m[1], Fs.AT_EMPTY_PATH | Fs.AT_SYMLINK_NOFOLLOW);
        }
        return attr(Fs.stat(fdOf(node, h)));
    }

    /** A utimensat timespec: UTIME_OMIT leaves the time alone (never "now"), UTIME_NOW is the kernel's now. */
    private static long[] time(SetAttr.TimeChange t) {
        return switch (t) {
            case SetAttr.TimeChange.Omit o -> new long[] {0, Fs.UTIME_OMIT};
            case SetAttr.TimeChange.Now n -> new long[] {0, Fs.UTIME_NOW};
            case SetAttr.TimeChange.At at -> new long[] {Math.floorDiv(at.epochNanos(), 1_000_000_000L),
                Math.floorMod(at.epochNanos(), 1_000_000_000L)};
        };
    }

    @Override
    public String readlink(Request r, Node node) throws ErrnoException {
        return Fs.readlink(node.fd(), "");
    }

    // ---- creating and removing ----

    @Override
    public Entry<Node> mkdir(Request r, Node parent, String name, int mode) throws ErrnoException {
        OwnedFd dir = parent.fd();
        asCaller(r, () -> {
            Fs.mkdir(dir, Lookup.check(name), mode);
            return null;
        });
        return withMode(entry(parent, name), mode);
    }

    @Override
    public Entry<Node> mknod(Request r, Node parent, String name, int mode, int rdev) throws ErrnoException {
        OwnedFd dir = parent.fd();
        asCaller(r, () -> {
            Fs.mknod(dir, Lookup.check(name), mode, Integer.toUnsignedLong(rdev));
            return null;
        });
        return withMode(entry(parent, name), mode);
    }

    /** Gives a node just made the mode the caller asked for, if the daemon's umask took bits from it. */
    private Entry<Node> withMode(Entry<Node> e, int mode) throws ErrnoException {
        if ((mode & 07777 & umask) == 0 || e.node().isSymlink()) return e;
        PathFds.chmod(e.node().fd(), mode & 07777);
        return Entry.of(e.node(), attr(Fs.stat(e.node().fd())));
    }

    @Override
    public Entry<Node> symlink(Request r, Node parent, String name, String target) throws ErrnoException {
        OwnedFd dir = parent.fd();
        asCaller(r, () -> {
            Fs.symlink(target, dir, Lookup.check(name));
            return null;
        });
        return entry(parent, name);
    }

    @Override
    public Entry<Node> link(Request r, Node node, Node newParent, String newName) throws ErrnoException {
        PathFds.link(node.fd(), newParent.fd(), Lookup.check(newName));
        node.foundAt(newParent, newName);
        return Entry.of(node, attr(Fs.stat(node.fd())));
    }

    @Override
    public void unlink(Request r, Node parent, String name) throws ErrnoException {
        Fs.unlink(parent.fd(), Lookup.check(name), 0);
    }

    @Override
    public void rmdir(Request r, Node parent, String name) throws ErrnoException {
        Fs.unlink(parent.fd(), Lookup.check(name), Fs.AT_REMOVEDIR);
    }

    @Override
    public void rename(Request r, Node parent, String name, Node newParent, String newName, int flags)
            throws ErrnoException {
        Fs.rename(parent.fd(), Lookup.check(name), newParent.fd(), Lookup.check(newName), flags);
        // The moved node is found by its new name from now on (and, exchanged, the other one by the old).
        rehint(newParent, newName);
        if ((flags & Fs.RENAME_EXCHANGE) != 0) rehint(parent, name);
    }

    private void rehint(Node parent, String name) {
        try {
            FileStat st = Fs.stat(parent.fd(), name, Fs.AT_SYMLINK_NOFOLLOW | Fs.AT_NO_AUTOMOUNT);
            Node n = nodes.get(new Key(st.dev(), st.ino()));
            if (n != null) n.foundAt(parent, name);
        } catch (ErrnoException e) {
            // renamed again meanwhile: the next lookup finds it
        }
    }

    @Override
    public Created<Node, Handle> create(Request r, Node parent, String name, int mode, int flags)
            throws ErrnoException {
        OwnedFd dir = parent.fd();
        // openat2 refuses the file type bits the kernel sends in the mode (S_IFREG) and unknown flags.
        // O_EXCL is kept: the kernel looks an O_EXCL name up afresh even over a cached negative entry, but the
        // source may gain the name between that lookup and this call.
        int f = fileFlags(flags) | Fs.O_CREAT | (flags & Fs.O_EXCL);
        OwnedFd file = asCaller(r, () -> Fs.openat2(dir, Lookup.check(name), f | Fs.O_NOFOLLOW,
                mode & 07777, Lookup.RESOLVE));
        return created(file, f, parent, name, mode);
    }

    @Override
    public Created<Node, Handle> tmpfile(Request r, Node parent, int mode, int flags) throws ErrnoException {
        OwnedFd dir = parent.fd();
        int f = (fileFlags(flags) & ~Fs.O_ACCMODE) | Fs.O_RDWR | Fs.O_TMPFILE;
        OwnedFd file = asCaller(r, () -> Fs.openat2(dir, ".", f, mode & 07777, Lookup.RESOLVE));
        return created(file, f, parent, null, mode);
    }

    /** The node and open handle of a file just created: its O_PATH descriptor is the very inode opened. */
    private Created<Node, Handle> created(OwnedFd file, int flags, Node parent, String name, int mode)
            throws ErrnoException {
        try {
            if ((mode & 07777 & umask) != 0) Fs.chmod(file, mode & 07777);
            FileStat st = Fs.stat(file);
            // A named file is found again by its name when needed; an unnamed one (O_TMPFILE) keeps a descriptor.
            Node node = adopt(name == null ? PathFds.reopen(file, Fs.O_PATH) : null, st, parent, name).node();
            return Created.of(Entry.of(node, attr(st)), opened(node, new Handle.File(file, flags)));
        } catch (ErrnoException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    // ---- open files ----

    /**
     * What the daemon's own descriptor keeps of the flags of an open the kernel forwards: how the file is read
     * and written. The rest is the kernel's business or refused by openat2, which fails with EINVAL on any bit
     * it does not know — and the kernel forwards its internal ones: an exec's open carries {@code __FMODE_EXEC}
     * (0x20), which made every program on the mirror fail to start.
     */
    private static final int FILE_FLAGS = Fs.O_ACCMODE | Fs.O_TRUNC | Fs.O_APPEND | Fs.O_NONBLOCK | Fs.O_DSYNC
            | Fs.O_SYNC | Fs.O_DIRECT | Fs.O_LARGEFILE | Fs.O_NOATIME;

    /** Flags for the daemon's own descriptor of a file the kernel opens. */
    private int fileFlags(int flags) {
        int f = flags & FILE_FLAGS;
        // O_DIRECT reaches the source only where the daemon does the I/O itself: with passthrough the kernel
        // does the direct I/O on the backing file, and one backing file serves every open of the inode. (The
        // writeback cache may flush pages through a direct open: see Handle.File.)
        if (passthrough) f &= ~Fs.O_DIRECT;
        if (writeback) {
            // The writeback cache reads pages of files opened write-only and appends at offsets it chose.
            if ((f & Fs.O_ACCMODE) == Fs.O_WRONLY) f = (f & ~Fs.O_ACCMODE) | Fs.O_RDWR;
            f &= ~Fs.O_APPEND;
        }
        return f;
    }

    @Override
    public Opened<Handle> open(Request r, Node node, int flags) throws ErrnoException {
        if (!node.isRegularFile()) {
            // Directories come through opendir; FIFOs and sockets are opened by the kernel itself.
            throw new ErrnoException(node.isDirectory() ? Errno.EISDIR : Errno.ENXIO, "not a regular file");
        }
        int f = fileFlags(flags);
        OwnedFd file = node.open(f);
        try {
            return opened(node, new Handle.File(file, f));
        } catch (ErrnoException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private Opened<Handle> opened(Node node, Handle.File h) throws ErrnoException {
        Opened<Handle> o = null;
        if (passthrough && node.isRegularFile()) {
            Optional<BackingId> lease = node.leaseBacking(connection, h.fd());
            if (lease.isPresent()) o = Opened.passthrough(h, lease.get());
            else passthrough = false; // the connection logged why; serve I/O from now on
        }
        if (o == null) {
            int f = Opened.PARALLEL_DIRECT_WRITES;
            if (!options.timeout().isZero()) f |= Opened.KEEP_CACHE;
            o = Opened.of(h, f);
        }
        node.opened(h);
        return o;
    }

    @Override
    public void read(Request r, Node node, Handle h, long offset, int size, DataSink out) throws ErrnoException {
        servedIo.increment();
        OwnedFd fd = h.fd();
        while (out.remaining() > 0) {
            int n;
            try {
                n = out.putFrom(fd, offset + out.length(), out.remaining());
            } catch (ErrnoException e) {
                if (fd != h.fd() || !unaligned(e, h)) throw e;
                fd = ((Handle.File) h).buffered(); // an unaligned O_DIRECT read, or the unaligned rest of one
                continue;
            }
            if (n == 0) break;
        }
    }

    @Override
    public int write(Request r, Node node, Handle h, long offset, DataSource data, int writeFlags)
            throws ErrnoException {
        servedIo.increment();
        try {
            data.writeTo(h.fd(), offset);
        } catch (ErrnoException e) {
            if (!unaligned(e, h)) throw e;
            data.writeTo(((Handle.File) h).buffered(), offset); // the same bytes at the same place: rewriting is safe
        }
        return data.size();
    }

    /** EINVAL from a descriptor opened O_DIRECT: the request was not aligned for direct I/O. */
    private static boolean unaligned(ErrnoException e, Handle h) {
        return e.errno() == Errno.EINVAL && h instanceof Handle.File f && f.direct();
    }

    @Override
    public void release(Request r, Node node, Handle h, int flags) {
        if (h instanceof Handle.File f) {
            node.released(f);
            f.close();
        }
        else if (h != null) h.fd().close();
    }

    @Override
    public void fsync(Request r, Node node, Handle h, boolean datasync) throws ErrnoException {
        if (h == null) return;
        if (datasync) Fs.fdatasync(h.fd());
        else Fs.fsync(h.fd());
    }

    @Override
    public void fallocate(Request r, Node node, Handle h, int mode, long offset, long length) throws ErrnoException {
        Fs.allocate(h.fd(), mode, offset, length);
    }

    @Override
    public long lseek(Request r, Node node, Handle h, long offset, int whence) throws ErrnoException {
        long pos = Fs.seek(h.fd(), offset, whence);
        if (pos < 0) throw new ErrnoException(Errno.ENXIO);
        return pos;
    }

    @Override
    public long copyFileRange(Request r, Node in, Handle inHandle, long inOffset, Node out, Handle outHandle,
            long outOffset, long length, long flags) throws ErrnoException {
        if (flags != 0) throw new ErrnoException(Errno.EINVAL);
        return Fs.copyFileRange(inHandle.fd(), inOffset, outHandle.fd(), outOffset, length);
    }

    /** flock(2) on the daemon's descriptor of this open file: it is one open file description per open. */
    @Override
    public void flock(Request r, Node node, Handle h, long owner, int type, boolean sleep) throws ErrnoException {
        int op = switch (type) {
            case FileLock.F_RDLCK -> FileLocks.LOCK_SH;
            case FileLock.F_WRLCK -> FileLocks.LOCK_EX;
            default -> FileLocks.LOCK_UN;
        };
        if (op == FileLocks.LOCK_UN || !sleep) {
            if (!FileLocks.flock(h.fd(), op | FileLocks.LOCK_NB)) throw new ErrnoException(Errno.EAGAIN);
            return;
        }
        if (FileLocks.flock(h.fd(), op | FileLocks.LOCK_NB)) return;
        // A waiting lock must not hold a worker (the holder's unlock needs one). A blocking flock(2) cannot be
        // called off from Java once it sleeps, so a thread of its own retries without blocking until the lock is
        // free; a signal to the caller answers EINTR at once through the interrupt callback and ends the retries.
        var answer = r.<Void>defer();
        answer.onInterrupt(() -> answer.fail(Errno.EINTR));
        Thread.ofPlatform().daemon().name("passthroughfs-flock").start(() -> {
            long pause = 1;
            try {
                while (!FileLocks.flock(h.fd(), op | FileLocks.LOCK_NB)) {
                    if (answer.isDone()) return;
                    Thread.sleep(pause);
                    pause = Math.min(20, pause * 2);
                }
                // Taken after the caller gave up: not the caller's any more.
                if (!answer.complete(null)) FileLocks.flock(h.fd(), FileLocks.LOCK_UN);
            } catch (ErrnoException e) {
                answer.fail(e.errno());
            } catch (InterruptedException | RuntimeException e) {
                answer.fail(Errno.EINTR);
            }
        });
    }

    // ---- directories ----

    @Override
    public Opened<Handle> opendir(Request r, Node node, int flags) throws ErrnoException {
        OwnedFd fd = node.open(Fs.O_RDONLY | Fs.O_DIRECTORY);
        int f = options.timeout().isZero() ? 0 : Opened.CACHE_DIR | Opened.KEEP_CACHE;
        NativeBuffer b = dirBuffers.poll();
        if (b != null) dirBufferCount.decrementAndGet();
        Handle.Dir d = new Handle.Dir(fd, b != null ? b : NativeBuffer.allocate(DIR_BUFFER));
        node.opened(d);
        return Opened.of(d, f);
    }

    @Override
    public void readdir(Request r, Node dir, Handle h, long offset, DirectoryFiller<Node> out) throws ErrnoException {
        Handle.Dir d = (Handle.Dir) h;
        synchronized (d) {
            // Which entries of a READDIRPLUS get attributes (and so a node in the kernel): each costs a statx,
            // several microseconds when the source's inode is not cached, whether or not anyone wants it.
            // Directories always (walking a tree opens them). Other entries when the caller stats what it
            // lists: the kernel asks for plus beyond the first chunk only after lookups in the directory, and
            // lookups of names in it since its last listing tell the same for the first chunk (ls -l, a second
            // git status). A first listing of a directory nobody looked into — find, rm -rf, a plain ls — gets
            // names only for its files, at a tenth of the cost.
            if (out.plus()) d.everyEntry = offset != 0 || dir.takeChildLookups();
            if (offset != d.position || d.ahead) {
                d.reader.seek(offset);
                d.position = offset;
                d.ahead = false;
            }
            while (d.reader.next()) {
                long next = d.reader.offset();
                boolean added;
                int type = d.reader.type();
                if (out.plus() && !d.reader.isDotOrDotDot()
                        && (d.everyEntry || type == DirectoryReader.DT_DIR || type == DirectoryReader.DT_UNKNOWN)) {
                    String name = d.reader.name();
                    Found f;
                    try {
                        f = find(dir, name);
                    } catch (ErrnoException gone) {
                        d.position = next; // removed since getdents listed it: skip it
                        continue;
                    }
                    added = out.add(name, Entry.of(f.node, attr(f.stat)), next);
                    if (!added && f.fresh) forget(f.node); // made for a record the kernel never got
                } else {
                    added = out.add(d.reader);
                }
                if (!added) {
                    d.ahead = true;
                    return;
                }
                d.position = next;
            }
        }
    }

    @Override
    public void releasedir(Request r, Node node, Handle h) {
        if (h == null) return;
        node.released(h);
        h.fd().close();
        // Reused rather than left to the GC: native memory of dropped buffers returns only when it runs.
        if (h instanceof Handle.Dir d && dirBufferCount.get() < 64) {
            dirBufferCount.incrementAndGet();
            dirBuffers.offer(d.buffer);
        }
    }

    @Override
    public void fsyncdir(Request r, Node node, Handle h, boolean datasync) throws ErrnoException {
        if (h == null) return;
        if (datasync) Fs.fdatasync(h.fd());
        else Fs.fsync(h.fd());
    }

    @Override
    public StatFs statfs(Request r, Node node) throws ErrnoException {
        FileSystemStat s = Fs.statfs(node.fd());
        return new StatFs(s.blocks(), s.bfree(), s.bavail(), s.files(), s.ffree(), (int) s.bsize(),
                (int) s.namelen(), (int) s.frsize());
    }

    // ---- extended attributes (O_PATH descriptors go through their /proc magic link, which never follows
    // a symlink further: a symlink node's attributes are its own) ----

    @Override
    public byte[] getxattr(Request r, Node node, String name) throws ErrnoException {
        return Xattrs.get(node.fd(), name);
    }

    @Override
    public void setxattr(Request r, Node node, String name, byte[] value, int flags) throws ErrnoException {
        Xattrs.set(node.fd(), name, value, flags);
    }

    @Override
    public List<String> listxattr(Request r, Node node) throws ErrnoException {
        List<String> names = Xattrs.list(node.fd());
        // The daemon (root) sees trusted.* names; the kernel hides them from unprivileged callers.
        if (r.uid() != 0) names = names.stream().filter(n -> !n.startsWith("trusted.")).toList();
        return names;
    }

    @Override
    public void removexattr(Request r, Node node, String name) throws ErrnoException {
        Xattrs.remove(node.fd(), name);
    }

    // ---- credentials ----

    /**
     * Runs a create-type operation as the caller, so what it creates belongs to the caller: the worker
     * thread's fsuid and fsgid are set for the call (they are per thread; FUSE workers are platform threads).
     * Supplementary groups are only looked up (from /proc) when the caller's own ids were refused.
     */
    private <T> T asCaller(Request r, Credentials.Action<T> op) throws ErrnoException {
        if (!actAsCaller || (r.uid() == ownUid && r.gid() == ownGid)) return run(op);
        try {
            return withIds(r.uid(), r.gid(), op);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EACCES && e.errno() != Errno.EPERM) throw e;
        }
        // Refused with the caller's own ids, which did nothing: the kernel granted the operation (it checks
        // permissions), so it may rest on a supplementary group of the caller. Retry with those.
        try {
            return Credentials.actAs(r.uid(), r.gid(), r.supplementaryGroups(), op);
        } catch (ErrnoException e) {
            throw e;
        } catch (Exception e) {
            throw new ErrnoException(Errno.EIO, e.toString());
        }
    }

    private static <T> T withIds(int uid, int gid, Credentials.Action<T> op) throws ErrnoException {
        int oldGid = Credentials.setFsGid(gid);
        try {
            int oldUid = Credentials.setFsUid(uid);
            try {
                return run(op);
            } finally {
                Credentials.setFsUid(oldUid);
            }
        } finally {
            Credentials.setFsGid(oldGid);
        }
    }

    private static <T> T run(Credentials.Action<T> op) throws ErrnoException {
        try {
            return op.run();
        } catch (ErrnoException e) {
            throw e;
        } catch (Exception e) {
            throw new ErrnoException(Errno.EIO, e.toString());
        }
    }
}
