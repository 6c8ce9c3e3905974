package dev.j4l.net;

/**
 * A network driver: what to do with each frame a port receives. Called on the receiving queue's worker
 * thread, so handlers of different queues run concurrently.
 *
 * <p>An exception from {@link #handle} drops that frame only: the engine counts it on the port, logs it
 * (rate-limited) and goes on with the next frame.
 */
@FunctionalInterface
public interface FrameHandler {
    /** Handles one frame; send it (or others) on with {@code egress}. The frame is valid during the call. */
    void handle(Frame frame, Egress egress) throws Exception;

    /** Called after each batch of frames read from one queue (a place to flush coalesced work). */
    default void endOfBatch(Port port, Egress egress) throws Exception {}
}
