package dev.j4l.kernel;

import java.io.IOException;
import java.util.Objects;

/**
 * An operation failed with a Linux errno.
 *
 * <p>This is the currency of failure across j4l: the kernel layer throws it (as {@link KernelException},
 * which also names the syscall and its target), and drivers throw it to answer a request with an error,
 * e.g. {@code throw new ErrnoException(Errno.ENOENT)}. Drivers throw it on hot paths (a negative lookup),
 * so it carries no stack trace unless one is asked for.
 */
public class ErrnoException extends IOException {
    private final Errno errno;

    /** An error with no stack trace: cheap enough for a filesystem's ordinary "not found". */
    public ErrnoException(Errno errno) {
        this(errno, errno.name() + ": " + errno.description());
    }

    public ErrnoException(Errno errno, String message) {
        super(message);
        this.errno = Objects.requireNonNull(errno, "errno");
    }

    /** Subclasses that report real failures (rather than answers) return true to keep a stack trace. */
    protected boolean recordsStackTrace() {
        return false;
    }

    @Override
    public Throwable fillInStackTrace() {
        return recordsStackTrace() ? super.fillInStackTrace() : this;
    }

    public final Errno errno() {
        return errno;
    }
}
