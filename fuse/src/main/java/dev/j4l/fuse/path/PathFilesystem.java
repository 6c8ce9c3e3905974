package dev.j4l.fuse.path;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.FileLock;
import dev.j4l.fuse.FuseCapability;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.SetAttr.TimeChange;
import dev.j4l.fuse.StatFs;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;

/**
 * A FUSE filesystem driver that names files by path, like libfuse's high-level API: {@code "/"} is the root,
 * {@code "/a/b"} the entry {@code b} of directory {@code /a}. The framework turns the kernel's inode requests
 * into these calls ({@link #inodes}) and owns everything an inode driver keeps: node ids and lookup counts,
 * the path of each node as directories are renamed, and files unlinked while open.
 *
 * <p>{@code H} is the driver's open-file handle type: what {@link #open} or {@link #create} answers is handed
 * back to every read, write, flush, fsync and {@link #release} of that open file ({@code null} when the driver
 * keeps none). A file unlinked while open stays readable and writable through its handle: when the driver can
 * rename, the framework first renames it to a hidden name in the same directory (not listed, not found by
 * lookups) and unlinks that name after the last release, so a driver reading by path keeps working; a driver
 * that cannot rename gets the unlink, and later calls on the open file carry the old path with the handle.
 *
 * <p>Every method may throw {@link ErrnoException}; the defaults answer ENOSYS for what is not implemented and
 * EROFS for changes, so a read-only driver implements {@link #getattr}, {@link #readdir} and {@link #read}.
 * Any other exception answers EIO and is logged with the operation, and the filesystem keeps serving. Methods
 * are called concurrently from several threads, except that a rename, unlink or rmdir runs alone (no other
 * call is in progress while it runs, so no call sees a path half renamed); only a lock request that waits
 * ({@link #setlk} or {@link #flock} with {@code sleep}, given the path the file had when it began) may still be
 * in progress meanwhile, so that the lock's holder can rename or unlink before it unlocks: the driver's own
 * rename is how it learns that the file it waits on moved. Paths and names are strings as
 * {@link dev.j4l.kernel.FileNames} decodes the kernel's bytes. The
 * {@link Request}, a read's {@link DataSink}, a write's {@link DataSource} and a readdir's {@link PathFiller}
 * are lent for the call: usable on its thread until it returns, and every use after that throws.
 *
 * {@snippet class=dev.j4l.fuse.path.PathExample region=driver}
 */
public interface PathFilesystem<H> {
    /**
     * This driver as an inode-API filesystem, to mount with {@link dev.j4l.fuse.FuseMount#mount}. Each call
     * makes a new layer with its own node table: mount each one once.
     */
    static <H> FuseFilesystem<PathNode, ?> inodes(PathFilesystem<H> fs) {
        return new PathLayer<>(fs);
    }

    /**
     * What the driver implements that changes the kernel's own behaviour: {@link FuseCapability#POSIX_LOCKS}
     * ({@link #getlk}/{@link #setlk}) and {@link FuseCapability#FLOCK_LOCKS} ({@link #flock}). None by default:
     * the kernel then keeps both kinds of lock itself, local to this machine. {@link FuseCapability#EXPORT} is
     * refused ({@link #inodes} throws IllegalArgumentException): paths cannot be found again by node id.
     */
    default java.util.Set<FuseCapability> capabilities() {
        return java.util.Set.of();
    }

    /** The attributes of {@code path}; throw ENOENT when it does not exist. */
    Attr getattr(Request r, String path, H handle) throws ErrnoException;

    /** Lists directory {@code path} into {@code out} ({@code .} and {@code ..} are added by the framework). */
    default void readdir(Request r, String path, PathFiller out) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /** Opens a file; {@code flags} are open(2)'s without O_CREAT, O_EXCL and O_NOCTTY. Answers the handle. */
    default H open(Request r, String path, int flags) throws ErrnoException {
        return null;
    }

    /** Reads up to {@code size} bytes at {@code offset} into {@code out}; fewer bytes mean end of file. */
    default void read(Request r, String path, H handle, long offset, int size, DataSink out) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /** Writes {@code data} at {@code offset}; answers the number of bytes written. */
    default int write(Request r, String path, H handle, long offset, DataSource data) throws ErrnoException {
        throw new ErrnoException(Errno.EROFS);
    }

