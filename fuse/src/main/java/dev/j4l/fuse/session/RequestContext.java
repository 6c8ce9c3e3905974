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
 * The {@link Request} a worker hands to the driver: reused for every request of that worker. Interrupt
 * delivery is synchronized with the driver call, so a late INTERRUPT never wakes the next request.
 */
final class RequestContext implements Request {
    private final Worker<?, ?> worker;
    private final Thread thread;
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
            unique = 0;
        }
        // Clear an interrupt that arrived while the driver ran, so it cannot leak into the next request.
        Thread.interrupted();
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
        return unique;
    }

    @Override
    public String operation() {
        return op.name();
    }

    @Override
    public int uid() {
        return uid;
    }

    @Override
    public int gid() {
        return gid;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public int umask() {
        return umask;
    }

    @Override
    public int[] supplementaryGroups() throws ErrnoException {
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
        return interrupted;
    }

    @Override
    public void setAttrTimeout(long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("negative attribute timeout: " + nanos);
        attrTimeout = nanos;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Deferred<T> defer() {
        if (!inDriver) throw new IllegalStateException("defer() outside the driver call");
        if (op == FuseOpcode.READDIR || op == FuseOpcode.READDIRPLUS) {
            throw new UnsupportedOperationException("readdir cannot be deferred");
        }
        synchronized (this) {
            if (deferred == null) {
                deferred = worker.session.defer(worker.fd, worker.ring(), worker.ringEntry(), this);
                if (interrupted) deferred.state().interrupted = true;
            }
            return (Deferred<T>) deferred;
        }
    }
}
