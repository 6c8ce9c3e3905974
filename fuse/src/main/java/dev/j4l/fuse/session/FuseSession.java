package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.IN_HEADER;
import static dev.j4l.kernel.abi.FuseAbi.OUT_HEADER;
import static dev.j4l.kernel.abi.FuseAbi.RW_IN;

import dev.j4l.fuse.FuseCapability;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.FuseNotifier;
import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.inode.HandleTable;
import dev.j4l.fuse.inode.InodeTable;
import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.fuse.protocol.Negotiated;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Poller;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One FUSE connection being served, from the first INIT to the last reader's end: it starts the request
 * loops, owns what they share (the inode and handle ledgers, the requests in flight, the notifier, the
 * io_uring queues), and tears it all down once. Mounting is not its business (see
 * {@code dev.j4l.fuse.mount.Mounter}): it serves whatever connection its descriptor belongs to.
 *
 * <p>Its parts: {@link InitHandshake} (INIT), {@link RequestHandler} (the pipeline each loop runs),
 * {@link DevFuseReader} and {@link RingQueue} (the transports), {@link ReplyChannel} (where replies go),
 * {@link InFlight} (interrupts and deferred replies), {@link DevFuseNotifier}.
 */
public final class FuseSession<N, H> {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");

    final FuseFilesystem<N, H> fs;
    final MountOptions options;
    final String label;
    final Set<FuseCapability> capabilities;
    final InodeTable<N> inodes;
    final HandleTable<H> handles = new HandleTable<>();
    final ReplyBuilder<N, H> replies;
    final InFlight inFlight = new InFlight();
    final DevFuseNotifier<N> notifier;
    final InitHandshake handshake;
    final UringQueues rings;
    final DriverConnection<N> connection;
    private final OwnedFd device;
    /** The CUSE device's name, or null for a FUSE connection. */
    final String cuseDevname;
    /** Serves a CUSE session's IOCTLs (unrestricted), or null: then {@code fs.ioctl} serves restricted ones. */
    final CuseIoctlServer<H> cuseIoctls;
    private final List<OwnedFd> clones = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final AtomicBoolean passthroughWarned = new AtomicBoolean();
    private final Set<FuseOpcode> unimplemented = ConcurrentHashMap.newKeySet();
    private final int inSize;
    private final int outSize;
    private volatile Negotiated negotiated;
    private volatile boolean serving;
    private volatile int endErrno;

    public FuseSession(FuseFilesystem<N, H> fs, MountOptions options, OwnedFd device) {
        this(fs, options, device, null, null);
    }

    /**
     * A CUSE channel ({@code FuseDevice.openCuse()}): the same engine, but the connection opens with CUSE_INIT,
     * whose answer names the character device ({@code DEVNAME=devname}) that the kernel then creates; there is
     * no mount and no inode tree: every request names node id 0, which the session serves as {@code fs.root()}.
     * The channel cannot be cloned, so every reader shares it.
     */
    public static <N, H> FuseSession<N, H> cuse(FuseFilesystem<N, H> fs, MountOptions options, OwnedFd channel,
            String devname) {
        return new FuseSession<>(fs, options, channel, java.util.Objects.requireNonNull(devname, "devname"), null);
    }

    /**
     * A CUSE channel whose IOCTLs {@code ioctls} serves: the handshake then asks for unrestricted ioctls
     * ({@code CUSE_UNRESTRICTED_IOCTL}), so that old commands whose number encodes no size (the terminal ones) can
     * carry data too.
     */
    public static <N, H> FuseSession<N, H> cuse(FuseFilesystem<N, H> fs, MountOptions options, OwnedFd channel,
            String devname, CuseIoctlServer<H> ioctls) {
        return new FuseSession<>(fs, options, channel, java.util.Objects.requireNonNull(devname, "devname"),
                java.util.Objects.requireNonNull(ioctls, "ioctls"));
    }

    private FuseSession(FuseFilesystem<N, H> fs, MountOptions options, OwnedFd device, String cuseDevname,
            CuseIoctlServer<H> cuseIoctls) {
        this.cuseDevname = cuseDevname;
        this.cuseIoctls = cuseIoctls;
        this.fs = fs;
        this.options = options;
        this.device = device;
        this.label = options.subtype() != null ? options.subtype() : options.fsname();
        this.capabilities = Set.copyOf(fs.capabilities());
        this.inodes = new InodeTable<>(fs.root(), this::forgotten, capabilities.contains(FuseCapability.EXPORT));
        this.replies = new ReplyBuilder<>(this);
        this.notifier = new DevFuseNotifier<>(this, new DevFuseChannel(device));
        this.handshake = new InitHandshake(this);
        this.rings = new UringQueues(this);
        this.connection = new DriverConnection<>(this);
        // Largest request: in-header + write_in + max_write (or a 64 KiB xattr), plus slack for extensions.
        int payload = Math.max(roundPages(options.maxWrite()), 128 * 1024);
        this.inSize = IN_HEADER + RW_IN + payload + 4096;
        this.outSize = OUT_HEADER + payload + 4096;
    }

    private static int roundPages(int n) {
        return (n + 4095) & ~4095;
    }

    /** A request pipeline with buffers of its own, known to {@link InFlight} for interrupts. */
    RequestHandler<N, H> newHandler() {
        RequestHandler<N, H> h = new RequestHandler<>(this, inSize, outSize);
        inFlight.add(h);
        return h;
    }

    /** Starts the first reader on the session descriptor; it answers INIT. */
    public void start() {
        serving = true;
        running.incrementAndGet();
        launchReader(device, 0);
    }

