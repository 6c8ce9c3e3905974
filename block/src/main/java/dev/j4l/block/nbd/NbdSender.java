package dev.j4l.block.nbd;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sends one connection's replies from a thread of its own, in the order they are handed over, so the workers
 * that serve requests (shared by every client) hand a reply over and go on: a client that reads its replies
 * slowly stalls only its own sends, never another client's requests. The thread runs while replies wait and
 * ends after a while idle. What is handed over is a request's send task; the request keeps its slot, reply and
 * payload until that task has sent the reply.
 */
final class NbdSender {
    private static final long IDLE_SECONDS = 30;

    /**
     * One thread at most. Its queue never fills: it holds at most the connection's requests in flight, one of
     * which is being sent.
     */
    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(NbdConnection.MAX_IN_FLIGHT),
            r -> Thread.ofPlatform().daemon().name("nbd-sender").unstarted(r));

    NbdSender() {
        thread.allowCoreThreadTimeOut(true);
    }

    /** Queues {@code send} behind the replies already waiting, without blocking; false once stopped. */
    boolean offer(Runnable send) {
        try {
            thread.execute(send);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Takes nothing more; what is queued still runs (and fails at once if the connection is closed). */
    void stop() {
        thread.shutdown();
    }
}
