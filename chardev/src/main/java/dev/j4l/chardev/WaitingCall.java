package dev.j4l.chardev;

import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.Request;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A read or write that found nothing to do on a blocking open file and waits, answered later through its
 * {@link Deferred}. Whoever claims it ({@link #claim}) alone may answer it: the wake-up loop that asks the driver
 * again, or the caller's signal.
 */
final class WaitingCall<S> {
    final Request request;
    final OpenFile<S> file;
    /** A read's size; a write's bytes (copied: the request's view died with its call). */
    final int size;
    final byte[] data;
    final Deferred<Object> answer;
    private final AtomicBoolean busy = new AtomicBoolean();

    WaitingCall(Request request, OpenFile<S> file, int size, byte[] data, Deferred<Object> answer) {
        this.request = request;
        this.file = file;
        this.size = size;
        this.data = data;
        this.answer = answer;
    }

    boolean isRead() {
        return data == null;
    }

    boolean claim() {
        return busy.compareAndSet(false, true);
    }

    void unclaim() {
        busy.set(false);
    }
}
