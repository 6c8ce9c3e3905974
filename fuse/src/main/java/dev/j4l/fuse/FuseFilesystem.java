package dev.j4l.fuse;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.Xattrs;
import java.util.List;

/**
 * A FUSE filesystem driver: the low-level, inode-based operations the kernel sends, one method each.
 *
 * <p>{@code N} is the driver's node type and {@code H} its open-file handle type. The driver never sees a
 * kernel node id or file handle number: it names nodes by its own objects (returned in an {@link Entry}) and
 * open files by its own handles (returned in {@link Opened}); the framework maps both to numbers, counts the
 * kernel's references, and calls {@link #forget} when the kernel no longer knows a node.
 *
 * <p>Every method may throw {@link ErrnoException} to answer with that errno. Methods left at their default
 * answer ENOSYS, which the kernel treats per operation (see each method): for example it stops sending
 * FLUSH and treats it as success, or answers xattr calls with EOPNOTSUPP. Any other exception answers EIO
 * (ENOMEM for {@link OutOfMemoryError}), is logged with the operation, node and request id, and the
 * filesystem keeps serving. Methods are called concurrently from several threads.
 *
 * <p>Names, symlink targets and xattr names are the kernel's bytes, handed over as strings by
 * {@link dev.j4l.kernel.FileNames}: UTF-8 reads as usual, and each byte that is not UTF-8 becomes the escape
 * {@code U+DC80..U+DCFF}, turned back into that byte on the way out. A driver that stores and returns the
 * strings it was given therefore keeps every name exactly; one that stores bytes converts with
 * {@code FileNames} too. Symlink targets may be up to 4095 bytes, names up to 1024.
 *
 * <p>The smallest complete driver is the first of the example drivers, {@code dev.j4l.drivers.hello.HelloFs}: a
 * read-only filesystem of one file.
 */
public interface FuseFilesystem<N, H> {
    // write's writeFlags (FUSE_WRITE_* of fuse.h).
    /** A delayed write from the kernel's writeback cache: the caller may be long gone. */
    int FUSE_WRITE_CACHE = 1;
    /** The request carries a lock owner. */
    int FUSE_WRITE_LOCKOWNER = 1 << 1;
    /** The writer lacks CAP_FSETID: the file loses its set-user-ID bit, and its set-group-ID bit if group-executable. */
    int FUSE_WRITE_KILL_SUIDGID = 1 << 2;

    /** The root directory's node (kernel node id 1, never forgotten). */
    N root();

    /**
     * What this driver implements that changes the kernel's own behaviour (locks, export); declared, because
     * the framework never guesses from which methods a class overrides. None by default.
     */
    default java.util.Set<FuseCapability> capabilities() {
        return java.util.Set.of();
    }

    /** Called once the connection is negotiated, before any other request. */
    default void init(FuseConnection<N> connection) {}

    /** Called once when the session ends (unmount, abort or close). */
    default void destroy() {}

    /** Finds {@code name} in {@code parent}; throw ENOENT or answer {@link Entry#negative} when absent. */
    default Entry<N> lookup(Request r, N parent, String name) throws ErrnoException {
        throw enosys();
    }

    /** The kernel dropped its last reference to {@code node}; the driver may release what it keeps for it. */
    default void forget(N node) {}

    /** @param handle the open file the call was made through ({@code fstat}), or null */
    default Attr getattr(Request r, N node, H handle) throws ErrnoException {
        throw enosys();
    }

    /** Applies {@code changes} and answers the new attributes; see {@link SetAttr#applyTo}. */
    default Attr setattr(Request r, N node, H handle, SetAttr changes) throws ErrnoException {
        throw enosys();
    }

    default String readlink(Request r, N node) throws ErrnoException {
        throw enosys();
    }

    default Entry<N> symlink(Request r, N parent, String name, String target) throws ErrnoException {
        throw enosys();
    }

    /** Creates a file, device, fifo or socket; the umask is already applied to {@code mode}. */
    default Entry<N> mknod(Request r, N parent, String name, int mode, int rdev) throws ErrnoException {
        throw enosys();
    }

