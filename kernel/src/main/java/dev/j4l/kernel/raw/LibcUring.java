package dev.j4l.kernel.raw;

import java.lang.foreign.MemorySegment;

/**
 * Raw io_uring: the syscalls (no glibc wrappers); result or {@code -errno}. The rings are mapped with
 * {@link LibcMemory}.
 */
public final class LibcUring {
    private LibcUring() {}

    public static final long SYS_IO_URING_SETUP = 425;
    public static final long SYS_IO_URING_ENTER = 426;

    public static int setup(int entries, MemorySegment params) {
        // SAFETY: only params' address reaches the kernel (120 bytes read and written), and a raw address keeps
        // nothing alive: the caller keeps params' memory allocated until this returns.
        return (int) Libc.syscall(SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
    }

    public static int enter(int fd, int toSubmit, int minComplete, int flags) {
        return (int) Libc.syscall(SYS_IO_URING_ENTER, fd, toSubmit, minComplete, flags, 0, 0);
    }

}
