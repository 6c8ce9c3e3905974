package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.*;

import dev.j4l.fuse.BackingId;
import dev.j4l.fuse.FileLock;
import dev.j4l.fuse.FuseConnection;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.FuseNotifier;
import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.inode.HandleTable;
import dev.j4l.fuse.inode.InodeTable;
import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.kernel.abi.FuseAbi.InitFlags;
import dev.j4l.fuse.protocol.Negotiated;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.SchedPolicy;
import dev.j4l.kernel.Poller;
import dev.j4l.kernel.ProcFiles;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One FUSE connection being served: the device descriptor, the worker threads, the inode and handle
 * ledgers, INIT negotiation, interrupts, deferred replies and notifications. Mounting is not its business
 * (see {@code dev.j4l.fuse.mount.Mounter}): it serves whatever connection its descriptor belongs to.
 */
public final class FuseSession<N, H> {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");

    final FuseFilesystem<N, H> fs;
    final MountOptions options;
    final InodeTable<N> inodes;
    final HandleTable<H> handles = new HandleTable<>();
    final ReplyEncoder<N, H> encoder;
    final boolean posixLocks;
    final boolean flock;
    private final OwnedFd device;
    private final String label;
    private final Notifier<N> notifier;
    private final Connection connection = new Connection();
    private final List<Worker<N, H>> workers = new CopyOnWriteArrayList<>();
    private final List<OwnedFd> clones = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final ConcurrentHashMap<Long, DeferredReply.State> deferred = new ConcurrentHashMap<>();
    private final CountDownLatch initDone = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final AtomicBoolean passthroughWarned = new AtomicBoolean();
    private final int inSize;
    private final int outSize;
    private volatile boolean serving;
    private volatile int endErrno;
    private volatile String initFailure;
    private volatile boolean abandoned;

    public FuseSession(FuseFilesystem<N, H> fs, MountOptions options, OwnedFd device) {
        this.fs = fs;
        this.options = options;
        this.device = device;
        this.label = options.subtype() != null ? options.subtype() : options.fsname();
        this.inodes = new InodeTable<>(fs.root(), this::forgotten);
        this.encoder = new ReplyEncoder<>(this, inodes, handles, options.entryTimeout().toNanos(),
                options.attrTimeout().toNanos());
        this.notifier = new Notifier<>(this);
        this.posixLocks = overrides(fs, "getlk", Request.class, Object.class, Object.class, long.class,
                FileLock.class) || overrides(fs, "setlk", Request.class, Object.class, Object.class, long.class,
                FileLock.class, boolean.class);
        this.flock = overrides(fs, "flock", Request.class, Object.class, Object.class, long.class, int.class,
                boolean.class);
        // Largest request: in-header + write_in + max_write (or a 64 KiB xattr), plus slack for extensions.
        int payload = Math.max(Math.max(roundPages(options.maxWrite()), 128 * 1024), 64 * 1024);
        this.inSize = IN_HEADER + RW_IN + payload + 4096;
        this.outSize = OUT_HEADER + payload + 4096;
    }

    private static int roundPages(int n) {
        return (n + 4095) & ~4095;
    }