    default Entry<N> mkdir(Request r, N parent, String name, int mode) throws ErrnoException {
        throw enosys();
    }

    default void unlink(Request r, N parent, String name) throws ErrnoException {
        throw enosys();
    }

    default void rmdir(Request r, N parent, String name) throws ErrnoException {
        throw enosys();
    }

    /**
     * @param flags 0, {@link Fs#RENAME_NOREPLACE}, {@link Fs#RENAME_EXCHANGE} or {@link Fs#RENAME_WHITEOUT};
     *     answering ENOSYS to a flagged rename makes the kernel refuse flagged renames with EINVAL from then on
     */
    default void rename(Request r, N parent, String name, N newParent, String newName, int flags)
            throws ErrnoException {
        throw enosys();
    }

    /** Creates a hard link {@code newName} in {@code newParent} to {@code node}. */
    default Entry<N> link(Request r, N node, N newParent, String newName) throws ErrnoException {
        throw enosys();
    }

    /** Opens a file; {@code flags} are the open(2) flags without O_CREAT, O_EXCL and O_NOCTTY. */
    default Opened<H> open(Request r, N node, int flags) throws ErrnoException {
        return Opened.none();
    }

    /** Reads up to {@code size} bytes at {@code offset} into {@code out}; fewer bytes mean end of file. */
    default void read(Request r, N node, H handle, long offset, int size, DataSink out) throws ErrnoException {
        throw enosys();
    }

    /**
     * Writes {@code data} at {@code offset}; answers the number of bytes written.
     *
     * @param writeFlags {@link #FUSE_WRITE_CACHE}, {@link #FUSE_WRITE_LOCKOWNER}, {@link #FUSE_WRITE_KILL_SUIDGID}
     */
    default int write(Request r, N node, H handle, long offset, DataSource data, int writeFlags)
            throws ErrnoException {
        throw enosys();
    }

    default StatFs statfs(Request r, N node) throws ErrnoException {
        return StatFs.EMPTY;
    }

    /** Called on every close(2) of a descriptor; ENOSYS = success, never sent again. */
    default void flush(Request r, N node, H handle, long lockOwner) throws ErrnoException {
        throw enosys();
    }

    /** The last descriptor of an open file is gone; its handle is forgotten after this. */
    default void release(Request r, N node, H handle, int flags) throws ErrnoException {}

    /** ENOSYS = success, never sent again. */
    default void fsync(Request r, N node, H handle, boolean datasync) throws ErrnoException {
        throw enosys();
    }

    /**
     * ENOSYS = xattrs unsupported (EOPNOTSUPP) from then on. {@code flags}: {@link Xattrs#XATTR_CREATE},
     * {@link Xattrs#XATTR_REPLACE}.
     */
    default void setxattr(Request r, N node, String name, byte[] value, int flags) throws ErrnoException {
        throw enosys();
    }

    /** The value of {@code name}; throw ENODATA when absent. The framework handles size probes and ERANGE. */
    default byte[] getxattr(Request r, N node, String name) throws ErrnoException {
        throw enosys();
    }

    default List<String> listxattr(Request r, N node) throws ErrnoException {
        throw enosys();
    }

    default void removexattr(Request r, N node, String name) throws ErrnoException {
        throw enosys();
    }

    default Opened<H> opendir(Request r, N node, int flags) throws ErrnoException {
        return Opened.none();
    }

    /** Lists {@code dir} from {@code offset} (0 = start, else a cookie given with an earlier entry). */
    default void readdir(Request r, N dir, H handle, long offset, DirectoryFiller<N> out) throws ErrnoException {
        throw enosys();
    }

    default void releasedir(Request r, N node, H handle) throws ErrnoException {}

    /** ENOSYS = success, never sent again. */
    default void fsyncdir(Request r, N node, H handle, boolean datasync) throws ErrnoException {
        throw enosys();
    }

