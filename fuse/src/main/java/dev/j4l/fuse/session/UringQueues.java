package dev.j4l.fuse.session;

import dev.j4l.fuse.protocol.Negotiated;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.SchedPolicy;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The FUSE-over-io_uring queues of a session: made while INIT is answered (so a ring that cannot be made is
 * found out while {@code /dev/fuse} can still be chosen), started once the kernel has taken the INIT reply,
 * stopped with the session.
 */
final class UringQueues {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");
    /** Requests in flight per queue. */
    static final int DEPTH = 4;

    private final FuseSession<?, ?> session;
    private final List<RingQueue> queues = new CopyOnWriteArrayList<>();
    /** Set when the queues start, if their threads run SCHED_IDLE (see {@link RingStarvationGuard}). */
    private volatile RingStarvationGuard guard;

    UringQueues(FuseSession<?, ?> session) {
        this.session = session;
    }

    /**
     * Makes one io_uring per queue (the kernel wants one per possible CPU); false, with every ring made so far
     * closed, when any cannot be made.
     */
    boolean prepare(Negotiated n) {
        int count = RingQueue.possibleCpus();
        int payload = Math.max(8192, Math.max(n.maxWrite(), n.maxPages() * Negotiated.PAGE));
        List<RingQueue> made = new ArrayList<>();
        try {
            for (int q = 0; q < count; q++) {
                RequestHandler<?, ?>[] hs = new RequestHandler<?, ?>[DEPTH];
                for (int i = 0; i < hs.length; i++) hs[i] = session.newHandler();
                RingQueue rq = new RingQueue(session, hs, q, payload);
                made.add(rq);
                rq.open();
            }
        } catch (KernelException | RuntimeException e) {
            LOG.log(Level.WARNING, "FUSE io_uring unusable for " + session.label + " (" + e.getMessage()
                    + "); serving /dev/fuse");
            for (RingQueue rq : made) rq.close();
            return false;
        }
        queues.addAll(made);
        return true;
    }

    /** Starts the prepared queues, each on its own platform thread. */
    void start() {
        if (session.options.idleRingThreads()) {
            if (SchedPolicy.canLeaveIdle()) {
                RingStarvationGuard g = new RingStarvationGuard(session.label);
                g.start();
                guard = g;
            } else {
                LOG.log(Level.INFO, "FUSE io_uring queues of " + session.label + " keep the normal policy: without "
                        + "CAP_SYS_NICE a SCHED_IDLE thread could not be given the CPU back under load");
            }
        }
        for (RingQueue rq : queues) {
            Thread.ofPlatform().daemon(true).name("j4l-fuse-" + session.label + "-ring" + rq.qid).start(rq);
        }
    }

    /** Frees queues that never started (the INIT reply was refused). */
    void close() {
        for (RingQueue rq : queues) rq.close();
        queues.clear();
    }

    void stop() {
        for (RingQueue rq : queues) rq.stop();
        RingStarvationGuard g = guard;
        if (g != null) g.stop();
    }

    int count() {
        return queues.size();
    }

    RingStarvationGuard guard() {
        return guard;
    }
}
