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

    // Each downcall has its own holder class, initialized (linked) on first use, once and thread-safely: start-up
    // links only the calls it makes. After that the handle is a constant static final to the JIT, as before.
    private static final class Statx {
        static final MethodHandle DOWNCALL = Native.downcall("statx",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class Openat2 {
        static final MethodHandle DOWNCALL = Native.downcall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
    }
    private static final class Mkdirat {
        static final MethodHandle DOWNCALL = Native.downcall("mkdirat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Mknodat {
        static final MethodHandle DOWNCALL = Native.downcall("mknodat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    }
    private static final class Unlinkat {
        static final MethodHandle DOWNCALL = Native.downcall("unlinkat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Renameat2 {
        static final MethodHandle DOWNCALL = Native.downcall("renameat2",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Linkat {
        static final MethodHandle DOWNCALL = Native.downcall("linkat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Symlinkat {
        static final MethodHandle DOWNCALL = Native.downcall("symlinkat",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    }
    private static final class Readlinkat {
        static final MethodHandle DOWNCALL = Native.downcall("readlinkat",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    }
    private static final class Fchmodat {
        static final MethodHandle DOWNCALL = Native.downcall("fchmodat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }
    private static final class Fchmod {
        static final MethodHandle DOWNCALL = Native.downcall("fchmod", I_II);
    }
    private static final class Fchownat {
        static final MethodHandle DOWNCALL = Native.downcall("fchownat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Utimensat {
        static final MethodHandle DOWNCALL = Native.downcall("utimensat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }
    private static final class Futimens {
        static final MethodHandle DOWNCALL = Native.downcall("futimens",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class Ftruncate {
        static final MethodHandle DOWNCALL = Native.downcall("ftruncate",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    }
    private static final class Fallocate {
        static final MethodHandle DOWNCALL = Native.downcall("fallocate64",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }
    private static final class Lseek {
        static final MethodHandle DOWNCALL = Native.downcall("lseek64",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }
    private static final class CopyFileRange {
        static final MethodHandle DOWNCALL = Native.downcall("copy_file_range",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }
    private static final class Fsync {
        static final MethodHandle DOWNCALL = Native.downcall("fsync", I_I);
    }
    private static final class Fdatasync {
        static final MethodHandle DOWNCALL = Native.downcall("fdatasync", I_I);
    }
    private static final class Fgetxattr {
        static final MethodHandle DOWNCALL = Native.downcall("fgetxattr",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    }
    private static final class Fsetxattr {
        static final MethodHandle DOWNCALL = Native.downcall("fsetxattr",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    }
    private static final class Flistxattr {
        static final MethodHandle DOWNCALL = Native.downcall("flistxattr",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }
    private static final class Fremovexattr {
        static final MethodHandle DOWNCALL = Native.downcall("fremovexattr", I_IA);
    }
    private static final FunctionDescriptor LGETXATTR_DESC = FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
    private static final class Getxattr {
        static final MethodHandle DOWNCALL = Native.downcall("getxattr", LGETXATTR_DESC);
    }
    private static final class Lgetxattr {
        static final MethodHandle DOWNCALL = Native.downcall("lgetxattr", LGETXATTR_DESC);
    }
    private static final FunctionDescriptor LSETXATTR_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final class Setxattr {
        static final MethodHandle DOWNCALL = Native.downcall("setxattr", LSETXATTR_DESC);
    }
    private static final class Lsetxattr {
        static final MethodHandle DOWNCALL = Native.downcall("lsetxattr", LSETXATTR_DESC);
    }
    private static final FunctionDescriptor LLISTXATTR_DESC = FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
    private static final class Listxattr {
        static final MethodHandle DOWNCALL = Native.downcall("listxattr", LLISTXATTR_DESC);
    }
    private static final class Llistxattr {
        static final MethodHandle DOWNCALL = Native.downcall("llistxattr", LLISTXATTR_DESC);
    }
    private static final FunctionDescriptor LREMOVEXATTR_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    private static final class Removexattr {
        static final MethodHandle DOWNCALL = Native.downcall("removexattr", LREMOVEXATTR_DESC);
    }
    private static final class Lremovexattr {
        static final MethodHandle DOWNCALL = Native.downcall("lremovexattr", LREMOVEXATTR_DESC);
    }
    private static final class Fstatfs {
        static final MethodHandle DOWNCALL = Native.downcall("fstatfs", I_IA);
    }
    private static final class Statfs {
        static final MethodHandle DOWNCALL = Native.downcall("statfs",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }
    private static final class Readv {
        static final MethodHandle DOWNCALL = Native.downcall("readv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Writev {
        static final MethodHandle DOWNCALL = Native.downcall("writev",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Preadv {
        static final MethodHandle DOWNCALL = Native.downcall("preadv64",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    }
    private static final class Pwritev {
        static final MethodHandle DOWNCALL = Native.downcall("pwritev64",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    }
    private static final class Dup {
        static final MethodHandle DOWNCALL = Native.downcall("dup", I_I);
    }
    private static final class FcntlVal {
        static final MethodHandle DOWNCALL = Native.downcall("fcntl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    }
    private static final class FcntlPtr {
        static final MethodHandle DOWNCALL = Native.downcall("fcntl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.firstVariadicArg(2));
    }
    private static final class Flock {
        static final MethodHandle DOWNCALL = Native.downcall("flock", I_II);
    }
    private static final class Faccessat {
        static final MethodHandle DOWNCALL = Native.downcall("faccessat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }
    private static final class Getdents64 {
        static final MethodHandle DOWNCALL = Native.downcall("getdents64",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static int ret(int r, MemorySegment e) {
        return r < 0 ? Native.negativeErrno(e) : r;
    }

    private static long ret(long r, MemorySegment e) {
        return r < 0 ? Native.negativeErrno(e) : r;
    }

    public static int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statx) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Statx.DOWNCALL.invokeExact(e, dirfd, path, flags, mask, statx), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** openat2(2) (syscall 437): {@code how} is a {@code struct open_how}. */
    public static int openat2(int dirfd, MemorySegment path, MemorySegment how) {
        MemorySegment e = Native.errnoSlot();
        try {
            // SAFETY: the size passed is how's own, so the kernel reads only how; the downcall keeps both alive.
            return (int) ret((long) Openat2.DOWNCALL.invokeExact(e, Syscall.OPENAT2, (long) dirfd, path, how, how.byteSize()), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int mkdirat(int dirfd, MemorySegment path, int mode) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Mkdirat.DOWNCALL.invokeExact(e, dirfd, path, mode), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int mknodat(int dirfd, MemorySegment path, int mode, long dev) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Mknodat.DOWNCALL.invokeExact(e, dirfd, path, mode, dev), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int unlinkat(int dirfd, MemorySegment path, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Unlinkat.DOWNCALL.invokeExact(e, dirfd, path, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int renameat2(int olddir, MemorySegment oldpath, int newdir, MemorySegment newpath, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Renameat2.DOWNCALL.invokeExact(e, olddir, oldpath, newdir, newpath, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int linkat(int olddir, MemorySegment oldpath, int newdir, MemorySegment newpath, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Linkat.DOWNCALL.invokeExact(e, olddir, oldpath, newdir, newpath, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int symlinkat(MemorySegment target, int newdir, MemorySegment linkpath) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Symlinkat.DOWNCALL.invokeExact(e, target, newdir, linkpath), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long readlinkat(int dirfd, MemorySegment path, MemorySegment buf, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Readlinkat.DOWNCALL.invokeExact(e, dirfd, path, buf, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fchmodat(int dirfd, MemorySegment path, int mode, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Fchmodat.DOWNCALL.invokeExact(e, dirfd, path, mode, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fchmod(int fd, int mode) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Fchmod.DOWNCALL.invokeExact(e, fd, mode), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fchownat(int dirfd, MemorySegment path, int uid, int gid, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Fchownat.DOWNCALL.invokeExact(e, dirfd, path, uid, gid, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code times} is two {@code struct timespec} (atime, mtime) or NULL for "now". */
    public static int utimensat(int dirfd, MemorySegment path, MemorySegment times, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Utimensat.DOWNCALL.invokeExact(e, dirfd, path, times, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int futimens(int fd, MemorySegment times) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Futimens.DOWNCALL.invokeExact(e, fd, times), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int ftruncate(int fd, long length) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Ftruncate.DOWNCALL.invokeExact(e, fd, length), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fallocate(int fd, int mode, long offset, long length) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Fallocate.DOWNCALL.invokeExact(e, fd, mode, offset, length), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long lseek(int fd, long offset, int whence) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Lseek.DOWNCALL.invokeExact(e, fd, offset, whence), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code offIn}/{@code offOut} point at a 64-bit offset (updated by the kernel) or are NULL. */
    public static long copyFileRange(int fdIn, MemorySegment offIn, int fdOut, MemorySegment offOut, long length,
            int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) CopyFileRange.DOWNCALL.invokeExact(e, fdIn, offIn, fdOut, offOut, length, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fsync(int fd) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Fsync.DOWNCALL.invokeExact(e, fd), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fdatasync(int fd) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Fdatasync.DOWNCALL.invokeExact(e, fd), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long fgetxattr(int fd, MemorySegment name, MemorySegment value, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Fgetxattr.DOWNCALL.invokeExact(e, fd, name, value, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fsetxattr(int fd, MemorySegment name, MemorySegment value, long size, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Fsetxattr.DOWNCALL.invokeExact(e, fd, name, value, size, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long flistxattr(int fd, MemorySegment list, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Flistxattr.DOWNCALL.invokeExact(e, fd, list, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fremovexattr(int fd, MemorySegment name) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Fremovexattr.DOWNCALL.invokeExact(e, fd, name), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long lgetxattr(MemorySegment path, MemorySegment name, MemorySegment value, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Lgetxattr.DOWNCALL.invokeExact(e, path, name, value, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int lsetxattr(MemorySegment path, MemorySegment name, MemorySegment value, long size, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Lsetxattr.DOWNCALL.invokeExact(e, path, name, value, size, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long llistxattr(MemorySegment path, MemorySegment list, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Llistxattr.DOWNCALL.invokeExact(e, path, list, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int lremovexattr(MemorySegment path, MemorySegment name) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Lremovexattr.DOWNCALL.invokeExact(e, path, name), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fstatfs(int fd, MemorySegment statfs) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Fstatfs.DOWNCALL.invokeExact(e, fd, statfs), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int statfs(MemorySegment path, MemorySegment statfs) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Statfs.DOWNCALL.invokeExact(e, path, statfs), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long readv(int fd, MemorySegment iov, int count) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Readv.DOWNCALL.invokeExact(e, fd, iov, count), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long writev(int fd, MemorySegment iov, int count) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Writev.DOWNCALL.invokeExact(e, fd, iov, count), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long preadv(int fd, MemorySegment iov, int count, long offset) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Preadv.DOWNCALL.invokeExact(e, fd, iov, count, offset), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long pwritev(int fd, MemorySegment iov, int count, long offset) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Pwritev.DOWNCALL.invokeExact(e, fd, iov, count, offset), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int dup(int fd) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Dup.DOWNCALL.invokeExact(e, fd), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fcntl(int fd, int cmd, long arg) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FcntlVal.DOWNCALL.invokeExact(e, fd, cmd, arg), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fcntl(int fd, int cmd, MemorySegment arg) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) FcntlPtr.DOWNCALL.invokeExact(e, fd, cmd, arg), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int flock(int fd, int operation) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Flock.DOWNCALL.invokeExact(e, fd, operation), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int faccessat(int dirfd, MemorySegment path, int mode, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Faccessat.DOWNCALL.invokeExact(e, dirfd, path, mode, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Fills {@code buf} with {@code struct linux_dirent64} records; 0 at the end of the directory. */
    public static long getdents64(int fd, MemorySegment buf, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Getdents64.DOWNCALL.invokeExact(e, fd, buf, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** getxattr(2): follows symlinks (used on /proc/self/fd/N magic links). */
    public static long getxattr(MemorySegment path, MemorySegment name, MemorySegment value, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Getxattr.DOWNCALL.invokeExact(e, path, name, value, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** setxattr(2): follows symlinks (used on /proc/self/fd/N magic links). */
    public static int setxattr(MemorySegment path, MemorySegment name, MemorySegment value, long size, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Setxattr.DOWNCALL.invokeExact(e, path, name, value, size, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** listxattr(2): follows symlinks (used on /proc/self/fd/N magic links). */
    public static long listxattr(MemorySegment path, MemorySegment list, long size) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Listxattr.DOWNCALL.invokeExact(e, path, list, size), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** removexattr(2): follows symlinks (used on /proc/self/fd/N magic links). */
    public static int removexattr(MemorySegment path, MemorySegment name) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Removexattr.DOWNCALL.invokeExact(e, path, name), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static final class NameToHandleAt {
        static final MethodHandle DOWNCALL = Native.downcall("name_to_handle_at",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
    }
    private static final class OpenByHandleAt {
        static final MethodHandle DOWNCALL = Native.downcall("open_by_handle_at",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    public static int nameToHandleAt(int dirfd, MemorySegment path, MemorySegment handle, MemorySegment mountId,
            int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) NameToHandleAt.DOWNCALL.invokeExact(e, dirfd, path, handle, mountId, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int openByHandleAt(int mountFd, MemorySegment handle, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) OpenByHandleAt.DOWNCALL.invokeExact(e, mountFd, handle, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