    /** Called on each close(2) of a descriptor of the open file. */
    default void flush(Request r, String path, H handle) throws ErrnoException {}

    default void fsync(Request r, String path, H handle, boolean datasync) throws ErrnoException {}

    /**
     * Allocates ({@code mode} 0: the file grows to {@code offset + length} at least) or, with FALLOC_FL_* bits,
     * keeps the size or punches a hole. ENOSYS makes the kernel answer EOPNOTSUPP from then on.
     */
    default void fallocate(Request r, String path, H handle, int mode, long offset, long length) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /**
     * The next data ({@code whence} SEEK_DATA, 3) or hole (SEEK_HOLE, 4) at or after {@code offset}; ENXIO past
     * the end. ENOSYS makes the kernel treat the whole file as data from then on.
     */
    default long lseek(Request r, String path, H handle, long offset, int whence) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /** The last descriptor of the open file is gone; {@code path} is the last it had, even if it is gone. */
    default void release(Request r, String path, H handle) throws ErrnoException {}

    /** Creates and opens a regular file ({@code mode} with the umask applied); answers the handle. */
    default H create(Request r, String path, int mode, int flags) throws ErrnoException {
        throw new ErrnoException(Errno.EROFS);
    }

    default void mkdir(Request r, String path, int mode) throws ErrnoException {
        throw new ErrnoException(Errno.EROFS);
    }

    default void unlink(Request r, String path) throws ErrnoException {
        throw new ErrnoException(Errno.EROFS);
    }

    default void rmdir(Request r, String path) throws ErrnoException {
        throw new ErrnoException(Errno.EROFS);
    }

    /**
     * Renames {@code from} to {@code to}, replacing {@code to} unless {@code flags} says otherwise.
     *
     * @param flags 0, {@link dev.j4l.kernel.Fs#RENAME_NOREPLACE} or {@link dev.j4l.kernel.Fs#RENAME_EXCHANGE}
     */
    default void rename(Request r, String from, String to, int flags) throws ErrnoException {
        throw new ErrnoException(Errno.EROFS);
    }

    /** Creates the symbolic link {@code path} pointing at {@code target}. */
    default void symlink(Request r, String target, String path) throws ErrnoException {
        throw new ErrnoException(Errno.EROFS);
    }

    default String readlink(Request r, String path) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /**
     * Creates the hard link {@code to} to the existing file {@code from}. Each name is its own node to the
     * kernel (as in libfuse's high-level API without {@code use_ino}): {@code stat} shows the inode number the
     * driver reports, else a different one per name, and the link count the driver reports; another name's
     * count shows the change once the kernel's cached attributes of it expire. The default answers ENOSYS,
     * which the kernel turns into EPERM for {@code link(2)}.
     */
    default void link(Request r, String from, String to) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /**
     * Creates a fifo, socket or device node ({@code mode} carries the type, the umask applied; {@code rdev} the
     * device number of a character or block device, which the kernel sends only on a mount allowing devices).
     * The default answers ENOSYS: the framework then makes a regular file through {@link #create} and
     * {@link #release}, and refuses the other types with EPERM.
     */
    default void mknod(Request r, String path, int mode, int rdev) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /**
     * Sets the extended attribute {@code name} of {@code path}. {@code flags}:
     * {@link dev.j4l.kernel.Xattrs#XATTR_CREATE} (EEXIST when it exists), {@link dev.j4l.kernel.Xattrs#XATTR_REPLACE}
     * (ENODATA when it does not), or 0. Throw EOPNOTSUPP for a namespace the driver does not keep. The default
     * answers ENOSYS, after which the kernel answers every xattr call with EOPNOTSUPP without asking.
     */
    default void setxattr(Request r, String path, String name, byte[] value, int flags) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /**
     * The value of {@code name}; throw ENODATA when {@code path} has no such attribute. The framework answers
     * the kernel's size probes and ERANGE from the value returned.
     */
    default byte[] getxattr(Request r, String path, String name) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /** The names of the extended attributes of {@code path} (with their namespace: {@code user.a}). */
    default java.util.List<String> listxattr(Request r, String path) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /** Removes the extended attribute {@code name}; throw ENODATA when there is none. */
    default void removexattr(Request r, String path, String name) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /** Sets the size; {@code handle} is the open file of an {@code ftruncate}, else null. */
    default void truncate(Request r, String path, long size, H handle) throws ErrnoException {
        throw new ErrnoException(Errno.EROFS);
    }