    private static boolean overrides(Object fs, String name, Class<?>... params) {
        try {
            return fs.getClass().getMethod(name, params).getDeclaringClass() != FuseFilesystem.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Starts the first worker on the session descriptor; it answers INIT. */
    public void start() {
        serving = true;
        startWorker(device, 0);
    }

    /**
     * Adds the remaining workers, each on a clone of the session descriptor (once the connection is
     * mounted); falls back to sharing the session descriptor when cloning is refused.
     */
    public void startMoreWorkers() {
        // On io_uring, /dev/fuse carries only FORGET, INTERRUPT and notification replies: one reader serves them,
        // and every other reader blocked in read(2) would be one more thread for the kernel to wake per FORGET.
        int want = rings.isEmpty() ? options.workers() : 1;
        for (int i = 1; i < want; i++) {
            // Count the new worker as running before touching the device: once every worker has ended, the
            // session closes the device, and a pool that grew after that would serve nothing and leak clones.
            if (!reserveWorker()) return; // the connection already ended (e.g. unmounted right after INIT)
            OwnedFd fd;
            try {
                fd = FuseDevice.cloneOf(device);
                clones.add(fd);
            } catch (KernelException e) {
                LOG.log(Level.INFO, "FUSE: cannot clone /dev/fuse (" + e.getMessage() + "); workers share one descriptor");
                fd = device;
            }
            launchWorker(fd, i);
        }
    }

    /** Adds one to the running workers unless none is left (then the session has ended or is ending). */
    private boolean reserveWorker() {
        while (true) {
            int n = running.get();
            if (n == 0) return false;
            if (running.compareAndSet(n, n + 1)) return true;
        }
    }

    private void startWorker(OwnedFd fd, int index) {
        running.incrementAndGet();
        launchWorker(fd, index);
    }

    /** Starts a worker already counted in {@link #running}. */
    private void launchWorker(OwnedFd fd, int index) {
        Worker<N, H> w = new Worker<>(this, fd, label + "-" + index, inSize, outSize);
        workers.add(w);
        // Platform threads: a blocking read in a downcall would pin a virtual thread's carrier anyway.
        Thread t = Thread.ofPlatform().daemon(true).name("j4l-fuse-" + label + "-" + index).unstarted(w);
        t.start();
    }

    /**
     * Marks the session as never to be served: a later INIT (from a mount made only to wake a reader that a
     * failed sync-init mount left blocked) is refused and the driver is never called.
     */
    public void abandon() {
        abandoned = true;
    }

    /** Waits for INIT to be answered; false on timeout. Throws if INIT failed. */
    public boolean awaitInit(Duration timeout) throws IOException {
        try {
            boolean ok = initDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (initFailure != null) throw new IOException(initFailure);
            return ok;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for FUSE INIT", e);
        }
    }

    /** Waits until every worker has stopped (the connection ended); false on timeout. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /** True while the connection is up. */
    public boolean isServing() {
        return serving;
    }

    /**
     * Asks the kernel, without waiting for a worker to notice, whether this connection still exists: /dev/fuse
     * polls with POLLERR once the connection is gone (unmounted and released, or aborted). That happens before
     * the kernel can hand the connection's device number to a new mount, so a caller that sees true may trust
     * the number.
     */
    public boolean connectionAlive() {
        if (isTerminated() || !device.isOpen()) return false;
        try {
            Poller p = new Poller(1);
            p.add(device, Poller.POLLIN);
            p.poll(0);
            return !p.isReady(0, (short) (Poller.POLLERR | Poller.POLLNVAL));
        } catch (KernelException | IllegalStateException e) {
            return false;
        }
    }

    /** How the session ended: ENODEV (unmounted), ECONNABORTED (aborted), or null while running. */
    public Errno endReason() {
        int e = endErrno;
        return e == 0 ? null : Errno.orEio(e);
    }

    public FuseNotifier<N> notifier() {
        return notifier;
    }

    public Negotiated negotiated() {
        return encoder.negotiated();
    }

    /** The inode ledger (for diagnostics and tests). */
    public InodeTable<N> inodes() {
        return inodes;
    }

    public int openHandles() {
        return handles.size();
    }

    OwnedFd device() {
        return device;
    }

    // ---- INIT ----

    void init(Worker<N, H> w, NativeBuffer in, NativeBuffer out) {
        long unique = in.getLong(IN_UNIQUE);
        int major = in.getInt(IN_HEADER + INIT_MAJOR);
        int minor = in.getInt(IN_HEADER + INIT_MINOR);
        if (major > KERNEL_VERSION) {
            // Tell the kernel our major; it retries INIT with it.
            out.fill(OUT_HEADER, INIT_OUT, (byte) 0);
            out.putInt(OUT_HEADER + INIT_MAJOR, KERNEL_VERSION);
            out.putInt(OUT_HEADER + INIT_MINOR, KERNEL_MINOR);
            write(w.fd, out, OUT_HEADER + INIT_OUT, 0, unique);
            return;
        }
        if (major < KERNEL_VERSION || minor < MIN_MINOR) {
            initFailure = "kernel FUSE protocol " + major + "." + minor + " is older than 7." + MIN_MINOR;
            LOG.log(Level.ERROR, initFailure);
            write(w.fd, out, OUT_HEADER, -Errno.EPROTO.number(), unique);
            initDone.countDown();
            return;
        }
        if (abandoned) {
            // A connection mounted only to release a reader stuck after a failed mount: refuse it.
            write(w.fd, out, OUT_HEADER, -Errno.ENODEV.number(), unique);
            initDone.countDown();
            return;
        }
        int readahead = in.getInt(IN_HEADER + INIT_MAX_READAHEAD);
        long offered = in.getInt(IN_HEADER + INIT_FLAGS) & 0xffffffffL;
        if ((offered & InitFlags.INIT_EXT) != 0 && minor >= 36) {
            offered |= (in.getInt(IN_HEADER + INIT_FLAGS2) & 0xffffffffL) << 32;
        }
        Negotiated n = Negotiated.negotiate(minor, readahead, offered, options, posixLocks, flock, maxPagesLimit());
        if (n.has(InitFlags.OVER_IO_URING) && !prepareRings(n)) {
            n = Negotiated.negotiate(minor, readahead, offered & ~InitFlags.OVER_IO_URING, options, posixLocks, flock,
                    maxPagesLimit());
        }
        final Negotiated negotiated = n;
        encoder.negotiated(n);
        LOG.log(Level.DEBUG, () -> "FUSE INIT " + label + ": " + negotiated.describe());
        if (options.passthrough() && !n.has(InitFlags.PASSTHROUGH)) {
            passthroughUnavailable(options.writebackCache() ? "writeback cache is on (the kernel allows only one)"
                    : "the kernel did not offer it (needs Linux 6.9+ with CONFIG_FUSE_PASSTHROUGH)");
        }
        try {
            fs.init(connection);
        } catch (Throwable t) {
            initFailure = "driver init failed: " + t;
            LOG.log(Level.ERROR, "FUSE driver init failed; refusing the connection", t);
            write(w.fd, out, OUT_HEADER, -Errno.EIO.number(), unique);
            initDone.countDown();
            return;
        }
        int p = OUT_HEADER;
        out.fill(p, INIT_OUT, (byte) 0);
        out.putInt(p + INIT_MAJOR, KERNEL_VERSION);
        out.putInt(p + INIT_MINOR, n.minor());
        out.putInt(p + INIT_MAX_READAHEAD, n.maxReadahead());
        out.putInt(p + INIT_FLAGS, (int) n.flags());
        out.putShort(p + INITO_MAX_BACKGROUND, (short) n.maxBackground());
        out.putShort(p + INITO_CONGESTION, (short) n.congestionThreshold());
        out.putInt(p + INITO_MAX_WRITE, n.maxWrite());
        out.putInt(p + INITO_TIME_GRAN, 1);
        out.putShort(p + INITO_MAX_PAGES, (short) n.maxPages());
        out.putInt(p + INITO_FLAGS2, (int) (n.flags() >>> 32));
        out.putInt(p + INITO_MAX_STACK_DEPTH, n.maxStackDepth());
        out.putShort(p + INITO_REQUEST_TIMEOUT, (short) n.requestTimeoutSeconds());
        int r = write(w.fd, out, OUT_HEADER + n.initOutSize(), 0, unique);
        if (r < 0) {
            initFailure = "the kernel refused the INIT reply: " + Errno.orEio(-r).name();
            for (RingQueue rq : rings) rq.close();
            rings.clear();
            LOG.log(Level.ERROR, "FUSE " + initFailure);
        } else if (n.has(InitFlags.OVER_IO_URING)) {
            // Registration is accepted only once the INIT reply is processed, and every queue must register
            // before the kernel lets any request through.
            startRings(n);
        } else if (options.ioUring() && (offered & InitFlags.OVER_IO_URING) == 0) {
            // Asked for "when offered": not being offered is the kernel's default (enable_uring=N), not a fault.
            LOG.log(Level.INFO, "FUSE io_uring not offered by the kernel for " + label
                    + " (needs Linux 6.14+ and /sys/module/fuse/parameters/enable_uring = Y); using /dev/fuse");
        }
        initDone.countDown();
    }

    private final List<RingQueue> rings = new CopyOnWriteArrayList<>();
    /** Set when the rings start, if their threads run SCHED_IDLE (see {@link RingStarvationGuard}). */
    private volatile RingStarvationGuard ringGuard;

    /**
     * Makes one io_uring per queue (the kernel wants one per possible CPU) before io_uring is accepted in the
     * INIT reply; false, with every ring made so far closed, when any cannot be made.
     */
    private boolean prepareRings(Negotiated n) {
        int queues = RingQueue.possibleCpus();
        int payload = Math.max(8192, Math.max(n.maxWrite(), n.maxPages() * Negotiated.PAGE));
        List<RingQueue> made = new ArrayList<>();
        try {
            for (int q = 0; q < queues; q++) {
                @SuppressWarnings("unchecked")
                Worker<N, H>[] ws = new Worker[RING_DEPTH];
                for (int i = 0; i < ws.length; i++) {
                    ws[i] = new Worker<>(this, device, label + "-ring" + q + "." + i, inSize, outSize);
                }
                RingQueue rq = new RingQueue(this, ws, q, payload);
                made.add(rq);
                rq.open();
            }
        } catch (KernelException | RuntimeException e) {
            LOG.log(Level.WARNING, "FUSE io_uring unusable for " + label + " (" + e.getMessage()
                    + "); serving /dev/fuse");
            for (RingQueue rq : made) rq.close();
            return false;
        }
        rings.addAll(made);
        return true;
    }

    /** Starts the prepared rings: registration is accepted only once the kernel has processed the INIT reply. */
    private void startRings(Negotiated n) {
        if (options.idleRingThreads()) {
            if (SchedPolicy.canLeaveIdle()) {
                RingStarvationGuard g = new RingStarvationGuard(label);
                g.start();
                ringGuard = g;
            } else {
                LOG.log(Level.INFO, "FUSE io_uring queues of " + label + " keep the normal policy: without "
                        + "CAP_SYS_NICE a SCHED_IDLE thread could not be given the CPU back under load");
            }
        }
        for (RingQueue rq : rings) {
            for (Worker<?, ?> w : rq.workers()) {
                @SuppressWarnings("unchecked")
                Worker<N, H> mine = (Worker<N, H>) w;
                workers.add(mine);
            }
            Thread.ofPlatform().daemon(true).name("j4l-fuse-" + label + "-ring" + rq.qid).start(rq);
        }
    }

    RingStarvationGuard ringGuard() {
        return ringGuard;
    }

    /** How many times an io_uring queue thread starving in SCHED_IDLE was given the normal policy for a while. */
    public long ringStarvationHolds() {
        RingStarvationGuard g = ringGuard;
        return g == null ? 0 : g.holds();
    }

    /** Kernel thread ids of the io_uring queue threads that run SCHED_IDLE (none when they run normal). */
    public List<Integer> idleRingThreads() {
        RingStarvationGuard g = ringGuard;
        return g == null ? List.of() : g.threadIds();
    }

    /** Requests in flight per io_uring queue. */
    static final int RING_DEPTH = 4;

    /** How many io_uring queues serve this session (0 when it runs on /dev/fuse only). */
    public int ringQueues() {
        return rings.size();
    }

    private static int maxPagesLimit() {
        try {
            return (int) ProcFiles.readLong(Path.of("/proc/sys/fs/fuse/max_pages_limit"));
        } catch (IOException | NumberFormatException e) {
            return 256;
        }
    }

    private static int write(OwnedFd fd, NativeBuffer out, int len, int error, long unique) {
        out.putInt(OUT_LEN, len);
        out.putInt(OUT_ERROR, error);
        out.putLong(OUT_UNIQUE, unique);
        return FuseDevice.write(fd, out, len);
    }

    // ---- interrupts and deferred replies ----

    /** Delivers an INTERRUPT for {@code target}; false when no worker or deferred reply holds it. */
    boolean interrupt(long target) {
        for (Worker<N, H> w : workers) {
            RequestContext c = w.ctx;
            if (c != null && c.interrupt(target)) return true;
        }
        DeferredReply.State s = deferred.get(target);
        if (s != null) {
            s.interrupted = true;
            return true;
        }
        return false;
    }

    DeferredReply<?> defer(OwnedFd fd, RingQueue ring, int ringEntry, RequestContext c) {
        DeferredReply.State s = new DeferredReply.State(this, fd, c.unique, c.op, c.nodeid, c.size);
        s.ring = ring;
        s.ringEntry = ringEntry;
        deferred.put(c.unique, s);
        return new DeferredReply<>(s);
    }

    void sendDeferred(DeferredReply.State s, Object value, Errno errno) {
        deferred.remove(s.unique);
        NativeBuffer b;
        int len;
        ReplyEncoder.Undo undo = new ReplyEncoder.Undo();
        if (errno != null) {
            b = NativeBuffer.allocate(OUT_HEADER);
            len = OUT_HEADER;
            b.putInt(OUT_ERROR, -errno.number());
        } else {
            b = NativeBuffer.allocate(OUT_HEADER + Math.max(encoder.sizeHint(value), s.op == FuseOpcode.READ ? 0 : 0));
            try {
                len = OUT_HEADER + encoder.encode(s.op, value, b, s.size, undo);
            } catch (ErrnoException e) {
                len = OUT_HEADER;
                b.putInt(OUT_ERROR, -e.errno().number());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "FUSE deferred answer to " + s.op + " (node " + s.nodeid + ", request "
                        + s.unique + ") could not be encoded; answering EIO", e);
                len = OUT_HEADER;
                b.putInt(OUT_ERROR, -Errno.EIO.number());
            }
        }
        b.putInt(OUT_LEN, len);
        b.putLong(OUT_UNIQUE, s.unique);
        if (s.ring != null) {
            s.ring.commitLater(s.ringEntry, s.unique, b, len);
            return;
        }
        int r;
        try {
            r = FuseDevice.write(s.fd, b, len);
        } catch (IllegalStateException closed) {
            r = -Errno.ENODEV.number();
        }
        if (r < 0) {
            if (undo.nodeid != 0) inodes.forget(undo.nodeid, 1);
            if (undo.fh != 0) releaseUnsent(undo.fh, undo.dir);
            if (r != -Errno.ENOENT.number() && r != -Errno.ENODEV.number()) {
                LOG.log(Level.ERROR, "FUSE deferred reply to " + s.op + " refused: " + Errno.orEio(-r).name());
            }
        }
    }

    void deferredDropped(DeferredReply.State s) {
        LOG.log(Level.WARNING, "FUSE driver dropped a deferred " + s.op + " (node " + s.nodeid + ", request "
                + s.unique + ") without answering; answering EIO");
        sendDeferred(s, null, Errno.EIO);
    }

    /** An open reply the kernel refused: the driver must still see the release of that handle. */
    void releaseUnsent(long fh, boolean dir) {
        HandleTable.Open<H> o = handles.remove(fh);
        if (o == null) return;
        try {
            Request r = new SyntheticRequest(dir ? "RELEASEDIR" : "RELEASE");
            if (dir) fs.releasedir(r, null, o.handle());
            else fs.release(r, null, o.handle(), 0);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "FUSE driver release of an unsent handle failed", t);
        } finally {
            if (o.backing() != null) o.backing().close();
        }
    }

