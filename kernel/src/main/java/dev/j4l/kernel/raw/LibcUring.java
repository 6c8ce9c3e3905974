package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Raw io_uring: the three syscalls (no glibc wrappers) and mmap/munmap of the rings. Result or {@code -errno};
 * mmap returns the address or {@code -errno}.
 */
public final class LibcUring {
    private LibcUring() {}

    public static final long SYS_IO_URING_SETUP = 425;
    public static final long SYS_IO_URING_ENTER = 426;

    private static final MethodHandle MMAP = Native.downcall("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = Native.downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));

    public static int setup(int entries, MemorySegment params) {
        return (int) Libc.syscall(SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
    }

    public static int enter(int fd, int toSubmit, int minComplete, int flags) {
        return (int) Libc.syscall(SYS_IO_URING_ENTER, fd, toSubmit, minComplete, flags, 0, 0);
    }

    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        MemorySegment e = Native.errnoSlot();
        try {
            long r = (long) MMAP.invokeExact(e, 0L, length, prot, flags, fd, offset);
            return r == -1L ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int munmap(long address, long length) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) MUNMAP.invokeExact(e, address, length);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** A zero-length native address made into a segment of {@code size} bytes (restricted: kernel only). */
    public static MemorySegment segment(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }
}