    /**
     * Adds the remaining readers, each on a clone of the session descriptor (once the connection is
     * mounted); falls back to sharing the session descriptor when cloning is refused.
     */
    public void startMoreWorkers() {
        // On io_uring, /dev/fuse carries only FORGET, INTERRUPT and notification replies: one reader serves them,
        // and every other reader blocked in read(2) would be one more thread for the kernel to wake per FORGET.
        int want = rings.count() == 0 ? options.workers() : 1;
        for (int i = 1; i < want; i++) {
            // Count the new reader as running before touching the device: once every reader has ended, the
            // session closes the device, and a pool that grew after that would serve nothing and leak clones.
            if (!reserveReader()) return; // the connection already ended (e.g. unmounted right after INIT)
            OwnedFd fd;
            try {
                if (isCuse()) throw new KernelException("FUSE_DEV_IOC_CLONE", "a CUSE channel", Errno.EINVAL);
                fd = FuseDevice.cloneOf(device);
                clones.add(fd);
            } catch (KernelException e) {
                if (!isCuse()) {
                    LOG.log(Level.INFO, "FUSE: cannot clone /dev/fuse (" + e.getMessage() + "); readers share one descriptor");
                }
                fd = device;
            }
            launchReader(fd, i);
        }
    }

    /** Adds one to the running readers unless none is left (then the session has ended or is ending). */
    private boolean reserveReader() {
        while (true) {
            int n = running.get();
            if (n == 0) return false;
            if (running.compareAndSet(n, n + 1)) return true;
        }
    }

    /** Starts a reader already counted in {@link #running}. */
    private void launchReader(OwnedFd fd, int index) {
        DevFuseReader r = new DevFuseReader(this, fd, newHandler(), label + "-" + index);
        Thread.ofPlatform().daemon(true).name("j4l-fuse-" + label + "-" + index).start(r);
    }

    /**
     * Marks the session as never to be served: a later INIT (from a mount made only to wake a reader that a
     * failed sync-init mount left blocked) is refused and the driver is never called.
     */
    public void abandon() {
        handshake.abandon();
    }

    /**
     * Ends a session whose reader never started (its mount(2) failed before any read): releases the descriptor and
     * the driver as the last reader's end would.
     */
    public void endUnstarted() {
        if (running.get() != 0) throw new IllegalStateException("the session's readers run");
        finish();
    }

    /** Waits for INIT to be answered; false on timeout. Throws if INIT failed. */
    public boolean awaitInit(Duration timeout) throws IOException {
        return handshake.await(timeout);
    }

    /** Waits until every reader has stopped (the connection ended); false on timeout. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /** True for a CUSE channel (made by {@link #cuse}). */
    public boolean isCuse() {
        return cuseDevname != null;
    }

    /** True while the connection is up. */
    public boolean isServing() {
        return serving;
    }

    /**
     * Asks the kernel, without waiting for a reader to notice, whether this connection still exists: /dev/fuse
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

    /** The outcome of INIT; null before it. */
    public Negotiated negotiated() {
        return negotiated;
    }

    void negotiated(Negotiated n) {
        this.negotiated = n;
    }

    boolean has(FuseCapability c) {
        return capabilities.contains(c);
    }

    /** The inode ledger (for diagnostics and tests). */
    public InodeTable<N> inodes() {
        return inodes;
    }

    public int openHandles() {
        return handles.size();
    }

    /** How many io_uring queues serve this session (0 when it runs on /dev/fuse only). */
    public int ringQueues() {
        return rings.count();
    }

    /** How many times an io_uring queue thread starving in SCHED_IDLE was given the normal policy for a while. */
    public long ringStarvationHolds() {
        RingStarvationGuard g = rings.guard();
        return g == null ? 0 : g.holds();
    }

    /** Kernel thread ids of the io_uring queue threads that run SCHED_IDLE (none when they run normal). */
    public List<Integer> idleRingThreads() {
        RingStarvationGuard g = rings.guard();
        return g == null ? List.of() : g.threadIds();
    }

    OwnedFd device() {
        return device;
    }

    // ---- what the pipeline reports ----

    /** The driver answered ENOSYS: said once per opcode, with what the kernel makes of it. */
    void unimplemented(FuseOpcode op) {
        if (unimplemented.add(op)) {
            LOG.log(Level.DEBUG, () -> "FUSE driver of " + label + " does not implement " + op + "; the kernel: "
                    + op.enosysMeaning());
        }
    }

    /** A reply the transport did not take. */
    void replyRefused(FuseOpcode op, long unique, int errno) {
        if (errno == Errno.ENOENT.number()) {
            LOG.log(Level.DEBUG, () -> "FUSE reply to " + op + " " + unique + " dropped: request was interrupted");
        } else if (errno != Errno.ENODEV.number() && errno != Errno.ECONNABORTED.number()) {
            LOG.log(Level.ERROR, "FUSE reply to " + op + " (request " + unique + ") refused by the kernel: "
                    + Errno.orEio(errno).name());
        }
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

    /** Lets the driver initialize, once INIT is negotiated and before any other request reaches it. */
    void initDriver() {
        fs.init(connection);
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

    void passthroughUnavailable(String reason) {
        if (passthroughWarned.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "FUSE passthrough unavailable for " + label + ": " + reason
                    + "; the driver serves reads and writes itself");
        }
    }

    // ---- end of session ----

    void readerEnded(DevFuseReader r, int errno) {
        if (errno != 0 && endErrno == 0) endErrno = errno;
        if (errno != Errno.ENODEV.number() && errno != Errno.ECONNABORTED.number() && errno != 0) {
            LOG.log(Level.ERROR, "FUSE reader " + r.name + " stopped: " + Errno.orEio(errno).name());
        }
        serving = false;
        if (running.decrementAndGet() == 0) finish();
    }

    private void finish() {
        handshake.release();
        rings.stop();
        notifier.failPending();
        inFlight.abandonAll();
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
}