    void notifyReply(long unique, NativeBuffer in, int bodyEnd) {
        notifier.retrieved(unique, in, bodyEnd);
    }

    void destroyRequested() {
        if (destroyed.compareAndSet(false, true)) fs.destroy();
    }

    private void forgotten(N node) {
        try {
            fs.forget(node);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "FUSE driver forget failed", t);
        }
    }

    // ---- end of session ----

    void workerEnded(Worker<N, H> w, int errno) {
        if (errno != 0 && endErrno == 0) endErrno = errno;
        if (errno != Errno.ENODEV.number() && errno != Errno.ECONNABORTED.number() && errno != 0) {
            LOG.log(Level.ERROR, "FUSE worker " + w.name + " stopped: " + Errno.orEio(errno).name());
        }
        serving = false;
        if (running.decrementAndGet() == 0) finish();
    }

    private void finish() {
        initDone.countDown();
        for (RingQueue rq : rings) rq.stop();
        RingStarvationGuard g = ringGuard;
        if (g != null) g.stop();
        notifier.failPending();
        for (DeferredReply.State s : deferred.values()) s.done.set(true);
        deferred.clear();
        try {
            destroyRequested();
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "FUSE driver destroy failed", t);
        }
        for (OwnedFd c : clones) closeQuietly(c);
        closeQuietly(device);
        if (endErrno == Errno.ECONNABORTED.number()) {
            LOG.log(Level.INFO, "FUSE connection " + label + " was aborted");
        }
        terminated.countDown();
    }

    private static void closeQuietly(OwnedFd fd) {
        if (fd.isOpen()) {
            try {
                fd.close();
            } catch (IllegalStateException alreadyClosed) {
                // closed concurrently
            }
        }
    }

    private void passthroughUnavailable(String reason) {
        if (passthroughWarned.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "FUSE passthrough unavailable for " + label + ": " + reason
                    + "; the driver serves reads and writes itself");
        }
    }

    /** What the driver sees of the connection. */
    private final class Connection implements FuseConnection<N> {
        @Override
        public int protocolMinor() {
            return encoder.negotiated().minor();
        }

        @Override
        public int maxWrite() {
            return encoder.negotiated().maxWrite();
        }

        @Override
        public boolean writebackCache() {
            return encoder.negotiated().has(InitFlags.WRITEBACK_CACHE);
        }

        @Override
        public boolean passthrough() {
            return encoder.negotiated().has(InitFlags.PASSTHROUGH);
        }

        @Override
        public FuseNotifier<N> notifier() {
            return notifier;
        }

        @Override
        public Optional<BackingId> openBacking(OwnedFd file) {
            if (!passthrough()) {
                passthroughUnavailable(options.passthrough() ? "not negotiated" : "not enabled in MountOptions");
                return Optional.empty();
            }
            try {
                int id = FuseDevice.openBacking(device, file);
                return Optional.of(RegisteredBacking.register(FuseSession.this, id));
            } catch (KernelException e) {
                if (e.errno() == Errno.EPERM) {
                    passthroughUnavailable("not permitted (needs CAP_SYS_ADMIN in the initial user namespace)");
                    return Optional.empty();
                }
                passthroughUnavailable(e.getMessage());
                return Optional.empty();
            }
        }
    }
}
