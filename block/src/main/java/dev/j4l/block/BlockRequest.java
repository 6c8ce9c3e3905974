package dev.j4l.block;

/**
 * One request submitted to an {@link AsyncBlockDriver}, checked against the device before the driver sees it
 * (inside it, aligned, allowed). The driver either answers it within {@link AsyncBlockDriver#submit} — by
 * returning (success; a READ's data put into {@link #data()}) or throwing — or calls {@link #defer()} and answers
 * it later, from any thread, through the {@link BlockCompletion}. The request object itself is lent for the
 * submit call only: used after it returns, or on another thread, it throws.
 */
public interface BlockRequest {
    BlockOp op();

    /** Where the range starts (0 for FLUSH). */
    long offset();

    /** The range's length in bytes (0 for FLUSH). */
    long length();

    /** WRITE, WRITE_ZEROES: the data must be durable when the request is answered. */
    boolean fua();

    /** WRITE_ZEROES: the range must stay allocated (see {@link BlockDriver#writeZeroes}). */
    boolean noHole();

    /**
     * READ: the room for the data (starts as zeroes); WRITE: the data. A window lent for the submit call only,
     * like every {@link BlockData}: a deferred READ is answered with {@link BlockCompletion#complete(byte[], int)}
     * instead, and a deferred WRITE must copy what it needs before submit returns.
     *
     * @throws IllegalStateException for the other operations
     */
    BlockData data();

    /**
     * Answers the request later: after submit returns, only the completion answers it, exactly once, from any
     * thread. A completion dropped unanswered is answered EIO (with a warning) when the collector finds it, so a
     * client never waits forever.
     *
     * @throws IllegalStateException if called twice
     */
    BlockCompletion defer();
}