    /**
     * POSIX locks: declaring {@link FuseCapability#POSIX_LOCKS} makes the framework negotiate FUSE_POSIX_LOCKS;
     * otherwise the kernel keeps locks locally.
     */
    default FileLock getlk(Request r, N node, H handle, long owner, FileLock lock) throws ErrnoException {
        throw enosys();
    }

    /** @param sleep true for F_SETLKW (may block; expect interruption) */
    default void setlk(Request r, N node, H handle, long owner, FileLock lock, boolean sleep)
            throws ErrnoException {
        throw enosys();
    }

    /**
     * flock(2): declaring {@link FuseCapability#FLOCK_LOCKS} makes the framework negotiate FUSE_FLOCK_LOCKS.
     *
     * @param type {@link FileLock#F_RDLCK} (shared), {@link FileLock#F_WRLCK} (exclusive) or
     *     {@link FileLock#F_UNLCK}
     */
    default void flock(Request r, N node, H handle, long owner, int type, boolean sleep) throws ErrnoException {
        throw enosys();
    }

    /** ENOSYS = every access is granted from then on. {@code mask}: R_OK 4, W_OK 2, X_OK 1, F_OK 0. */
    default void access(Request r, N node, int mask) throws ErrnoException {
        throw enosys();
    }

    /** Creates and opens a regular file; ENOSYS makes the kernel use mknod + open from then on. */
    default Created<N, H> create(Request r, N parent, String name, int mode, int flags) throws ErrnoException {
        throw enosys();
    }

    /** O_TMPFILE: an unnamed file in {@code parent}. ENOSYS = never sent again. */
    default Created<N, H> tmpfile(Request r, N parent, int mode, int flags) throws ErrnoException {
        throw enosys();
    }

    /**
     * A restricted ioctl (its argument size is encoded in {@code cmd}); {@code in} holds the bytes the
     * caller passed, at most {@code outSize} bytes are copied back.
     */
    default IoctlResult ioctl(Request r, N node, H handle, int cmd, long arg, int flags, DataSource in,
            int outSize) throws ErrnoException {
        throw enosys();
    }

    /**
     * The ready events ({@code POLLIN} ...) of the file; {@code wakeup} is non-null when the kernel wants a
     * {@link FuseNotifier#pollWakeup} later. ENOSYS = always ready from then on.
     */
    default int poll(Request r, N node, H handle, int events, PollHandle wakeup) throws ErrnoException {
        throw enosys();
    }

    /** ENOSYS = EOPNOTSUPP from then on. */
    default void fallocate(Request r, N node, H handle, int mode, long offset, long length)
            throws ErrnoException {
        throw enosys();
    }

    /** SEEK_DATA (3) / SEEK_HOLE (4) support; ENOSYS = the kernel's generic lseek from then on. */
    default long lseek(Request r, N node, H handle, long offset, int whence) throws ErrnoException {
        throw enosys();
    }

    /** ENOSYS = the kernel copies through read and write from then on. */
    default long copyFileRange(Request r, N in, H inHandle, long inOffset, N out, H outHandle, long outOffset,
            long length, long flags) throws ErrnoException {
        throw enosys();
    }

    /** ENOSYS = statx is served from getattr from then on. */
    default Statx statx(Request r, N node, H handle, int flags, int mask) throws ErrnoException {
        throw enosys();
    }

    /**
     * Maps {@code block} (of {@code blocksize} bytes) of a file to a block of the device the filesystem lives
     * on ({@code FIBMAP}); sent only to a {@code fuseblk} mount. ENOSYS: the kernel never asks again.
     */
    default long bmap(Request r, N node, long block, int blocksize) throws ErrnoException {
        throw enosys();
    }

    /** Writes everything the filesystem holds to stable storage ({@code syncfs(2)}). ENOSYS: never sent again. */
    default void syncfs(Request r, N root) throws ErrnoException {
        throw enosys();
    }

    /** The exception the defaults throw. */
    static ErrnoException enosys() {
        return new ErrnoException(Errno.ENOSYS);
    }
}
