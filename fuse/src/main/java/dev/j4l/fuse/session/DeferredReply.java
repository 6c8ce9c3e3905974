package dev.j4l.fuse.session;

import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.OwnedFd;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A reply sent later from any thread. The answer goes to the descriptor the request came from. The state
 * lives apart from the handle the driver holds, so a handle that is dropped unanswered can still be answered
 * (EIO, with a warning) by the cleaner.
 */
final class DeferredReply<T> implements Deferred<T> {
    private static final Cleaner CLEANER = Cleaner.create();

    /** Everything needed to answer; referenced by the cleaner, never by the handle's referent chain back. */
    static final class State implements Runnable {
        final FuseSession<?, ?> session;
        final OwnedFd fd;
        final long unique;
        final FuseOpcode op;
        final long nodeid;
        final int size;
        /** For a request that came through io_uring: its queue and entry (the reply must be committed there). */
        RingQueue ring;
        int ringEntry;
        final AtomicBoolean done = new AtomicBoolean();
        volatile boolean interrupted;

        State(FuseSession<?, ?> session, OwnedFd fd, long unique, FuseOpcode op, long nodeid, int size) {
            this.session = session;
            this.fd = fd;
            this.unique = unique;
            this.op = op;
            this.nodeid = nodeid;
            this.size = size;
        }

        /** Cleaner action: the driver dropped the handle without answering. */
        @Override
        public void run() {
            if (done.compareAndSet(false, true)) {
                session.deferredDropped(this);
            }
        }
    }

    private final State state;
    private final Cleaner.Cleanable cleanable;

    DeferredReply(State state) {
        this.state = state;
        this.cleanable = CLEANER.register(this, state);
    }

    State state() {
        return state;
    }

    @Override
    public boolean complete(T value) {
        if (!state.done.compareAndSet(false, true)) return false;
        cleanable.clean(); // no-op now that done is set; unregisters
        state.session.sendDeferred(state, value, null);
        return true;
    }

    @Override
    public boolean fail(Errno errno) {
        if (!state.done.compareAndSet(false, true)) return false;
        cleanable.clean();
        state.session.sendDeferred(state, null, errno);
        return true;
    }

    @Override
    public boolean isDone() {
        return state.done.get();
    }

    @Override
    public boolean isInterrupted() {
        return state.interrupted;
    }
}
