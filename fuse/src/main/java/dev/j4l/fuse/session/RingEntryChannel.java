package dev.j4l.fuse.session;

import dev.j4l.kernel.NativeBuffer;

/**
 * Replies to the request that arrived on one io_uring entry: committed on the queue's thread with the
 * entry's next fetch. Deferred replies go through {@link Later}, which hands them to that thread.
 */
record RingEntryChannel(RingQueue queue, int entry, Later later) implements ReplyChannel {

    RingEntryChannel(RingQueue queue, int entry) {
        this(queue, entry, new Later(queue, entry));
    }

    /** On the queue's thread. */
    @Override
    public int reply(long unique, int error, NativeBuffer out, int payload) {
        queue.commit(entry, out, ReplyChannel.header(out, payload, error, unique));
        return 0;
    }

    @Override
    public ReplyChannel detached() {
        return later;
    }

    /** The same entry answered from any thread: the reply is queued and the queue's thread woken to commit it. */
    record Later(RingQueue queue, int entry) implements ReplyChannel {
        @Override
        public int reply(long unique, int error, NativeBuffer out, int payload) {
            queue.commitLater(entry, out, ReplyChannel.header(out, payload, error, unique));
            return 0;
        }

        @Override
        public ReplyChannel detached() {
            return this;
        }
    }
}
