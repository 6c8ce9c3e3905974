package dev.j4l.kernel;

import dev.j4l.kernel.raw.Access;
import dev.j4l.kernel.raw.Libc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A file descriptor this object owns: it is closed exactly once, and no use can reach the kernel after that.
 *
 * <p>Every call on the descriptor holds a use count while it is in the kernel. {@link #close()} marks the
 * descriptor closed at once (later uses throw {@link IllegalStateException}) but the number is handed back to
 * the kernel only when the last in-flight use ends. So a call racing with {@code close()} on another thread
 * either completes on the right file or fails loudly; it can never land on a different file that reused the
 * number. Closing twice throws.
 */
public final class OwnedFd implements AutoCloseable {
    private static final long CLOSED = Long.MIN_VALUE;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(OwnedFd.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        Access.register(new Access.Fds() {
            @Override
            public int acquire(Object fd) {
                return ((OwnedFd) fd).acquire();
            }

            @Override
            public void release(Object fd) {
                ((OwnedFd) fd).release();
            }

            @Override
            public Object wrap(int fd, String description) {
                return new OwnedFd(fd, description);
            }
        });
    }

    private final int fd;
    private final String description;
    /** Sign bit: closed. Low bits: uses in flight. */
    @SuppressWarnings("unused")
    private volatile long state;

    OwnedFd(int fd, String description) {
        if (fd < 0) throw new IllegalArgumentException("negative descriptor " + fd);
        this.fd = fd;
        this.description = description;
    }

    /** What this descriptor refers to, for messages: a path, or a kind such as {@code eventfd}. */
    public String description() {
        return description;
    }

    public boolean isOpen() {
        return state >= 0;
    }

    int acquire() {
        while (true) {
            long s = state;
            if (s < 0) throw new IllegalStateException("use of closed descriptor: " + this);
            if (STATE.weakCompareAndSet(this, s, s + 1)) return fd;
        }
    }

    void release() {
        long after = (long) STATE.getAndAdd(this, -1L) - 1;
        if (after == CLOSED) closeNow();
    }

    /**
     * Closes the descriptor. Uses in flight on other threads finish first; the number is released when the
     * last of them returns.
     *
     * @throws IllegalStateException if it was already closed
     */
    @Override
    public void close() {
        while (true) {
            long s = state;
            if (s < 0) throw new IllegalStateException("descriptor closed twice: " + this);
            if (STATE.compareAndSet(this, s, s | CLOSED)) {
                if (s == 0) closeNow();
                return;
            }
        }
    }

    private void closeNow() {
        // close(2) releases the number even when it reports an error (e.g. EIO from NFS); nothing to retry.
        Libc.close(fd);
    }


    // ---- I/O. Each call holds a use for its duration; a negative raw result becomes a KernelException. ----

    /** read(2) into {@code buf[offset, offset+length)}; returns the bytes read, 0 at end of file. */
    public int read(NativeBuffer buf, long offset, int length) throws KernelException {
        java.lang.foreign.MemorySegment s = buf.segment.asSlice(offset, length);
        int n = acquire();
        try {
            long r = Libc.read(n, s, length);
            if (r < 0) throw KernelException.of("read", description, r);
            return (int) r;
        } finally {
            release();
        }
    }

    /** read(2) filling as much of {@code buf} as one call gives. */
    public int read(NativeBuffer buf) throws KernelException {
        return read(buf, 0, (int) Math.min(Integer.MAX_VALUE, buf.size()));
    }

    /** write(2) of {@code buf[offset, offset+length)}; returns the bytes written. */
    public int write(NativeBuffer buf, long offset, int length) throws KernelException {
        java.lang.foreign.MemorySegment s = buf.segment.asSlice(offset, length);
        int n = acquire();
        try {
            long r = Libc.write(n, s, length);
            if (r < 0) throw KernelException.of("write", description, r);
            return (int) r;
        } finally {
            release();
        }
    }

    /** pread(2) into {@code buf[offset, offset+length)} from file position {@code position}. */
    public int pread(NativeBuffer buf, long offset, int length, long position) throws KernelException {
        java.lang.foreign.MemorySegment s = buf.segment.asSlice(offset, length);
        int n = acquire();
        try {
            long r = Libc.pread(n, s, length, position);
            if (r < 0) throw KernelException.of("pread", description, r);
            return (int) r;
        } finally {
            release();
        }
    }

    /** pwrite(2) of {@code buf[offset, offset+length)} at file position {@code position}. */
    public int pwrite(NativeBuffer buf, long offset, int length, long position) throws KernelException {
        java.lang.foreign.MemorySegment s = buf.segment.asSlice(offset, length);
        int n = acquire();
        try {
            long r = Libc.pwrite(n, s, length, position);
            if (r < 0) throw KernelException.of("pwrite", description, r);
            return (int) r;
        } finally {
            release();
        }
    }

    /**
     * An ioctl whose argument points at {@code arg} (the kernel reads and/or writes it; its size must match
     * what the request number encodes). Returns the ioctl's non-negative result.
     */
    public int ioctl(long request, NativeBuffer arg) throws KernelException {
        int n = acquire();
        try {
            int r = Libc.ioctl(n, request, arg.segment);
            if (r < 0) throw KernelException.of("ioctl(0x" + Long.toHexString(request) + ")", description, r);
            return r;
        } finally {
            release();
        }
    }

    /** An ioctl whose argument is a plain value (or unused). */
    public int ioctl(long request, long value) throws KernelException {
        int n = acquire();
        try {
            int r = Libc.ioctl(n, request, value);
            if (r < 0) throw KernelException.of("ioctl(0x" + Long.toHexString(request) + ")", description, r);
            return r;
        } finally {
            release();
        }
    }

    /** Wraps a fresh descriptor from the kernel; the caller hands over ownership. */
    static OwnedFd adopt(int fd, String description) {
        return new OwnedFd(fd, description);
    }

    @Override
    public String toString() {
        return "fd " + fd + " (" + description + (state < 0 ? ", closed)" : ")");
    }
}
