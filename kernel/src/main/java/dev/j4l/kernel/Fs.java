package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.j4l.kernel.raw.Ioctl;
import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.LibcFs;
import dev.j4l.kernel.raw.Native;
import dev.j4l.kernel.raw.Structs;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Filesystem system calls on paths, directory handles and open files.
 *
 * <p>Path calls come in two forms: relative to a directory handle ({@code dir, path} — the {@code *at}
 * calls; pass {@link OwnedFd#CWD} for the working directory; an absolute {@code path} ignores {@code dir}) and
 * a plain {@code path} form. Every call that creates a descriptor returns an {@link OwnedFd} with
 * {@code O_CLOEXEC} set; every failure is a {@link KernelException} naming the call and the path or
 * descriptor. Calls that a signal may interrupt are repeated on {@code EINTR}.
 *
 * {@snippet class=dev.j4l.kernel.FsExample region=beneath}
 */
public final class Fs {
    private Fs() {}

    /** The kernel's limit on a path, terminator included. */
    public static final int PATH_MAX = 4096;
    /** The longest name (path component) in bytes on Linux's own filesystems (tmpfs, ext4, ...). */
    public static final int NAME_MAX = 255;

    // open(2) flags (x86_64/arm64 generic values).
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_ACCMODE = 3;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DSYNC = 010000;
    public static final int O_DIRECT = 040000;
    public static final int O_LARGEFILE = 0100000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_NOATIME = 01000000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_SYNC = 04010000;
    public static final int O_PATH = 010000000;
    public static final int O_TMPFILE = 020200000;

    // openat2(2) resolve flags.
    /** Refuse to cross a mount point (including bind mounts of the same filesystem). */
    public static final long RESOLVE_NO_XDEV = 0x01;
    /** Refuse /proc "magic links" such as {@code /proc/self/fd/N}. */
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    /** Refuse every symbolic link on the path. */
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    /** Refuse to resolve outside {@code dir}: {@code ..} above it, absolute paths and symlinks out of it fail with EXDEV. */
    public static final long RESOLVE_BENEATH = 0x08;
    /** Treat {@code dir} as the root: {@code ..} and absolute symlinks stay inside it (like chroot). */
    public static final long RESOLVE_IN_ROOT = 0x10;
    /** Only succeed from the dentry cache (EAGAIN otherwise). */
    public static final long RESOLVE_CACHED = 0x20;

    // *at flags.
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int AT_REMOVEDIR = 0x200;
    public static final int AT_EACCESS = 0x200;
    public static final int AT_SYMLINK_FOLLOW = 0x400;
    public static final int AT_NO_AUTOMOUNT = 0x800;
    /** Operate on {@code dir} itself when {@code path} is empty (works for O_PATH descriptors). */
    public static final int AT_EMPTY_PATH = 0x1000;

    // renameat2(2) flags.
    public static final int RENAME_NOREPLACE = 1;
    public static final int RENAME_EXCHANGE = 2;
    public static final int RENAME_WHITEOUT = 4;

    // utimensat(2) special nanosecond values.
    public static final int UTIME_NOW = (1 << 30) - 1;
    public static final int UTIME_OMIT = (1 << 30) - 2;

    // fallocate(2) modes.
    public static final int FALLOC_FL_KEEP_SIZE = 0x01;
    public static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    public static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;
    public static final int FALLOC_FL_INSERT_RANGE = 0x20;

    // lseek(2) whence.
    public static final int SEEK_SET = 0;
    public static final int SEEK_CUR = 1;
    public static final int SEEK_END = 2;
    public static final int SEEK_DATA = 3;
    public static final int SEEK_HOLE = 4;

    // access(2) modes.
    public static final int F_OK = 0;
    public static final int X_OK = 1;
    public static final int W_OK = 2;
    public static final int R_OK = 4;

    // statx(2) masks.
    public static final int STATX_BASIC_STATS = 0x7ff;
    public static final int STATX_BTIME = 0x800;
    public static final int STATX_MNT_ID = 0x1000;
    public static final int STATX_ALL = 0xfff;
    public static final int STATX_DIOALIGN = 0x2000;

    private static final int EINTR = -Errno.EINTR.number();

    // ---- opening ----

    /** open(2); {@code O_CLOEXEC} is always added. */
    public static OwnedFd open(String path, int flags, int mode) throws KernelException {
        return openat(OwnedFd.CWD, path, flags, mode);
    }

    public static OwnedFd open(String path, int flags) throws KernelException {
        return open(path, flags, 0);
    }

    /** openat(2) relative to {@code dir}; {@code O_CLOEXEC} is always added. */
    public static OwnedFd openat(OwnedFd dir, String path, int flags, int mode) throws KernelException {
        String target = describe(dir, path);
        int d = dir.acquire();
        try {
            MemorySegment p = cPath(path);
            int r;
            // SAFETY: p is path NUL-terminated in this thread's scratch, not reused before the call: the kernel reads
            // up to the NUL, inside p; the downcall keeps p alive.
            do r = Libc.openat(d, p, flags | O_CLOEXEC, mode); while (r == EINTR);
            if (r < 0) throw KernelException.of(dir == OwnedFd.CWD ? "open" : "openat", target, r);
            return OwnedFd.adopt(r, target);
        } finally {
            dir.release();
        }
    }

    public static OwnedFd openat(OwnedFd dir, String path, int flags) throws KernelException {
        return openat(dir, path, flags, 0);
    }

    /**
     * openat2(2): like {@link #openat} but with {@code RESOLVE_*} restrictions on how the path is resolved —
     * the safe way to open a client-supplied path under a root directory ({@code RESOLVE_BENEATH} or
     * {@code RESOLVE_IN_ROOT}). {@code O_CLOEXEC} is always added. Fails with ENOSYS before Linux 5.6.
     */
    public static OwnedFd openat2(OwnedFd dir, String path, int flags, int mode, long resolve) throws KernelException {
        String target = describe(dir, path);
        int d = dir.acquire();
        try {
            Native.Scratch s = Native.scratch();
            MemorySegment p = cString(s, path);
            MemorySegment how = s.allocate(Structs.OPEN_HOW);
            how.set(JAVA_LONG, 0, Integer.toUnsignedLong(flags | O_CLOEXEC));
            // The kernel refuses a mode without O_CREAT/O_TMPFILE (EINVAL), unlike openat which ignores it.
            boolean creates = (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
            how.set(JAVA_LONG, 8, creates ? mode : 0);
            how.set(JAVA_LONG, 16, resolve);
            int r;
            // SAFETY: p as for openat; how is the 24-byte open_how and the raw call passes how.byteSize() as its size,
            // so the kernel reads exactly how. Both are scratch made above, with no scratch() in between.
            do r = LibcFs.openat2(d, p, how); while (r == EINTR);
            if (r < 0) throw KernelException.of("openat2", target, r);
            return OwnedFd.adopt(r, target);
        } finally {
            dir.release();
        }
    }

    // ---- metadata ----

    /** stat(2): follows symlinks. */
    public static FileStat stat(String path) throws KernelException {
        return stat(OwnedFd.CWD, path, 0);
    }

    /** lstat(2): a symlink is described itself. */
    public static FileStat lstat(String path) throws KernelException {
        return stat(OwnedFd.CWD, path, AT_SYMLINK_NOFOLLOW);
    }

    /** fstatat(2) with {@code AT_*} flags ({@code AT_SYMLINK_NOFOLLOW}, {@code AT_EMPTY_PATH}). */
    public static FileStat stat(OwnedFd dir, String path, int atFlags) throws KernelException {
        return statx(dir, path, atFlags, STATX_BASIC_STATS | STATX_BTIME | STATX_MNT_ID);
    }

    // The inode flag ioctls are encoded _IOR/_IOW('f', 1/2, long); the VFS moves an int, so 8 bytes cover both.
    private static final Ioctl FS_IOC_GETFLAGS = Ioctl.buffer("FS_IOC_GETFLAGS", 0x80086601L, 8);
    private static final Ioctl FS_IOC_SETFLAGS = Ioctl.buffer("FS_IOC_SETFLAGS", 0x40086602L, 8);

    /** {@code FS_IOC_GETFLAGS}: the inode's attribute flags, as {@code lsattr} shows them ({@code FS_*_FL}). */
    public static int inodeFlags(OwnedFd fd) throws KernelException {
        requireFileOrDirectory(fd, "FS_IOC_GETFLAGS");
        NativeBuffer b = NativeBuffer.allocate(8);
        fd.ioctl(FS_IOC_GETFLAGS, b);
        return b.getInt(0);
    }

    /** {@code FS_IOC_SETFLAGS}: sets the inode's attribute flags, as {@code chattr} does. */
    public static void setInodeFlags(OwnedFd fd, int flags) throws KernelException {
        requireFileOrDirectory(fd, "FS_IOC_SETFLAGS");
        NativeBuffer b = NativeBuffer.allocate(8);
        b.putInt(0, flags);
        fd.ioctl(FS_IOC_SETFLAGS, b);
    }

    /**
     * The inode-flag ioctls on anything but a regular file or directory fall through to the device's own ioctl
     * handler, which may read the number as another request: refuse them there (ENOTTY, as for a pipe).
     */
    private static void requireFileOrDirectory(OwnedFd fd, String call) throws KernelException {
        int type = stat(fd).type();
        if (type != FileStat.S_IFREG && type != FileStat.S_IFDIR) throw new KernelException(call, fd.description(), Errno.ENOTTY);
    }

    /** fstat(2) of an open descriptor (also O_PATH descriptors). */
    public static FileStat stat(OwnedFd fd) throws KernelException {
        return statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME | STATX_MNT_ID);
    }

    /**
     * statx(2), which every stat form here uses ({@code struct stat} differs between architectures; statx
     * does not). {@code mask} asks for fields ({@code STATX_*}); the result's {@code mask} says which were filled.
     */
    public static FileStat statx(OwnedFd dir, String path, int atFlags, int mask) throws KernelException {
        int d = dir.acquire();
        try {
            Native.Scratch s = Native.scratch();
            MemorySegment p = cString(s, path);
            MemorySegment b = s.allocate(Structs.STATX);
            // SAFETY: p is the NUL-terminated path; b is the 256-byte struct statx the kernel fills (its full size).
            // Both are scratch, kept alive by the downcall, and b is read before this thread's next scratch().
            int r = LibcFs.statx(d, p, atFlags, mask, b);
            if (r < 0) throw KernelException.of("statx", describe(dir, path), r);
            ByteBuffer f = s.copyOf(b); // one copy, then heap reads: see Scratch.copyOf
            return new FileStat(
                    makedev(f.getInt(Structs.STATX_DEV_MAJOR), f.getInt(Structs.STATX_DEV_MINOR)),
                    f.getLong(Structs.STATX_INO),
                    Short.toUnsignedInt(f.getShort(Structs.STATX_MODE)),
                    Integer.toUnsignedLong(f.getInt(Structs.STATX_NLINK)),
                    f.getInt(Structs.STATX_UID),
                    f.getInt(Structs.STATX_GID),
                    makedev(f.getInt(Structs.STATX_RDEV_MAJOR), f.getInt(Structs.STATX_RDEV_MINOR)),
                    f.getLong(Structs.STATX_SIZE),
                    f.getInt(Structs.STATX_BLKSIZE),
                    f.getLong(Structs.STATX_BLOCKS),
                    f.getLong(Structs.STATX_ATIME), f.getInt(Structs.STATX_ATIME + 8),
                    f.getLong(Structs.STATX_MTIME), f.getInt(Structs.STATX_MTIME + 8),
                    f.getLong(Structs.STATX_CTIME), f.getInt(Structs.STATX_CTIME + 8),
                    f.getLong(Structs.STATX_BTIME), f.getInt(Structs.STATX_BTIME + 8),
                    f.getInt(Structs.STATX_MASK),
                    f.getLong(Structs.STATX_MNT_ID));
        } finally {
            dir.release();
        }
    }

    /**
     * What direct I/O ({@code O_DIRECT}) on an open file must be aligned to, from statx's {@code STATX_DIOALIGN}
     * (Linux 6.1+): {@code memory} for buffers, {@code offset} for file offsets and lengths. Both are 0 when
     * the file does not support direct I/O or its file system does not say.
     */
    public record DirectIoAlignment(int memory, int offset) {}

    /** statx(2) of {@code fd} for {@code STATX_DIOALIGN}; see {@link DirectIoAlignment}. */
    public static DirectIoAlignment directIoAlignment(OwnedFd fd) throws KernelException {
        int d = fd.acquire();
        try {
            Native.Scratch s = Native.scratch();
            MemorySegment p = cString(s, "");
            MemorySegment b = s.allocate(Structs.STATX);
            // SAFETY: p is the empty NUL-terminated path (AT_EMPTY_PATH: the descriptor itself); b is the 256-byte
            // struct statx the kernel fills (its full size). Both are scratch, kept alive by the downcall, and b is
            // read before this thread's next scratch().
            int r = LibcFs.statx(d, p, AT_EMPTY_PATH, STATX_DIOALIGN, b);
            if (r < 0) throw KernelException.of("statx", fd.description(), r);
            if ((b.get(JAVA_INT, Structs.STATX_MASK) & STATX_DIOALIGN) == 0) return new DirectIoAlignment(0, 0);
            return new DirectIoAlignment(b.get(JAVA_INT, Structs.STATX_DIO_MEM_ALIGN),
                    b.get(JAVA_INT, Structs.STATX_DIO_OFFSET_ALIGN));
        } finally {
            fd.release();
        }
    }

    /** statfs(2). */
    public static FileSystemStat statfs(String path) throws KernelException {
        Native.Scratch s = Native.scratch();
        MemorySegment p = cString(s, path);
        MemorySegment b = s.allocate(Structs.STATFS);
        // SAFETY: p is the NUL-terminated path; b is the 120-byte struct statfs the kernel fills. Scratch, read before
        // the thread's next scratch(); the downcall keeps both alive.
        int r = LibcFs.statfs(p, b);
        if (r < 0) throw KernelException.of("statfs", path, r);
        return fileSystemStat(b);
    }

    /** fstatfs(2) (O_PATH descriptors work too). */
    public static FileSystemStat statfs(OwnedFd fd) throws KernelException {
        int n = fd.acquire();
        try {
            MemorySegment b = Native.scratch().allocate(Structs.STATFS);
            // SAFETY: b is the 120-byte struct statfs the kernel fills; scratch, read before the next scratch().
            int r = LibcFs.fstatfs(n, b);
            if (r < 0) throw KernelException.of("fstatfs", fd.description(), r);
            return fileSystemStat(b);
        } finally {
            fd.release();
        }
    }

    private static FileSystemStat fileSystemStat(MemorySegment b) {
        return new FileSystemStat(b.get(JAVA_LONG, Structs.STATFS_TYPE), b.get(JAVA_LONG, Structs.STATFS_BSIZE),
                b.get(JAVA_LONG, Structs.STATFS_BLOCKS), b.get(JAVA_LONG, Structs.STATFS_BFREE),
                b.get(JAVA_LONG, Structs.STATFS_BAVAIL), b.get(JAVA_LONG, Structs.STATFS_FILES),
                b.get(JAVA_LONG, Structs.STATFS_FFREE), b.get(JAVA_LONG, Structs.STATFS_FSID),
                b.get(JAVA_LONG, Structs.STATFS_NAMELEN), b.get(JAVA_LONG, Structs.STATFS_FRSIZE),
                b.get(JAVA_LONG, Structs.STATFS_FLAGS));
    }

    /** faccessat(2): throws (EACCES, ENOENT...) unless access is allowed. {@code flags}: {@code AT_EACCESS}, {@code AT_SYMLINK_NOFOLLOW}. */
    public static void access(OwnedFd dir, String path, int mode, int flags) throws KernelException {
        int d = dir.acquire();
        try {
            // SAFETY: the path is NUL-terminated scratch made in the argument list, so nothing reuses it before the
            // call; the kernel reads up to the NUL, and the downcall keeps it alive.
            int r = LibcFs.faccessat(d, cPath(path), mode, flags);
            if (r < 0) throw KernelException.of("faccessat", describe(dir, path), r);
        } finally {
            dir.release();
        }
    }

    public static void access(String path, int mode) throws KernelException {
        access(OwnedFd.CWD, path, mode, 0);
    }

    // ---- creating, linking, removing ----

    public static void mkdir(OwnedFd dir, String path, int mode) throws KernelException {
        int d = dir.acquire();
        try {
            // SAFETY: as for faccessat: a NUL-terminated scratch path made in the argument list.
            int r = LibcFs.mkdirat(d, cPath(path), mode);
            if (r < 0) throw KernelException.of("mkdirat", describe(dir, path), r);
        } finally {
            dir.release();
        }
    }

    public static void mkdir(String path, int mode) throws KernelException {
        mkdir(OwnedFd.CWD, path, mode);
    }

    /** mknodat(2): {@code mode} includes the file type ({@code FileStat.S_IF*}); {@code dev} from {@link #makedev}. */
    public static void mknod(OwnedFd dir, String path, int mode, long dev) throws KernelException {
        int d = dir.acquire();
        try {
            // SAFETY: as for faccessat: a NUL-terminated scratch path made in the argument list.
            int r = LibcFs.mknodat(d, cPath(path), mode, dev);
            if (r < 0) throw KernelException.of("mknodat", describe(dir, path), r);
        } finally {
            dir.release();
        }
    }

    /** unlinkat(2); {@code flags} 0 removes a non-directory, {@code AT_REMOVEDIR} an empty directory. */
    public static void unlink(OwnedFd dir, String path, int flags) throws KernelException {
        int d = dir.acquire();
        try {
            // SAFETY: as for faccessat: a NUL-terminated scratch path made in the argument list.
            int r = LibcFs.unlinkat(d, cPath(path), flags);
            if (r < 0) throw KernelException.of((flags & AT_REMOVEDIR) != 0 ? "rmdir" : "unlinkat", describe(dir, path), r);
        } finally {
            dir.release();
        }
    }

    public static void unlink(String path) throws KernelException {
        unlink(OwnedFd.CWD, path, 0);
    }

    public static void rmdir(String path) throws KernelException {
        unlink(OwnedFd.CWD, path, AT_REMOVEDIR);
    }

    /** renameat2(2) with {@code RENAME_*} flags (0 = plain rename). */
    public static void rename(OwnedFd oldDir, String oldPath, OwnedFd newDir, String newPath, int flags)
            throws KernelException {
        int od = oldDir.acquire();
        try {
            int nd = newDir.acquire();
            try {
                Native.Scratch s = Native.scratch();
                // SAFETY: both paths are NUL-terminated and bump-allocated from one scratch() (disjoint), made in the
                // argument list; the kernel reads each up to its NUL, and the downcall keeps both alive.
                int r = LibcFs.renameat2(od, cString(s, oldPath), nd, cString(s, newPath), flags);
                if (r < 0) {
                    throw KernelException.of("renameat2", describe(oldDir, oldPath) + " -> " + describe(newDir, newPath), r);
                }
            } finally {
                newDir.release();
            }
        } finally {
            oldDir.release();
        }
    }

    public static void rename(String oldPath, String newPath) throws KernelException {
        rename(OwnedFd.CWD, oldPath, OwnedFd.CWD, newPath, 0);
    }

    /**
     * linkat(2). With {@code AT_EMPTY_PATH} and an empty {@code oldPath}, links the file {@code oldDir} refers
     * to (e.g. an O_PATH or O_TMPFILE descriptor; needs CAP_DAC_READ_SEARCH).
     */
    public static void link(OwnedFd oldDir, String oldPath, OwnedFd newDir, String newPath, int flags)
            throws KernelException {
        int od = oldDir.acquire();
        try {
            int nd = newDir.acquire();
            try {
                Native.Scratch s = Native.scratch();
                // SAFETY: as for rename: two disjoint NUL-terminated scratch strings made in the argument list.
                int r = LibcFs.linkat(od, cString(s, oldPath), nd, cString(s, newPath), flags);
                if (r < 0) throw KernelException.of("linkat", describe(oldDir, oldPath) + " -> " + describe(newDir, newPath), r);
            } finally {
                newDir.release();
            }
        } finally {
            oldDir.release();
        }
    }

    /** symlinkat(2): creates {@code dir/linkPath} pointing at {@code target} (stored verbatim). */
    public static void symlink(String target, OwnedFd dir, String linkPath) throws KernelException {
        int d = dir.acquire();
        try {
            Native.Scratch s = Native.scratch();
            // SAFETY: as for rename: two disjoint NUL-terminated scratch strings made in the argument list.
            int r = LibcFs.symlinkat(cString(s, target), d, cString(s, linkPath));
            if (r < 0) throw KernelException.of("symlinkat", describe(dir, linkPath), r);
        } finally {
            dir.release();
        }
    }

    public static void symlink(String target, String linkPath) throws KernelException {
        symlink(target, OwnedFd.CWD, linkPath);
    }

    /** readlinkat(2): the link's target. With an empty path, reads the O_PATH symlink {@code dir} itself. */
    public static String readlink(OwnedFd dir, String path) throws KernelException {
        int d = dir.acquire();
        try {
            Native.Scratch s = Native.scratch();
            MemorySegment p = cString(s, path);
            MemorySegment buf = s.allocate(4097, 1);
            // SAFETY: buf has 4097 bytes and bufsiz is 4097, the most the kernel writes (no NUL added); p is the
            // NUL-terminated path. Both scratch, alive for the call (downcall) and read before the next scratch().
            long r = LibcFs.readlinkat(d, p, buf, 4097);
            if (r < 0) throw KernelException.of("readlinkat", describe(dir, path), r);
            if (r > 4096) throw new KernelException("readlinkat", describe(dir, path), Errno.ENAMETOOLONG);
            return FileNames.decode(buf, 0, (int) r);
        } finally {
            dir.release();
        }
    }

    public static String readlink(String path) throws KernelException {
        return readlink(OwnedFd.CWD, path);
    }

    // ---- changing metadata ----

    /** fchmodat(2); {@code flags} may be {@code AT_SYMLINK_NOFOLLOW} (EOPNOTSUPP on a symlink: Linux has no symlink modes). */
    public static void chmod(OwnedFd dir, String path, int mode, int flags) throws KernelException {
        int d = dir.acquire();
        try {
            // SAFETY: as for faccessat: a NUL-terminated scratch path made in the argument list.
            int r = LibcFs.fchmodat(d, cPath(path), mode, flags);
            if (r < 0) throw KernelException.of("fchmodat", describe(dir, path), r);
        } finally {
            dir.release();
        }
    }

    /** fchmod(2) (not for O_PATH descriptors: use {@code chmod(dir, path, ...)} on the parent). */
    public static void chmod(OwnedFd fd, int mode) throws KernelException {
        int n = fd.acquire();
        try {
            int r = LibcFs.fchmod(n, mode);
            if (r < 0) throw KernelException.of("fchmod", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    /**
     * fchownat(2); -1 leaves an id unchanged. {@code flags}: {@code AT_SYMLINK_NOFOLLOW}, and
     * {@code AT_EMPTY_PATH} with an empty path to change {@code dir} itself (works for O_PATH descriptors).
     */
    public static void chown(OwnedFd dir, String path, int uid, int gid, int flags) throws KernelException {
        int d = dir.acquire();
        try {
            // SAFETY: as for faccessat: a NUL-terminated scratch path made in the argument list.
            int r = LibcFs.fchownat(d, cPath(path), uid, gid, flags);
            if (r < 0) throw KernelException.of("fchownat", describe(dir, path), r);
        } finally {
            dir.release();
        }
    }

    /** fchown of an open descriptor (via fchownat with AT_EMPTY_PATH, so O_PATH descriptors work). */
    public static void chown(OwnedFd fd, int uid, int gid) throws KernelException {
        chown(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
    }

    /**
     * utimensat(2): sets access and modification times; a nanosecond value of {@link #UTIME_NOW} or
     * {@link #UTIME_OMIT} means "now" or "leave unchanged". {@code flags}: {@code AT_SYMLINK_NOFOLLOW},
     * {@code AT_EMPTY_PATH} (with an empty path: {@code dir} itself, O_PATH descriptors included).
     */
    public static void utimens(OwnedFd dir, String path, long atimeSec, long atimeNsec, long mtimeSec,
            long mtimeNsec, int flags) throws KernelException {
        int d = dir.acquire();
        try {
            Native.Scratch s = Native.scratch();
            MemorySegment p = cString(s, path);
            MemorySegment times = times(s, atimeSec, atimeNsec, mtimeSec, mtimeNsec);
            // SAFETY: p is the NUL-terminated path; times is the two 16-byte timespecs (32 bytes) the kernel reads.
            // Both from one scratch() just above; the downcall keeps them alive.
            int r = LibcFs.utimensat(d, p, times, flags);
            if (r < 0) throw KernelException.of("utimensat", describe(dir, path), r);
        } finally {
            dir.release();
        }
    }

    /** futimens(3) of an open (non-O_PATH) descriptor. */
    public static void utimens(OwnedFd fd, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
            throws KernelException {
        int n = fd.acquire();
        try {
            MemorySegment times = times(Native.scratch(), atimeSec, atimeNsec, mtimeSec, mtimeNsec);
            // SAFETY: times is the two 16-byte timespecs (32 bytes) the kernel reads; scratch made just above.
            int r = LibcFs.futimens(n, times);
            if (r < 0) throw KernelException.of("futimens", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    private static MemorySegment times(Native.Scratch s, long as, long ans, long ms, long mns) {
        MemorySegment t = s.allocate(Structs.TIMESPEC.byteSize() * 2);
        t.set(JAVA_LONG, 0, as);
        t.set(JAVA_LONG, 8, ans);
        t.set(JAVA_LONG, 16, ms);
        t.set(JAVA_LONG, 24, mns);
        return t;
    }

    // ---- open-file operations ----

    /** ftruncate(2). */
    public static void truncate(OwnedFd fd, long length) throws KernelException {
        int n = fd.acquire();
        try {
            int r;
            do r = LibcFs.ftruncate(n, length); while (r == EINTR);
            if (r < 0) throw KernelException.of("ftruncate", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    /** fallocate(2) with {@code FALLOC_FL_*} mode bits (0 = allocate and extend; PUNCH_HOLE needs KEEP_SIZE). */
    public static void allocate(OwnedFd fd, int mode, long offset, long length) throws KernelException {
        int n = fd.acquire();
        try {
            int r;
            do r = LibcFs.fallocate(n, mode, offset, length); while (r == EINTR);
            if (r < 0) throw KernelException.of("fallocate", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    /**
     * lseek(2); returns the new offset. For {@code SEEK_DATA}/{@code SEEK_HOLE}, returns -1 when there is no
     * data (or hole) at or after {@code offset} — the kernel's ENXIO, an ordinary answer there.
     */
    public static long seek(OwnedFd fd, long offset, int whence) throws KernelException {
        int n = fd.acquire();
        try {
            long r = LibcFs.lseek(n, offset, whence);
            if (r == -Errno.ENXIO.number() && (whence == SEEK_DATA || whence == SEEK_HOLE)) return -1;
            if (r < 0) throw KernelException.of("lseek", fd.description(), r);
            return r;
        } finally {
            fd.release();
        }
    }

    /**
     * copy_file_range(2) from {@code in} at {@code inPosition} to {@code out} at {@code outPosition} (file
     * positions are not used or moved); returns the bytes copied, 0 at end of input.
     */
    public static long copyFileRange(OwnedFd in, long inPosition, OwnedFd out, long outPosition, long length)
            throws KernelException {
        int i = in.acquire();
        try {
            int o = out.acquire();
            try {
                Native.Scratch s = Native.scratch();
                MemorySegment offIn = s.allocate(8);
                MemorySegment offOut = s.allocate(8);
                offIn.set(JAVA_LONG, 0, inPosition);
                offOut.set(JAVA_LONG, 0, outPosition);
                long r;
                // SAFETY: offIn and offOut are the 8-byte loff_t the kernel reads and updates (scratch, not reused in
                // the loop); the data moves between the two files only, never through this process's memory.
                do r = LibcFs.copyFileRange(i, offIn, o, offOut, length, 0); while (r == EINTR);
                if (r < 0) throw KernelException.of("copy_file_range", in.description() + " -> " + out.description(), r);
                return r;
            } finally {
                out.release();
            }
        } finally {
            in.release();
        }
    }

    public static void fsync(OwnedFd fd) throws KernelException {
        int n = fd.acquire();
        try {
            int r;
            do r = LibcFs.fsync(n); while (r == EINTR);
            if (r < 0) throw KernelException.of("fsync", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    public static void fdatasync(OwnedFd fd) throws KernelException {
        int n = fd.acquire();
        try {
            int r;
            do r = LibcFs.fdatasync(n); while (r == EINTR);
            if (r < 0) throw KernelException.of("fdatasync", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    // ---- device numbers (glibc encoding) ----

    public static long makedev(int major, int minor) {
        long ma = Integer.toUnsignedLong(major), mi = Integer.toUnsignedLong(minor);
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }

    public static int major(long dev) {
        return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
    }

    public static int minor(long dev) {
        return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
    }

    // ---- helpers ----

    static String describe(OwnedFd dir, String path) {
        if (dir == OwnedFd.CWD || path.startsWith("/")) return path;
        if (path.isEmpty()) return dir.description();
        return dir.description() + "/" + path;
    }

    /** A path with a NUL byte would be silently cut short by the kernel; refuse it instead. */
    static void checkPath(String path) throws KernelException {
        checkNoNul(path);
        // The kernel refuses longer paths anyway; refusing here keeps a huge one from costing native memory.
        if (path.length() > PATH_MAX) {
            throw new KernelException("path", path.substring(0, 64) + "... (" + path.length() + " chars)", Errno.ENAMETOOLONG);
        }
    }

    /** Refuses a string that would be cut short as a C string. */
    static void checkNoNul(String text) throws KernelException {
        if (text.indexOf('\0') >= 0) throw new KernelException("path", text.replace('\0', '?'), Errno.EINVAL);
    }

    /** The path as a C string in this thread's scratch memory (valid until the next scratch use). */
    static MemorySegment cPath(String path) throws KernelException {
        return cString(Native.scratch(), path);
    }

    static MemorySegment cString(Native.Scratch s, String path) throws KernelException {
        checkPath(path);
        try {
            return s.cString(path);
        } catch (IllegalArgumentException e) {
            throw new KernelException("path", path, Errno.EILSEQ);
        }
    }
}
