package dev.j4l.fuse.session;

import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.kernel.Credentials;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;

/**
 * The {@link Request} the pipeline hands to the driver: one per request, valid while the driver's call runs and,
 * when the call deferred its answer, until that answer is given; after that every method throws
 * {@link IllegalStateException} (a kept request never describes another one). Interrupt delivery is
 * synchronized with the driver call, so a late INTERRUPT never wakes the next request.
 */
final class CallContext implements Request {
    private final RequestHandler<?, ?> handler;
    private final ReplyChannel channel;
    private final Thread thread;
    /** Set when the driver's call returned; a deferred request lives on until its answer. */
    private volatile boolean ended;
    /** The deferred answer's state, once the call deferred. */
    private volatile DetachedReply.State deferredState;
    long unique;
    FuseOpcode op;
    int uid, gid, pid, umask;
    /** For deferred replies: the size the kernel asked for. */
    int size;
    /** READ's and WRITE's file status flags. */
    int fileFlags;
    long nodeid;
    /** The driver's attribute timeout for this reply; negative = the mount's. */
    long attrTimeout;
    private volatile boolean interrupted;
    private boolean inDriver;
    DetachedReply<?> deferred;

    CallContext(RequestHandler<?, ?> handler, ReplyChannel channel, Thread thread) {
        this.handler = handler;
        this.channel = channel;
        this.thread = thread;
    }

    void begin(long unique, FuseOpcode op, long nodeid, int uid, int gid, int pid) {
        synchronized (this) {
            this.unique = unique;
            this.op = op;
            this.nodeid = nodeid;
            this.uid = uid;
            this.gid = gid;
            this.pid = pid;
            this.umask = 0;
            this.size = 0;
            this.fileFlags = 0;
            this.attrTimeout = -1;
            this.deferred = null;
            this.interrupted = false;
            this.inDriver = true;
        }
    }

    void end() {
        synchronized (this) {
            inDriver = false;
            ended = true;
        }
        // Clear an interrupt that arrived while the driver ran, so it cannot leak into the next request.
        Thread.interrupted();
    }

    /** Throws unless the request is still current: its call runs, or its deferred answer is still to be given. */
    private void check() {
        if (ended) {
            DetachedReply.State d = deferredState;
            if (d == null || d.done.get()) {
                throw new IllegalStateException("Request of " + op + " used after its call ended");
            }
        }
    }

    /** Delivers an INTERRUPT if this worker is serving {@code target}; false if it is not. */
    boolean interrupt(long target) {
        DetachedReply.State later;
        synchronized (this) {
            if (!inDriver || unique != target) return false;
            interrupted = true;
            later = deferred == null ? null : deferred.state();
            thread.interrupt();
        }
        // The driver's interrupt action runs outside this lock: it may answer, and the call may end meanwhile.
        if (later != null) later.interrupt();
        return true;
    }

    @Override
    public long unique() {
        check();
        return unique;
    }

    @Override
    public String operation() {
        check();
        return op.name();
    }

    @Override
    public int uid() {
        check();
        return uid;
    }

    @Override
    public int gid() {
        check();
        return gid;
    }

    @Override
    public int pid() {
        check();
        return pid;
    }

    @Override
    public int umask() {
        check();
        return umask;
    }

    @Override
    public int[] supplementaryGroups() throws ErrnoException {
        check();
        if (pid <= 0) throw new ErrnoException(Errno.ESRCH, "request has no caller process");
        return Credentials.groupsOf(pid);
    }

    @Override
    public int fileFlags() {
        check();
        return fileFlags;
    }

    @Override
    public boolean isInterrupted() {
        check();
        return interrupted;
    }

    @Override
    public void setAttrTimeout(long nanos) {
        check();
        if (nanos < 0) throw new IllegalArgumentException("negative attribute timeout: " + nanos);
        attrTimeout = nanos;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Deferred<T> defer() {
        check();
        if (!inDriver || Thread.currentThread() != thread) {
            throw new IllegalStateException("defer() outside the driver call");
        }
        if (op == FuseOpcode.READDIR || op == FuseOpcode.READDIRPLUS) {
            throw new UnsupportedOperationException("readdir cannot be deferred");
        }
        synchronized (this) {
            if (deferred == null) {
                deferred = handler.detach(this, channel);
                deferredState = deferred.state();
                if (interrupted) deferred.state().interrupt();
            }
            return (Deferred<T>) deferred;
        }
    }
}
