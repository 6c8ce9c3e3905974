package dev.j4l.kernel.raw;

import dev.j4l.kernel.abi.IoUringAbi;
import java.lang.foreign.MemorySegment;

/**
 * Raw io_uring: the syscalls (no glibc wrappers); result or {@code -errno}. The rings are mapped with
 * {@link LibcMemory}.
 */
public final class LibcUring {
    private LibcUring() {}

    public static int setup(int entries, MemorySegment params) {
        if (params.byteSize() < IoUringAbi.PARAMS_SIZE) throw new IllegalArgumentException("io_uring_params too small");
        // SAFETY: only params' address reaches the kernel (io_uring_params, read and written), and a raw address
        // keeps nothing alive: the caller keeps params' memory allocated until this returns.
        return (int) Libc.syscall(IoUringAbi.SYS_SETUP, entries, params.address(), 0, 0, 0, 0);
    }

    public static int enter(int fd, int toSubmit, int minComplete, int flags) {
        return (int) Libc.syscall(IoUringAbi.SYS_ENTER, fd, toSubmit, minComplete, flags, 0, 0);
    }

    /**
     * {@code io_uring_register(fd, opcode, arg, nrArgs)} for an operation whose argument is {@code arg} itself:
     * the caller sizes {@code arg} for what {@code opcode} reads and writes through it given {@code nrArgs}.
     */
    public static int register(int fd, int opcode, MemorySegment arg, int nrArgs) {
        // SAFETY: only arg's address reaches the kernel, which touches what opcode and nrArgs say (the caller's
        // contract above); the caller keeps arg's memory allocated until this returns.
        return (int) Libc.syscall(IoUringAbi.SYS_REGISTER, fd, opcode, arg.address(), nrArgs, 0, 0);
    }
}
