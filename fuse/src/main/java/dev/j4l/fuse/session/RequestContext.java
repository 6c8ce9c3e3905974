package dev.j4l.fuse.session;

import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The {@link Request} a worker hands to the driver: one per request, valid while the driver's call runs and,
 * when the call deferred its answer, until that answer is given; after that every method throws
 * {@link IllegalStateException} (a kept request never describes another one). Interrupt delivery is
 * synchronized with the driver call, so a late INTERRUPT never wakes the next request.
 */
final class RequestContext implements Request {
    private final Worker<?, ?> worker;
    private final Thread thread;
    /** Set when the driver's call returned; a deferred request lives on until its answer. */
    private volatile boolean ended;
    /** The deferred answer's state, once the call deferred. */
    private volatile DeferredReply.State deferredState;
    long unique;
    FuseOpcode op;
    int uid, gid, pid, umask;
    /** For deferred replies: the size the kernel asked for. */
    int size;
    long nodeid;
    /** The driver's attribute timeout for this reply; negative = the mount's. */
    long attrTimeout;
    private volatile boolean interrupted;
    private boolean inDriver;
    DeferredReply<?> deferred;

    RequestContext(Worker<?, ?> worker, Thread thread) {
        this.worker = worker;
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
            DeferredReply.State d = deferredState;
            if (d == null || d.done.get()) {
                throw new IllegalStateException("Request of " + op + " used after its call ended");
            }
        }
    }

    /** Delivers an INTERRUPT if this worker is serving {@code target}; false if it is not. */
    boolean interrupt(long target) {
        synchronized (this) {
            if (!inDriver || unique != target) return false;
            interrupted = true;
            if (deferred != null) deferred.state().interrupted = true;
            thread.interrupt();
            return true;
        }
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
        return groupsOf(pid);
    }

    static int[] groupsOf(int pid) throws ErrnoException {
        if (pid <= 0) throw new ErrnoException(Errno.ESRCH, "request has no caller process");
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Groups:")) {
                    String rest = line.substring(7).trim();
                    if (rest.isEmpty()) return new int[0];
                    return Arrays.stream(rest.split("\\s+")).mapToInt(Integer::parseUnsignedInt).toArray();
                }
            }
            return new int[0];
        } catch (IOException e) {
            throw new ErrnoException(Errno.ESRCH, "caller " + pid + " is gone");
        }
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
                deferred = worker.session.defer(worker.fd, worker.ring(), worker.ringEntry(), this);
                deferredState = deferred.state();
                if (interrupted) deferred.state().interrupted = true;
            }
            return (Deferred<T>) deferred;
        }
    }
}
