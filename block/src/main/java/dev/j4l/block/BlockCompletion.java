package dev.j4l.block;

import dev.j4l.kernel.Errno;

/**
 * The later answer of a deferred {@link BlockRequest}, given once from any thread; later calls do nothing and
 * return false.
 */
public interface BlockCompletion {
    /**
     * Success, for any operation but READ.
     *
     * @throws IllegalStateException for a READ, which needs its data
     */
    boolean complete();

    /**
     * Success of a READ: its {@link BlockRequest#length()} bytes are {@code data[offset..]}, copied before this
     * returns (the array stays the driver's).
     *
     * @throws IllegalStateException for another operation
     * @throws IndexOutOfBoundsException if {@code data} holds fewer bytes from {@code offset}
     */
    boolean complete(byte[] data, int offset);

    /** Failure with {@code errno}. */
    boolean fail(Errno errno);

    /** Whether the request has been answered. */
    boolean isDone();
}
