package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Raw libc downcalls for paths, directories, metadata, extended attributes, vectored I/O and file-descriptor
 * control. Same convention as {@link Libc}: result or {@code -errno}, no argument checks.
 */
public final class LibcFs {
    private LibcFs() {}

    private static final FunctionDescriptor I_I = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor I_II = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor I_IA = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);

    private static final MethodHandle STATX = Native.downcall("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle OPENAT2 = Native.downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle MKDIRAT = Native.downcall("mkdirat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MKNODAT = Native.downcall("mknodat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle UNLINKAT = Native.downcall("unlinkat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RENAMEAT2 = Native.downcall("renameat2",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LINKAT = Native.downcall("linkat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SYMLINKAT = Native.downcall("symlinkat",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle READLINKAT = Native.downcall("readlinkat",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle FCHMODAT = Native.downcall("fchmodat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCHMOD = Native.downcall("fchmod", I_II);
    private static final MethodHandle FCHOWNAT = Native.downcall("fchownat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle UTIMENSAT = Native.downcall("utimensat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle FUTIMENS = Native.downcall("futimens",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle FTRUNCATE = Native.downcall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle FALLOCATE = Native.downcall("fallocate64",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle LSEEK = Native.downcall("lseek64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle COPY_FILE_RANGE = Native.downcall("copy_file_range",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FSYNC = Native.downcall("fsync", I_I);
    private static final MethodHandle FDATASYNC = Native.downcall("fdatasync", I_I);
    private static final MethodHandle FGETXATTR = Native.downcall("fgetxattr",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle FSETXATTR = Native.downcall("fsetxattr",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FLISTXATTR = Native.downcall("flistxattr",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle FREMOVEXATTR = Native.downcall("fremovexattr", I_IA);
    private static final FunctionDescriptor LGETXATTR_DESC = FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
    private static final MethodHandle GETXATTR = Native.downcall("getxattr", LGETXATTR_DESC);
    private static final MethodHandle LGETXATTR = Native.downcall("lgetxattr", LGETXATTR_DESC);
    private static final FunctionDescriptor LSETXATTR_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle SETXATTR = Native.downcall("setxattr", LSETXATTR_DESC);
    private static final MethodHandle LSETXATTR = Native.downcall("lsetxattr", LSETXATTR_DESC);
    private static final FunctionDescriptor LLISTXATTR_DESC = FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
    private static final MethodHandle LISTXATTR = Native.downcall("listxattr", LLISTXATTR_DESC);
    private static final MethodHandle LLISTXATTR = Native.downcall("llistxattr", LLISTXATTR_DESC);
    private static final FunctionDescriptor LREMOVEXATTR_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle REMOVEXATTR = Native.downcall("removexattr", LREMOVEXATTR_DESC);
    private static final MethodHandle LREMOVEXATTR = Native.downcall("lremovexattr", LREMOVEXATTR_DESC);
    private static final MethodHandle FSTATFS = Native.downcall("fstatfs", I_IA);
    private static final MethodHandle STATFS = Native.downcall("statfs",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle READV = Native.downcall("readv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITEV = Native.downcall("writev",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle PREADV = Native.downcall("preadv64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle PWRITEV = Native.downcall("pwritev64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle DUP = Native.downcall("dup", I_I);
    private static final MethodHandle FCNTL_VAL = Native.downcall("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FCNTL_PTR = Native.downcall("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FLOCK = Native.downcall("flock", I_II);
    private static final MethodHandle FACCESSAT = Native.downcall("faccessat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETDENTS64 = Native.downcall("getdents64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    private static int ret(int r, MemorySegment e) {
        return r < 0 ? Native.negativeErrno(e) : r;
    }

    private static long ret(long r, MemorySegment e) {
        return r < 0 ? Native.negativeErrno(e) : r;
    }

    public static int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statx) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) STATX.invokeExact(e, dirfd, path, flags, mask, statx), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** openat2(2) (syscall 437): {@code how} is a {@code struct open_how}. */
    public static int openat2(int dirfd, MemorySegment path, MemorySegment how) {
        MemorySegment e = Native.errnoSlot();
        try {
            // SAFETY: the size passed is how's own, so the kernel reads only how; the downcall keeps both alive.
            return (int) ret((long) OPENAT2.invokeExact(e, Syscall.OPENAT2, (long) dirfd, path, how, how.byteSize()), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int mkdirat(int dirfd, MemorySegment path, int mode) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) MKDIRAT.invokeExact(e, dirfd, path, mode), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int mknodat(int dirfd, MemorySegment path, int mode, long dev) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) MKNODAT.invokeExact(e, dirfd, path, mode, dev), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int unlinkat(int dirfd, MemorySegment path, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) UNLINKAT.invokeExact(e, dirfd, path, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int renameat2(int olddir, MemorySegment oldpath, int newdir, MemorySegment newpath, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) RENAMEAT2.invokeExact(e, olddir, oldpath, newdir, newpath, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int linkat(int olddir, MemorySegment oldpath, int newdir, MemorySegment newpath, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) LINKAT.invokeExact(e, olddir, oldpath, newdir, newpath, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int symlinkat(MemorySegment target, int newdir, MemorySegment linkpath) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) SYMLINKAT.invokeExact(e, target, newdir, linkpath), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long readlinkat(int dirfd, MemorySegment path, MemorySegment buf, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) READLINKAT.invokeExact(e, dirfd, path, buf, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fchmodat(int dirfd, MemorySegment path, int mode, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FCHMODAT.invokeExact(e, dirfd, path, mode, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fchmod(int fd, int mode) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FCHMOD.invokeExact(e, fd, mode), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fchownat(int dirfd, MemorySegment path, int uid, int gid, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FCHOWNAT.invokeExact(e, dirfd, path, uid, gid, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code times} is two {@code struct timespec} (atime, mtime) or NULL for "now". */
    public static int utimensat(int dirfd, MemorySegment path, MemorySegment times, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) UTIMENSAT.invokeExact(e, dirfd, path, times, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int futimens(int fd, MemorySegment times) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FUTIMENS.invokeExact(e, fd, times), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int ftruncate(int fd, long length) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FTRUNCATE.invokeExact(e, fd, length), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fallocate(int fd, int mode, long offset, long length) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FALLOCATE.invokeExact(e, fd, mode, offset, length), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long lseek(int fd, long offset, int whence) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) LSEEK.invokeExact(e, fd, offset, whence), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code offIn}/{@code offOut} point at a 64-bit offset (updated by the kernel) or are NULL. */
    public static long copyFileRange(int fdIn, MemorySegment offIn, int fdOut, MemorySegment offOut, long length,
            int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) COPY_FILE_RANGE.invokeExact(e, fdIn, offIn, fdOut, offOut, length, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fsync(int fd) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FSYNC.invokeExact(e, fd), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fdatasync(int fd) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FDATASYNC.invokeExact(e, fd), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long fgetxattr(int fd, MemorySegment name, MemorySegment value, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) FGETXATTR.invokeExact(e, fd, name, value, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fsetxattr(int fd, MemorySegment name, MemorySegment value, long size, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FSETXATTR.invokeExact(e, fd, name, value, size, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long flistxattr(int fd, MemorySegment list, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) FLISTXATTR.invokeExact(e, fd, list, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fremovexattr(int fd, MemorySegment name) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FREMOVEXATTR.invokeExact(e, fd, name), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long lgetxattr(MemorySegment path, MemorySegment name, MemorySegment value, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) LGETXATTR.invokeExact(e, path, name, value, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int lsetxattr(MemorySegment path, MemorySegment name, MemorySegment value, long size, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) LSETXATTR.invokeExact(e, path, name, value, size, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long llistxattr(MemorySegment path, MemorySegment list, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) LLISTXATTR.invokeExact(e, path, list, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int lremovexattr(MemorySegment path, MemorySegment name) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) LREMOVEXATTR.invokeExact(e, path, name), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fstatfs(int fd, MemorySegment statfs) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FSTATFS.invokeExact(e, fd, statfs), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int statfs(MemorySegment path, MemorySegment statfs) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) STATFS.invokeExact(e, path, statfs), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long readv(int fd, MemorySegment iov, int count) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) READV.invokeExact(e, fd, iov, count), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long writev(int fd, MemorySegment iov, int count) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) WRITEV.invokeExact(e, fd, iov, count), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long preadv(int fd, MemorySegment iov, int count, long offset) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) PREADV.invokeExact(e, fd, iov, count, offset), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long pwritev(int fd, MemorySegment iov, int count, long offset) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) PWRITEV.invokeExact(e, fd, iov, count, offset), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int dup(int fd) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) DUP.invokeExact(e, fd), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fcntl(int fd, int cmd, long arg) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FCNTL_VAL.invokeExact(e, fd, cmd, arg), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fcntl(int fd, int cmd, MemorySegment arg) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FCNTL_PTR.invokeExact(e, fd, cmd, arg), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int flock(int fd, int operation) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FLOCK.invokeExact(e, fd, operation), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int faccessat(int dirfd, MemorySegment path, int mode, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FACCESSAT.invokeExact(e, dirfd, path, mode, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Fills {@code buf} with {@code struct linux_dirent64} records; 0 at the end of the directory. */
    public static long getdents64(int fd, MemorySegment buf, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) GETDENTS64.invokeExact(e, fd, buf, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** getxattr(2): follows symlinks (used on /proc/self/fd/N magic links). */
    public static long getxattr(MemorySegment path, MemorySegment name, MemorySegment value, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) GETXATTR.invokeExact(e, path, name, value, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** setxattr(2): follows symlinks (used on /proc/self/fd/N magic links). */
    public static int setxattr(MemorySegment path, MemorySegment name, MemorySegment value, long size, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) SETXATTR.invokeExact(e, path, name, value, size, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** listxattr(2): follows symlinks (used on /proc/self/fd/N magic links). */
    public static long listxattr(MemorySegment path, MemorySegment list, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) LISTXATTR.invokeExact(e, path, list, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** removexattr(2): follows symlinks (used on /proc/self/fd/N magic links). */
    public static int removexattr(MemorySegment path, MemorySegment name) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) REMOVEXATTR.invokeExact(e, path, name), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final MethodHandle NAME_TO_HANDLE_AT = Native.downcall("name_to_handle_at",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle OPEN_BY_HANDLE_AT = Native.downcall("open_by_handle_at",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    public static int nameToHandleAt(int dirfd, MemorySegment path, MemorySegment handle, MemorySegment mountId,
            int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) NAME_TO_HANDLE_AT.invokeExact(e, dirfd, path, handle, mountId, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int openByHandleAt(int mountFd, MemorySegment handle, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) OPEN_BY_HANDLE_AT.invokeExact(e, mountFd, handle, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
