package dev.j4l.kernel;

/**
 * A system call failed. The message names the call, the path or descriptor it was made on, and the errno:
 * {@code openat("/srv/data/x"): ENOENT (No such file or directory)}.
 */
public final class KernelException extends ErrnoException {
    private final String syscall;
    private final String target;

    public KernelException(String syscall, String target, Errno errno) {
        super(errno, format(syscall, target, errno));
        this.syscall = syscall;
        this.target = target;
    }

    /** From the raw convention: a negative return value is {@code -errno}. */
    public static KernelException of(String syscall, String target, long negativeErrno) {
        return new KernelException(syscall, target, Errno.orEio((int) -negativeErrno));
    }

    @Override
    protected boolean recordsStackTrace() {
        return true;
    }

    public String syscall() {
        return syscall;
    }

    /** The path or descriptor the call was made on, or an empty string when it had none. */
    public String target() {
        return target;
    }

    private static String format(String syscall, String target, Errno errno) {
        return syscall + "(" + (target == null ? "" : target) + "): " + errno.name() + " (" + errno.description() + ")";
    }
}
