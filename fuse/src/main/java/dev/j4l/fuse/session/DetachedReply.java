package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.OUT_HEADER;

import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.NativeBuffer;
import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The driver's handle on a reply it gives later, from any thread: the answer is encoded into a buffer of
 * its own and sent through the request's detached {@link ReplyChannel}. The state lives apart from the handle
 * the driver holds, so a handle dropped unanswered can still be answered (EIO, with a warning) by the cleaner.
 */
final class DetachedReply<T> implements Deferred<T> {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");
    private static final Cleaner CLEANER = Cleaner.create();

    /** Everything needed to answer; referenced by the cleaner, never by the handle's referent chain back. */
    static final class State implements Runnable {
        final FuseSession<?, ?> session;
        final ReplyChannel channel;
        final long unique;
        final FuseOpcode op;
        final long nodeid;
        final int size;
        final AtomicBoolean done = new AtomicBoolean();
        private volatile boolean interrupted;
        private Runnable onInterrupt;

        State(FuseSession<?, ?> session, ReplyChannel channel, long unique, FuseOpcode op, long nodeid, int size) {
            this.session = session;
            this.channel = channel;
            this.unique = unique;
            this.op = op;
            this.nodeid = nodeid;
            this.size = size;
        }

        /** The kernel interrupted the request: runs the driver's action once, unless the request is answered. */
        void interrupt() {
            Runnable action;
            synchronized (this) {
                interrupted = true;
                action = onInterrupt;
                onInterrupt = null;
            }
            if (action != null && !done.get()) runAction(action);
        }

        void onInterrupt(Runnable action) {
            synchronized (this) {
                if (!interrupted) {
                    onInterrupt = action;
                    return;
                }
            }
            if (!done.get()) runAction(action);
        }

        private void runAction(Runnable action) {
            try {
                action.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "FUSE driver's interrupt action for " + op + " (request " + unique
                        + ") failed", e);
            }
        }

        /** Ends the request without a reply (the session is over). */
        void abandon() {
            done.set(true);
            synchronized (this) {
                onInterrupt = null;
            }
        }

        /** Cleaner action: the driver dropped the handle without answering. */
        @Override
        public void run() {
            if (done.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "FUSE driver dropped a deferred " + op + " (node " + nodeid + ", request "
                        + unique + ") without answering; answering EIO");
                send(null, Errno.EIO);
            }
        }

        /** Encodes and sends the answer (exactly once: the caller won {@link #done}). */
        void send(Object value, Errno errno) {
            session.inFlight.detached(unique);
            synchronized (this) {
                onInterrupt = null;
            }
            ReplyBuilder.Undo undo = new ReplyBuilder.Undo();
            NativeBuffer b;
            int payload = 0;
            int error = 0;
            if (errno != null) {
                b = NativeBuffer.allocate(OUT_HEADER);
                error = -errno.number();
            } else {
                b = NativeBuffer.allocate(OUT_HEADER + ReplyBuilder.sizeHint(value));
                try {
                    payload = session.replies.answer(op, nodeid, value, b, size, undo);
                } catch (ErrnoException e) {
                    error = -e.errno().number();
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "FUSE deferred answer to " + op + " (node " + nodeid + ", request "
                            + unique + ") could not be encoded; answering EIO", e);
                    error = -Errno.EIO.number();
                }
            }
            if (error != 0) payload = 0;
            int refused = channel.reply(unique, error, b, payload);
            if (refused != 0) {
                if (undo.nodeid != 0) session.inodes.forget(undo.nodeid, 1);
                if (undo.fh != 0) session.releaseUnsent(undo.fh, undo.dir);
                session.replyRefused(op, unique, refused);
            }
        }
    }

    private final State state;
    private final Cleaner.Cleanable cleanable;

    DetachedReply(State state) {
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
        state.send(value, null);
        return true;
    }

    @Override
    public boolean fail(Errno errno) {
        if (!state.done.compareAndSet(false, true)) return false;
        cleanable.clean();
        state.send(null, errno);
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

    @Override
    public void onInterrupt(Runnable action) {
        state.onInterrupt(java.util.Objects.requireNonNull(action, "action"));
    }
}
