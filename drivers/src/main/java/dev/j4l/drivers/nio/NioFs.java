package dev.j4l.drivers.nio;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.SetAttr.TimeChange;
import dev.j4l.fuse.StatFs;
import dev.j4l.fuse.path.PathFilesystem;
import dev.j4l.fuse.path.PathFiller;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.Xattrs;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Any JSR-203 filesystem ({@link java.nio.file.FileSystem}: the JDK's zip filesystem, an in-memory one, a
 * provider on the module or class path) served as a Linux filesystem through the path API.
 *
 * <p>Attributes: a provider with the {@code unix} view (the default filesystem) gives its own mode, owner and
 * inode numbers' worth of detail; one with the {@code posix} view gives permission bits; any other gets 0755
 * for directories and 0644 for files. Owners other than through {@code unix} are the daemon's user. Errors map
 * to errno by {@link NioErrors}: NoSuchFile is ENOENT, DirectoryNotEmpty ENOTEMPTY, AccessDenied EACCES,
 * ReadOnlyFileSystem EROFS, and any other I/O error EIO with a log line.
 *
 * <p>Hard links where the provider has them ({@link Files#createLink}: the default filesystem, jimfs), EPERM
 * where not (zipfs). Extended attributes of the {@code user.} namespace are the provider's user-defined
 * attributes ({@link UserDefinedFileAttributeView}); other namespaces, and providers without the view, answer
 * EOPNOTSUPP. No fifos, sockets or devices (EPERM). copy_file_range(2) is {@link FileChannel#transferTo}.
 * Locks stay the kernel's (local to this machine): a provider's {@link java.nio.channels.FileLock}s belong to
 * the whole JVM, not to a caller's lock owner. Access checks stay the kernel's too: the mount uses
 * {@code default_permissions}, and {@link java.nio.file.spi.FileSystemProvider#checkAccess} would check the
 * daemon's credentials, not the caller's.
 *
 * <p>Open files are {@link FileChannel}s of the provider. A file created through the mount may stay invisible
 * to the provider until its channel is closed (the zip filesystem writes an entry at close): until then its
 * attributes come from the channel, and its first flush (close(2)) makes it. {@link #destroy()} closes the filesystem when this driver opened it, which
 * is when the zip filesystem writes the archive.
 */
public final class NioFs implements PathFilesystem<NioFs.OpenFile> {
    private static final int DEFAULT_UID = processOwner("uid");
    private static final int DEFAULT_GID = processOwner("gid");

    private final Path root;
    private final boolean closeOnDestroy;
    private final boolean unixView;
    private final boolean posixView;
    /** The provider keeps user-defined attributes (served as the {@code user.} xattr namespace). */
    private final boolean userView;
    /** Files created through the mount whose channels are still open, by path (the provider may not list them yet). */
    private final Map<String, OpenFile> pending = new ConcurrentHashMap<>();
    /** The mode a created file gets once its provider shows it, if it could not be set at create. */
    private final Map<OpenFile, Integer> modeAtClose = new ConcurrentHashMap<>();

    /**
     * An open file: the provider's channel and the options it was opened with. The channel is replaced once, when
     * the first flush of a created file the provider does not show yet closes it (so the entry exists when
     * close(2) returns, as a later unlink, rename or open expects) and opens it again. Every use holds the monitor.
     */
    public static final class OpenFile {
        private FileChannel channel;
        private final Set<OpenOption> options;

        OpenFile(FileChannel channel, Set<OpenOption> options) {
            this.channel = channel;
            this.options = options;
        }
    }
    private final ThreadLocal<ByteBuffer> scratch = ThreadLocal.withInitial(() -> ByteBuffer.allocate(128 * 1024));

    /**
     * Serves the tree beneath {@code root} (a directory of any provider's filesystem).
     *
     * @param closeOnDestroy close {@code root}'s filesystem when the mount ends
     */
    public NioFs(Path root, boolean closeOnDestroy) {
        this.root = root;
        this.closeOnDestroy = closeOnDestroy;
        Set<String> views = root.getFileSystem().supportedFileAttributeViews();
        // Only the default provider's unix view can be written (jimfs, say, derives it and refuses changes).
        this.unixView = views.contains("unix") && root.getFileSystem() == FileSystems.getDefault();
        this.posixView = views.contains("posix");
        this.userView = keepsUserAttributes(root);
    }

    /** Whether the store of {@code root} keeps user-defined attributes (the default provider asks the kernel). */
    private static boolean keepsUserAttributes(Path root) {
        try {
            return Files.getFileStore(root).supportsFileAttributeView(UserDefinedFileAttributeView.class);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Opens the filesystem a URI names, to serve it whole and close it at unmount. {@code zip:PATH} is the
     * JDK's zip filesystem on the archive PATH (created when missing, POSIX permissions kept); any other URI goes
     * to the provider installed for its scheme ({@code jar:file:/a.zip}, {@code file:/srv}, ...), with
     * {@code env} passed when the filesystem must be made.
     */
    public static NioFs open(String uri, boolean readOnly) throws IOException {
        Map<String, Object> env = new HashMap<>();
        if (readOnly) env.put("accessMode", "readOnly");
        if (uri.startsWith("zip:")) {
            Path archive = Path.of(uri.substring("zip:".length())).toAbsolutePath();
            env.put("enablePosixFileAttributes", "true");
            if (!readOnly && !Files.exists(archive)) env.put("create", "true");
            FileSystem zip = FileSystems.newFileSystem(archive, env);
            return new NioFs(zip.getPath("/"), true);
        }
        URI u = URI.create(uri);
        if (u.getScheme() == null) throw new IllegalArgumentException("not a URI (no scheme): " + uri);
        try {
            return new NioFs(Path.of(u), false); // a filesystem that is already open stays open at unmount
        } catch (FileSystemNotFoundException e) {
            FileSystems.newFileSystem(u, env);
            return new NioFs(Path.of(u), true);
        }
    }

    /** The mount options that fit: the provider's name as the source, the kernel checking permissions. */
    public MountOptions mountOptions() {
        String name = root.getFileSystem().provider().getScheme();
        return MountOptions.builder().fsname(name).subtype("nio").defaultPermissions(true).build();
    }

    /** The provider path for a mount path ({@code "/"} is {@link #root}). */
    private Path at(String path) {
        return path.equals("/") ? root : root.resolve(path.substring(1));
    }

    private static int processOwner(String what) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:" + what);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    // ---- attributes ----

    @Override
    public Attr getattr(Request r, String path, OpenFile handle) throws ErrnoException {
        Path p = at(path);
        try {
            Attr attr = unixView ? unixAttr(p) : posixView ? posixAttr(p) : basicAttr(p);
            if (handle == null || !attr.isRegularFile()) return attr;
            synchronized (handle) {
                return attr.withSize(handle.channel.size());
            }
        } catch (java.nio.file.NoSuchFileException e) {
            OpenFile open = handle != null ? handle : pending.get(path);
            if (open == null) throw NioErrors.errno(e, "getattr", path);
            return fromChannel(open);
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "getattr", path);
        }
    }

    private Attr fromChannel(OpenFile open) throws ErrnoException {
        long now = System.currentTimeMillis() * 1_000_000L;
        try {
            Integer mode = modeAtClose.get(open);
            long size;
            synchronized (open) {
                size = open.channel.size();
            }
            return Attr.of(FileMode.S_IFREG | (mode != null ? mode : 0644), DEFAULT_UID, DEFAULT_GID, now).withSize(size);
        } catch (IOException e) {
            throw NioErrors.errno(e, "getattr", "(open file)");
        }
    }

    private static long nanos(FileTime t) {
        return t == null ? 0 : t.to(TimeUnit.NANOSECONDS);
    }

    private static int type(BasicFileAttributes a) {
        if (a.isDirectory()) return FileMode.S_IFDIR;
        if (a.isSymbolicLink()) return FileMode.S_IFLNK;
        if (a.isRegularFile()) return FileMode.S_IFREG;
        return FileMode.S_IFREG;
    }

    private static Attr.Builder common(BasicFileAttributes a, int mode) {
        long mtime = nanos(a.lastModifiedTime());
        long atime = a.lastAccessTime() == null ? mtime : nanos(a.lastAccessTime());
        return Attr.builder().mode(mode).size(a.size()).blocks((a.size() + 511) / 512).mtime(mtime).atime(atime)
                .ctime(mtime).nlink(a.isDirectory() ? 2 : 1);
    }

    private Attr basicAttr(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int type = type(a);
        int perms = type == FileMode.S_IFDIR ? 0755 : type == FileMode.S_IFLNK ? 0777 : 0644;
        return common(a, type | perms).uid(DEFAULT_UID).gid(DEFAULT_GID).build();
    }

    private Attr posixAttr(Path p) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return common(a, type(a) | bits(a.permissions())).uid(DEFAULT_UID).gid(DEFAULT_GID).build();
    }

    private Attr unixAttr(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ctime,nlink,size,lastModifiedTime,"
                + "lastAccessTime,isDirectory,isRegularFile,isSymbolicLink,isOther", LinkOption.NOFOLLOW_LINKS);
        BasicFileAttributes basic = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return common(basic, (Integer) a.get("mode")).uid((Integer) a.get("uid")).gid((Integer) a.get("gid"))
                .nlink((Integer) a.get("nlink")).ctime(nanos((FileTime) a.get("ctime"))).build();
    }

    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    static int bits(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (int i = 0; i < BITS.length; i++) if (perms.contains(BITS[i])) mode |= 1 << i;
        return mode;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) if ((mode & (1 << i)) != 0) s.add(BITS[i]);
        return s;
    }

    @Override
    public void chmod(Request r, String path, int mode) throws ErrnoException {
        Path p = at(path);
        try {
            if (unixView) Files.setAttribute(p, "unix:mode", mode & 07777);
            else if (posixView) Files.getFileAttributeView(p, PosixFileAttributeView.class).setPermissions(permissions(mode));
            else throw new ErrnoException(Errno.EPERM);
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "chmod", path);
        }
    }

    @Override
    public void chown(Request r, String path, int uid, int gid) throws ErrnoException {
        Path p = at(path);
        try {
            if (unixView) {
                if (uid != -1) Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                if (gid != -1) Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            } else if ((uid != -1 && uid != DEFAULT_UID) || (gid != -1 && gid != DEFAULT_GID)) {
                throw new ErrnoException(Errno.EPERM); // owners are not kept: only the daemon's stands
            }
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "chown", path);
        }
    }

    @Override
    public void utimens(Request r, String path, TimeChange atime, TimeChange mtime) throws ErrnoException {
        Path p = at(path);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            long now = System.currentTimeMillis() * 1_000_000L;
            FileTime m = FileTime.from(mtime.resolve(nanos(a.lastModifiedTime()), now), TimeUnit.NANOSECONDS);
            FileTime at = FileTime.from(atime.resolve(nanos(a.lastAccessTime()), now), TimeUnit.NANOSECONDS);
            Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(m, at, null);
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "utimens", path);
        }
    }

    @Override
    public void truncate(Request r, String path, long size, OpenFile handle) throws ErrnoException {
        try {
            if (handle != null) {
                synchronized (handle) {
                    resize(handle.channel, size);
                }
            } else {
                try (FileChannel ch = FileChannel.open(at(path), StandardOpenOption.WRITE)) {
                    resize(ch, size);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "truncate", path);
        }
    }

    /** FileChannel.truncate only shrinks: growing writes a zero at the new last byte. */
    private static void resize(FileChannel ch, long size) throws IOException {
        if (size < ch.size()) ch.truncate(size);
        else if (size > ch.size()) ch.write(ByteBuffer.allocate(1), size - 1);
    }

    @Override
    public StatFs statfs(Request r, String path) throws ErrnoException {
        try {
            FileStore store = Files.getFileStore(at(path));
            int bsize = 4096;
            // Providers report loosely (zipfs: no total, the host's free space): keep df's arithmetic sane.
            long free = store.getUnallocatedSpace() / bsize;
            long total = Math.max(store.getTotalSpace() / bsize, free);
            long avail = Math.min(store.getUsableSpace() / bsize, free);
            return new StatFs(total, free, avail, 0, 0, bsize, 255, bsize);
        } catch (IOException | RuntimeException e) {
            return StatFs.EMPTY; // a provider without a store still mounts
        }
    }

    // ---- directories and names ----

    @Override
    public void readdir(Request r, String path, PathFiller out) throws ErrnoException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(at(path))) {
            for (Path p : s) out.add(p.getFileName().toString().replace("/", ""));
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "readdir", path);
        }
    }

    @Override
    public void mkdir(Request r, String path, int mode) throws ErrnoException {
        try {
            Files.createDirectory(at(path));
            if (posixView || unixView) chmod(r, path, mode & 07777);
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "mkdir", path);
        }
    }

    @Override
    public void unlink(Request r, String path) throws ErrnoException {
        try {
            if (Files.isDirectory(at(path), LinkOption.NOFOLLOW_LINKS)) throw new ErrnoException(Errno.EISDIR);
            Files.delete(at(path));
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "unlink", path);
        }
    }

    @Override
    public void rmdir(Request r, String path) throws ErrnoException {
        try {
            if (!Files.isDirectory(at(path), LinkOption.NOFOLLOW_LINKS)) throw new ErrnoException(Errno.ENOTDIR);
            Files.delete(at(path));
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "rmdir", path);
        }
    }

    @Override
    public void rename(Request r, String from, String to, int flags) throws ErrnoException {
        if ((flags & ~Fs.RENAME_NOREPLACE) != 0) throw new ErrnoException(Errno.EINVAL);
        try {
            if ((flags & Fs.RENAME_NOREPLACE) != 0) Files.move(at(from), at(to));
            else Files.move(at(from), at(to), StandardCopyOption.REPLACE_EXISTING);
            OpenFile open = pending.remove(from);
            if (open != null) pending.put(to, open);
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "rename", from + " -> " + to);
        }
    }

    @Override
    public void symlink(Request r, String target, String path) throws ErrnoException {
        try {
            Files.createSymbolicLink(at(path), root.getFileSystem().getPath(target));
        } catch (UnsupportedOperationException e) {
            throw new ErrnoException(Errno.EPERM, "symlink " + path + ": the provider has no symbolic links");
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "symlink", path);
        }
    }

    /** A hard link where the provider has them (the default filesystem, jimfs); EPERM where it has not (zipfs). */
    @Override
    public void link(Request r, String from, String to) throws ErrnoException {
        try {
            Files.createLink(at(to), at(from));
        } catch (UnsupportedOperationException e) {
            throw new ErrnoException(Errno.EPERM, "link " + to + ": the provider has no hard links");
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "link", from + " -> " + to);
        }
    }

    // ---- extended attributes: the user. namespace as the provider's user-defined attributes ----

    private static final String USER = "user.";

    /** The provider's view of {@code path}'s user-defined attributes; EOPNOTSUPP when it keeps none. */
    private UserDefinedFileAttributeView userAttributes(String path) throws ErrnoException {
        UserDefinedFileAttributeView view = userView
                ? Files.getFileAttributeView(at(path), UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                : null;
        if (view == null) throw new ErrnoException(Errno.EOPNOTSUPP);
        return view;
    }

    /** The provider's name for xattr {@code name}: only {@code user.} names map, others are EOPNOTSUPP. */
    private static String userName(String name) throws ErrnoException {
        if (!name.startsWith(USER) || name.length() == USER.length()) throw new ErrnoException(Errno.EOPNOTSUPP);
        return name.substring(USER.length());
    }

    @Override
    public void setxattr(Request r, String path, String name, byte[] value, int flags) throws ErrnoException {
        UserDefinedFileAttributeView view = userAttributes(path);
        String key = userName(name);
        try {
            if (flags != 0) {
                boolean exists = view.list().contains(key);
                if ((flags & Xattrs.XATTR_CREATE) != 0 && exists) throw new ErrnoException(Errno.EEXIST);
                if ((flags & Xattrs.XATTR_REPLACE) != 0 && !exists) throw new ErrnoException(Errno.ENODATA);
            }
            view.write(key, ByteBuffer.wrap(value));
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "setxattr " + name, path);
        }
    }

    @Override
    public byte[] getxattr(Request r, String path, String name) throws ErrnoException {
        UserDefinedFileAttributeView view = userAttributes(path);
        String key = userName(name);
        try {
            if (!view.list().contains(key)) throw new ErrnoException(Errno.ENODATA);
            ByteBuffer value = ByteBuffer.allocate(view.size(key));
            view.read(key, value);
            return java.util.Arrays.copyOf(value.array(), value.position());
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "getxattr " + name, path);
        }
    }

    @Override
    public List<String> listxattr(Request r, String path) throws ErrnoException {
        UserDefinedFileAttributeView view;
        try {
            view = userAttributes(path);
        } catch (ErrnoException e) {
            return List.of(); // a provider without the view keeps no attributes, like a file without any
        }
        try {
            return view.list().stream().map(key -> USER + key).toList();
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "listxattr", path);
        }
    }

    @Override
    public void removexattr(Request r, String path, String name) throws ErrnoException {
        UserDefinedFileAttributeView view = userAttributes(path);
        String key = userName(name);
        try {
            if (!view.list().contains(key)) throw new ErrnoException(Errno.ENODATA);
            view.delete(key);
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "removexattr " + name, path);
        }
    }

    @Override
    public String readlink(Request r, String path) throws ErrnoException {
        try {
            return Files.readSymbolicLink(at(path)).toString();
        } catch (UnsupportedOperationException e) {
            throw new ErrnoException(Errno.EINVAL);
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "readlink", path);
        }
    }

    // ---- open files ----

    private static Set<OpenOption> options(int flags) {
        Set<OpenOption> o = new java.util.HashSet<>();
        switch (flags & Fs.O_ACCMODE) {
            case Fs.O_WRONLY -> o.add(StandardOpenOption.WRITE);
            case Fs.O_RDWR -> {
                o.add(StandardOpenOption.READ);
                o.add(StandardOpenOption.WRITE);
            }
            default -> o.add(StandardOpenOption.READ);
        }
        if ((flags & Fs.O_TRUNC) != 0 && o.contains(StandardOpenOption.WRITE)) o.add(StandardOpenOption.TRUNCATE_EXISTING);
        return o;
    }

    @Override
    public OpenFile open(Request r, String path, int flags) throws ErrnoException {
        try {
            Set<OpenOption> o = options(flags);
            return new OpenFile(FileChannel.open(at(path), o), o);
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "open", path);
        }
    }

    @Override
    public OpenFile create(Request r, String path, int mode, int flags) throws ErrnoException {
        Set<OpenOption> o = options(flags);
        o.add(StandardOpenOption.CREATE_NEW);
        o.add(StandardOpenOption.WRITE);
        try {
            OpenFile open = new OpenFile(FileChannel.open(at(path), o), o);
            pending.put(path, open);
            try {
                if (unixView || posixView) chmod(r, path, mode & 07777);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOENT) throw e;
                modeAtClose.put(open, mode & 07777); // not there until closed (zipfs): set then
            }
            return open;
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "create", path);
        }
    }

    private ByteBuffer scratch(int size) {
        ByteBuffer b = scratch.get();
        if (b.capacity() < size) {
            b = ByteBuffer.allocate(Integer.highestOneBit(size - 1) << 1);
            scratch.set(b);
        }
        return b.clear().limit(size);
    }

    @Override
    public void read(Request r, String path, OpenFile open, long offset, int size, DataSink out) throws ErrnoException {
        try {
            ByteBuffer b = scratch(size);
            synchronized (open) {
                while (b.hasRemaining()) {
                    int n = open.channel.read(b, offset + b.position());
                    if (n < 0) break;
                }
            }
            out.put(b.array(), 0, b.position());
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "read", path);
        }
    }

    @Override
    public int write(Request r, String path, OpenFile open, long offset, DataSource data) throws ErrnoException {
        try {
            ByteBuffer b = scratch(data.size());
            data.get(0, b.array(), 0, data.size());
            synchronized (open) {
                while (b.hasRemaining()) open.channel.write(b, offset + b.position());
            }
            return data.size();
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "write", path);
        }
    }

    @Override
    public void fsync(Request r, String path, OpenFile open, boolean datasync) throws ErrnoException {
        if (open == null) return;
        try {
            synchronized (open) {
                open.channel.force(!datasync);
            }
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "fsync", path);
        }
    }

    /**
     * copy_file_range(2) between two open files as {@link FileChannel#transferTo} from one channel to the other
     * (the default provider's channels copy inside the kernel, others through the provider). Within one open
     * file (the kernel refuses overlapping ranges) it copies through the thread's buffer.
     */
    @Override
    public long copyFileRange(Request r, String pathIn, OpenFile in, long offsetIn, String pathOut, OpenFile out,
            long offsetOut, long length, long flags) throws ErrnoException {
        if (in == null || out == null) throw new ErrnoException(Errno.EBADF);
        if (flags != 0) throw new ErrnoException(Errno.EINVAL);
        try {
            if (in == out) {
                synchronized (in) {
                    return copyWithin(in.channel, offsetIn, offsetOut, length);
                }
            }
            // Both monitors, taken in one order whichever way the copy goes, so two opposite copies cannot deadlock.
            int a = System.identityHashCode(in);
            int b = System.identityHashCode(out);
            Object first = a < b ? in : out;
            Object second = a < b ? out : in;
            synchronized (a == b ? TIE : first) {
                synchronized (first) {
                    synchronized (second) {
                        return transfer(in.channel, offsetIn, out.channel, offsetOut, length);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw NioErrors.of(e, "copy_file_range", pathIn + " -> " + pathOut);
        }
    }

    /** Taken first by copies between two open files whose identity hashes are equal. */
    private static final Object TIE = new Object();

    private static long transfer(FileChannel in, long offsetIn, FileChannel out, long offsetOut, long length)
            throws IOException {
        out.position(offsetOut); // transferTo writes at the target's position; the driver's I/O is all positional
        long done = 0;
        while (done < length) {
            long n = in.transferTo(offsetIn + done, length - done, out);
            if (n <= 0) break; // the end of the input
            done += n;
        }
        return done;
    }

    private long copyWithin(FileChannel ch, long offsetIn, long offsetOut, long length) throws IOException {
        long done = 0;
        while (done < length) {
            ByteBuffer b = scratch((int) Math.min(length - done, 128 * 1024));
            int n = ch.read(b, offsetIn + done);
            if (n <= 0) break;
            b.flip();
            while (b.hasRemaining()) ch.write(b, offsetOut + done + b.position());
            done += n;
        }
        return done;
    }

    /**
     * close(2) of a created file the provider does not show yet: closes its channel, which makes the entry (zipfs
     * writes it then), and opens the entry again for the handle's other users. The kernel sends FLUSH before
     * close(2) returns but RELEASE later, so without this an unlink or rename right after close could miss it.
     */
    @Override
    public void flush(Request r, String path, OpenFile open) throws ErrnoException {
        if (open == null || pending.get(path) != open) return;
        synchronized (open) {
            if (!pending.remove(path, open)) return;
            Path p = at(path);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return; // the provider shows it already
            Integer mode = modeAtClose.remove(open);
            try {
                open.channel.close();
                // Opened again before anything else may fail, so the handle's other users keep a channel.
                Set<OpenOption> again = new java.util.HashSet<>(open.options);
                again.remove(StandardOpenOption.CREATE_NEW);
                again.remove(StandardOpenOption.TRUNCATE_EXISTING);
                open.channel = FileChannel.open(p, again);
                if (mode != null) chmod(r, path, mode);
            } catch (IOException | RuntimeException e) {
                throw NioErrors.of(e, "flush", path);
            }
        }
    }

    @Override
    public void release(Request r, String path, OpenFile open) throws ErrnoException {
        if (open == null) return;
        Integer mode;
        synchronized (open) {
            pending.remove(path, open);
            mode = modeAtClose.remove(open);
            try {
                open.channel.close();
            } catch (IOException | RuntimeException e) {
                throw NioErrors.of(e, "close", path);
            }
        }
        if (mode != null) chmod(r, path, mode);
    }

    /** The filesystem this driver serves. */
    public FileSystem fileSystem() {
        return root.getFileSystem();
    }

    @Override
    public void destroy() {
        if (!closeOnDestroy) return;
        try {
            root.getFileSystem().close();
        } catch (IOException | RuntimeException e) {
            System.getLogger("dev.j4l.drivers.nio").log(System.Logger.Level.ERROR,
                    "closing the filesystem at unmount failed: " + e, e);
        }
    }
}