    /** Sets the permission bits (and set-id and sticky bits); the file type is not part of {@code mode}. */
    default void chmod(Request r, String path, int mode) throws ErrnoException {
        throw new ErrnoException(Errno.EROFS);
    }

    /** Sets the owner; -1 leaves {@code uid} or {@code gid} as it is. */
    default void chown(Request r, String path, int uid, int gid) throws ErrnoException {
        throw new ErrnoException(Errno.EROFS);
    }

    /** Sets the access and modification times ({@link TimeChange#resolve} gives the new value). */
    default void utimens(Request r, String path, TimeChange atime, TimeChange mtime) throws ErrnoException {
        throw new ErrnoException(Errno.EROFS);
    }

    /**
     * May the caller ({@link Request#uid()}, {@link Request#gid()}) access {@code path}: {@code mask} is R_OK 4,
     * W_OK 2, X_OK 1 or F_OK 0, from access(2), faccessat(2) or chdir(2); throw EACCES to deny. Sent only to a
     * mount without {@link dev.j4l.fuse.MountOptions#defaultPermissions} (with it the kernel checks the modes
     * itself). The default answers ENOSYS, after which the kernel grants every such access without asking.
     */
    default void access(Request r, String path, int mask) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /**
     * copy_file_range(2) between two open files of this filesystem (the same file, too): copies up to
     * {@code length} bytes from {@code pathIn} at {@code offsetIn} to {@code pathOut} at {@code offsetOut} and
     * answers how many it copied (fewer at the end of the input). {@code flags} is the caller's (0 today). The
     * default answers ENOSYS, after which the kernel copies through read and write without asking.
     */
    default long copyFileRange(Request r, String pathIn, H handleIn, long offsetIn, String pathOut, H handleOut,
            long offsetOut, long length, long flags) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /**
     * fcntl(F_GETLK), with {@link FuseCapability#POSIX_LOCKS} declared: a lock that conflicts with {@code lock}
     * (its pid the holder's, or 0), or {@link FileLock#unlocked} when none does. {@code owner} identifies the
     * caller's lock owner (one per process and file table, not the pid).
     */
    default FileLock getlk(Request r, String path, H handle, long owner, FileLock lock) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /**
     * fcntl(F_SETLK/F_SETLKW), with {@link FuseCapability#POSIX_LOCKS} declared: takes, changes or (type
     * {@link FileLock#F_UNLCK}) drops {@code owner}'s lock on the range. Without {@code sleep}, throw EAGAIN on a
     * conflict; with it, wait: best through {@link Request#defer()} (answer {@code complete(null)} once granted,
     * {@code fail(EINTR)} from {@link dev.j4l.fuse.Deferred#onInterrupt}), because a call that blocks holds one of
     * the mount's worker threads (and on io_uring stalls its CPU's queue); a rename meanwhile does not wait for
     * a call waiting in place, so keep waiters where {@link #rename} moves them. On every close(2) of a
     * descriptor the framework drops that owner's locks on the whole file with an {@code F_UNLCK} setlk after
     * {@link #flush}, as the kernel leaves that to the filesystem: unlocking what is not locked must succeed.
     */
    default void setlk(Request r, String path, H handle, long owner, FileLock lock, boolean sleep)
            throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /**
     * flock(2), with {@link FuseCapability#FLOCK_LOCKS} declared: {@code type} {@link FileLock#F_RDLCK} (shared),
     * {@link FileLock#F_WRLCK} (exclusive) or {@link FileLock#F_UNLCK}; {@code owner} is the open file's (every
     * descriptor duplicated from it shares the lock). Without {@code sleep} (LOCK_NB) throw EAGAIN on a
     * conflict; waiting works as in {@link #setlk}. The last close of a file that holds one is an F_UNLCK flock
     * before its {@link #release}.
     */
    default void flock(Request r, String path, H handle, long owner, int type, boolean sleep) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    default StatFs statfs(Request r, String path) throws ErrnoException {
        return StatFs.EMPTY;
    }

    /** Called once when the filesystem is unmounted (or its session ends otherwise). */
    default void destroy() {}
}
