package dev.j4l.kernel.raw;

import java.lang.foreign.MemorySegment;

/**
 * The bridge from safe types to the raw layer: how kernel-module code reaches the descriptor number inside an
 * {@code OwnedFd} and the segment inside a {@code NativeBuffer}. Lives in the non-exported package so driver
 * code can never reach either.
 */
public final class Access {
    private Access() {}

    /** Implemented by {@code OwnedFd}. */
    public interface Fds {
        /** Marks a use in flight and returns the number; throws if the descriptor is closed. */
        int acquire(Object ownedFd);

        void release(Object ownedFd);

        /** Wraps a descriptor number the caller owns (fresh from the kernel). */
        Object wrap(int fd, String description);
    }

    /** Implemented by {@code NativeBuffer}. */
    public interface Buffers {
        MemorySegment segment(Object nativeBuffer);

        /** {@code [offset, offset+length)} of the buffer, bounds-checked with a message that shows no address. */
        MemorySegment slice(Object nativeBuffer, long offset, long length);

        /** True for a buffer lent by a {@code BufferPool} or a {@code LoanScope}: its use ends before its memory does. */
        boolean hasLifetime(Object nativeBuffer);

        Object wrap(MemorySegment segment);
    }

    private static volatile Fds fds;
    private static volatile Buffers buffers;

    public static void register(Fds f) {
        fds = f;
    }

    public static void register(Buffers b) {
        buffers = b;
    }

    public static Fds fds() {
        Fds f = fds;
        if (f == null) {
            initialize("dev.j4l.kernel.OwnedFd");
            f = fds;
        }
        return f;
    }

    public static Buffers buffers() {
        Buffers b = buffers;
        if (b == null) {
            initialize("dev.j4l.kernel.NativeBuffer");
            b = buffers;
        }
        return b;
    }

    private static void initialize(String className) {
        try {
            Class.forName(className, true, Access.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
