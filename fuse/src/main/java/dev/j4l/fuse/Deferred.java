package dev.j4l.fuse;

import dev.j4l.kernel.Errno;

/**
 * A request that will be answered later, from any thread ({@link Request#defer()}). Only the first
 * {@code complete} or {@code fail} is sent; later calls return false. A {@code Deferred} that becomes
 * unreachable without an answer is answered with EIO and a warning, so the caller is never left hanging.
 */
public interface Deferred<T> {
    /** Answers with a value (null for operations without one). Returns false if already answered. */
    boolean complete(T value);

    /** Answers with an error. Returns false if already answered. */
    boolean fail(Errno errno);

    boolean isDone();

    /** True once the kernel asked to interrupt the request. */
    boolean isInterrupted();

    /**
     * Runs {@code action} once when the kernel interrupts the request (the caller got a signal), or at once if
     * it already has; never after the request is answered. The usual action answers {@code fail(Errno.EINTR)}
     * and drops whatever the answer was waiting for, so a driver never has to poll {@link #isInterrupted}.
     * It runs on the thread that delivers the interrupt, which serves other requests too: keep it short.
     * One action per request; a second call replaces the first if that has not run.
     */
    void onInterrupt(Runnable action);
}
