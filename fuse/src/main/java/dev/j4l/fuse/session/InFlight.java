package dev.j4l.fuse.session;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The requests of one session the kernel may still interrupt: those in a driver call on some request loop,
 * and those whose reply was deferred. INTERRUPT finds its target here.
 */
final class InFlight {
    private final List<RequestHandler<?, ?>> handlers = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<Long, DetachedReply.State> detached = new ConcurrentHashMap<>();

    void add(RequestHandler<?, ?> h) {
        handlers.add(h);
    }

    /** Delivers an INTERRUPT for {@code target}; false when neither a driver call nor a deferred reply holds it. */
    boolean interrupt(long target) {
        for (RequestHandler<?, ?> h : handlers) {
            CallContext c = h.current;
            if (c != null && c.interrupt(target)) return true;
        }
        DetachedReply.State s = detached.get(target);
        if (s != null) {
            s.interrupt();
            return true;
        }
        return false;
    }

    DetachedReply<?> detach(FuseSession<?, ?> session, ReplyChannel channel, CallContext c) {
        DetachedReply.State s = new DetachedReply.State(session, channel, c.unique, c.op, c.nodeid, c.size);
        detached.put(c.unique, s);
        return new DetachedReply<>(s);
    }

    /** The deferred reply to {@code unique} is being sent. */
    void detached(long unique) {
        detached.remove(unique);
    }

    /** The session ended: no deferred reply can be sent any more. */
    void abandonAll() {
        for (DetachedReply.State s : detached.values()) s.abandon();
        detached.clear();
    }
}
