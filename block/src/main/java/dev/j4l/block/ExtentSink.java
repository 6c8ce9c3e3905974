package dev.j4l.block;

/**
 * Where {@link BlockDriver#extents} reports a range's allocation: consecutive extents from the range's start,
 * each a length and an {@link Allocation}. Like {@link BlockData} it is lent for the call only and only on the
 * call's thread: kept, it throws.
 *
 * <p>The transport answers in whole blocks and keeps only what it can send, so a driver may report extents of
 * any positive length (a block that two extents share is described by the lesser of their allocations, see
 * {@link Allocation#meet}), may report neighbouring extents with the same allocation (they are merged), and may
 * stop early (the rest of the range is answered as {@link Allocation#DATA}, or left for the client to ask again).
 */
public interface ExtentSink {
    /**
     * The next {@code length} bytes (after those already reported) are stored as {@code allocation}. Returns
     * whether more are wanted: false once the range is covered or the transport has all it can send; later
     * calls are ignored.
     *
     * @throws IllegalArgumentException if {@code length} is not positive
     */
    boolean extent(long length, Allocation allocation);
}
