package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.Native;
import java.lang.foreign.MemorySegment;

/**
 * An eventfd(2): a 64-bit counter the kernel keeps, readable by {@link Poller} — the usual way to wake a
 * thread blocked in {@code poll} (e.g. to stop a server loop). {@link #signal(long)} adds to the counter;
 * {@link #read()} returns the counter and resets it (or, with {@link #SEMAPHORE}, decrements it by one).
 */
public final class EventFd implements AutoCloseable {
    public static final int NONBLOCK = Fs.O_NONBLOCK;
    public static final int SEMAPHORE = 1;
    private static final int EFD_CLOEXEC = Fs.O_CLOEXEC;
    private static final int EINTR = -Errno.EINTR.number(), EAGAIN = -Errno.EAGAIN.number();

    private final OwnedFd fd;

    private EventFd(OwnedFd fd) {
        this.fd = fd;
    }

    /** eventfd(2) with {@code NONBLOCK} and/or {@code SEMAPHORE}. */
    public static EventFd create(long initial, int flags) throws KernelException {
        if (initial < 0 || initial > 0xffffffffL) throw new IllegalArgumentException("initial value out of range: " + initial);
        int r = Libc.eventfd((int) initial, flags | EFD_CLOEXEC);
        if (r < 0) throw KernelException.of("eventfd", "", r);
        return new EventFd(OwnedFd.adopt(r, "eventfd"));
    }

    /** The descriptor, to register with a {@link Poller}. Owned by this object: close the EventFd, not it. */
    public OwnedFd fd() {
        return fd;
    }

    /**
     * Adds {@code value} (≥ 1) to the counter. Returns false instead of blocking when the counter would
     * overflow on a NONBLOCK eventfd.
     */
    public boolean signal(long value) throws KernelException {
        if (value < 1 || value == -1L) throw new IllegalArgumentException("eventfd value out of range: " + value);
        int n = fd.acquire();
        try {
            MemorySegment b = Native.scratch().allocate(8);
            b.set(JAVA_LONG, 0, value);
            long r;
            // SAFETY: b is the 8-byte value (scratch made just above) and count is 8: the kernel reads exactly b.
            do r = Libc.write(n, b, 8); while (r == EINTR);
            if (r == EAGAIN) return false;
            if (r < 0) throw KernelException.of("write", "eventfd", r);
            return true;
        } finally {
            fd.release();
        }
    }

    /**
     * Reads the counter (and resets it, or decrements it in SEMAPHORE mode). Blocks while it is 0, unless the
     * eventfd is NONBLOCK, in which case 0 is returned.
     */
    public long read() throws KernelException {
        int n = fd.acquire();
        try {
            MemorySegment b = Native.scratch().allocate(8);
            long r;
            // SAFETY: b has 8 bytes and count is 8, the most the kernel writes; scratch, read before the next scratch.
            do r = Libc.read(n, b, 8); while (r == EINTR);
            if (r == EAGAIN) return 0;
            if (r < 0) throw KernelException.of("read", "eventfd", r);
            return b.get(JAVA_LONG, 0);
        } finally {
            fd.release();
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
