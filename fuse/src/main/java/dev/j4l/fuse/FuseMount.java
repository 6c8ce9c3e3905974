package dev.j4l.fuse;

import dev.j4l.fuse.mount.Mounter;
import dev.j4l.fuse.session.FuseSession;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.MountTable;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mounted j4l filesystem: the entry point of the FUSE framework.
 *
 * <p>{@link #mount} mounts a {@link FuseFilesystem} and returns once the kernel has negotiated the
 * connection, with worker threads serving it. {@link #close()} unmounts it (lazily, when files are still open
 * there: the filesystem then keeps serving those files until they are closed). Mounts are also unmounted when
 * the JVM shuts down (SIGINT, SIGTERM, {@code System.exit}). The same JVM may use the mount freely: requests
 * are served on dedicated threads.
 *
 * {@snippet class=dev.j4l.fuse.MountExample region=mount}
 */
public final class FuseMount<N> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");
    private static final Pattern DEV_FD = Pattern.compile("/dev/fd/(\\d+)");
    private static final Set<FuseMount<?>> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(30);

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("j4l-fuse-unmount").unstarted(() -> {
            for (FuseMount<?> m : LIVE) m.unmountQuietly();
        }));
    }

    private final String target;
    private final FuseSession<N, ?> session;
    private final boolean owned;
    private final int connection;
    private volatile boolean closed;
    private volatile boolean viaFusermount;
    private volatile Mounter.FusermountResult watchdog;

    private FuseMount(String target, FuseSession<N, ?> session, boolean owned, int connection) {
        this.target = target;
        this.session = session;
        this.owned = owned;
        this.connection = connection;
    }

    /**
     * Mounts {@code fs} at {@code mountpoint} and serves it until {@link #close()}.
     *
     * <p>A mountpoint of the form {@code /dev/fd/N} means descriptor N is an already-mounted
     * {@code /dev/fuse} connection handed over by a privileged launcher: it is served, not mounted.
     *
     * @throws IOException naming the mountpoint and the reason: missing, not a directory, already mounted,
     *     {@code /dev/fuse} not permitted, mount refused, or the kernel never sent INIT
     */
    public static <N, H> FuseMount<N> mount(Path mountpoint, FuseFilesystem<N, H> fs, MountOptions options)
            throws IOException {
        Objects.requireNonNull(fs, "fs");
        Objects.requireNonNull(options, "options");
        Matcher m = DEV_FD.matcher(mountpoint.toString());
        if (m.matches()) return serveInherited(Integer.parseInt(m.group(1)), fs, options, mountpoint.toString());

        String target = Mounter.prepare(mountpoint);
        if (!Mounter.privileged() || options.autoUnmount()) return mountWithFusermount(target, fs, options);
        OwnedFd dev = Mounter.openDevice();
        FuseSession<N, H> session = new FuseSession<>(fs, options, dev);
        boolean syncInit;
        try {
            syncInit = FuseDevice.enableSyncInit(dev);
        } catch (KernelException e) {
            dev.close();
            throw new IOException("cannot prepare /dev/fuse for " + target + ": " + e.getMessage(), e);
        }
        // With sync init the kernel sends INIT while mount(2) blocks: the reader must already run. Without it
        // (kernels before 6.18) a read before mount(2) fails with EPERM, so the reader starts after.
        if (syncInit) session.start();
        try {
            Mounter.mount(dev, target, options);
        } catch (IOException e) {
            session.abandon();
            if (syncInit) {
                Mounter.releaseSyncInitReader(dev);
                stopUnmounted(session);
            } else {
                session.endUnstarted();
            }
            throw e;
        }
        if (!syncInit) session.start();
        FuseMount<N> mounted = new FuseMount<>(target, session, true, connectionOf(target));
        LIVE.add(mounted);
        try {
            if (!session.awaitInit(INIT_TIMEOUT)) {
                throw new IOException("the kernel sent no FUSE INIT for " + target + " within " + INIT_TIMEOUT.toSeconds() + " s");
            }
        } catch (IOException e) {
            mounted.close();
            throw new IOException("cannot mount at " + target + ": " + e.getMessage(), e);
        }
        session.startMoreWorkers();
        LOG.log(Level.DEBUG, () -> "FUSE mounted " + Mounter.fstype(options) + " at " + target
                + (syncInit ? " (sync init)" : ""));
        return mounted;
    }

    /**
     * Without CAP_SYS_ADMIN, or with auto-unmount: fusermount3 mounts and hands over the descriptor; INIT comes
     * afterwards.
     */
    private static <N, H> FuseMount<N> mountWithFusermount(String target, FuseFilesystem<N, H> fs,
            MountOptions options) throws IOException {
        Mounter.FusermountResult r = Mounter.mountWithFusermount(target, options);
        FuseSession<N, H> session = new FuseSession<>(fs, options, r.device());
        session.start();
        FuseMount<N> mounted = new FuseMount<>(target, session, true, connectionOf(target));
        mounted.viaFusermount = true;
        mounted.watchdog = r;
        LIVE.add(mounted);
        try {
            if (!session.awaitInit(INIT_TIMEOUT)) {
                throw new IOException("the kernel sent no FUSE INIT for " + target);
            }
        } catch (IOException e) {
            mounted.close();
            throw new IOException("cannot mount at " + target + ": " + e.getMessage(), e);
        }
        session.startMoreWorkers();
        return mounted;
    }

    private static <N, H> FuseMount<N> serveInherited(int fd, FuseFilesystem<N, H> fs, MountOptions options,
            String name) throws IOException {
        OwnedFd dev;
        try {
            dev = FuseDevice.adoptInherited(fd);
        } catch (KernelException e) {
            throw new IOException("cannot serve " + name + ": " + e.getMessage(), e);
        }
        FuseSession<N, H> session = new FuseSession<>(fs, options, dev);
        session.start();
        FuseMount<N> mounted = new FuseMount<>(name, session, false, -1);
        if (!session.awaitInit(INIT_TIMEOUT)) {
            throw new IOException("the kernel sent no FUSE INIT on " + name);
        }
        session.startMoreWorkers();
        return mounted;
    }

    /** A reader started before a mount(2) that failed: without a mount it cannot get a request. */
    private static void stopUnmounted(FuseSession<?, ?> session) {
        // The reader, released by releaseSyncInitReader, reads ENODEV and ends the session by itself.
        try {
            session.awaitTermination(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int connectionOf(String target) {
        try {
            return MountTable.at(target).map(MountTable.Mount::minor).orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Where it is mounted ({@code /dev/fd/N} for an inherited connection). */
    public Path mountpoint() {
        return Path.of(target);
    }

    /** The FUSE connection number (the minor of the mount's device, its name under fusectl), or -1. */
    public int connection() {
        return connection;
    }

    /** Invalidation, store/retrieve and poll wake-ups for this mount. */
    public FuseNotifier<N> notifier() {
        return session.notifier();
    }

    /** True when requests reach the driver through FUSE-over-io_uring queues (one per CPU), not /dev/fuse. */
    public boolean usesIoUring() {
        return session.ringQueues() > 0;
    }

    /** True while the connection is up. */
    public boolean isAlive() {
        return !session.isTerminated() && session.isServing();
    }

    /** Blocks until the connection ends (unmounted by anyone, or aborted). */
    public void awaitUnmount() throws InterruptedException {
        while (!session.awaitTermination(Duration.ofDays(1))) {
            // keep waiting
        }
    }

    /** Like {@link #awaitUnmount()} with a limit; false on timeout. */
    public boolean awaitUnmount(Duration timeout) throws InterruptedException {
        return session.awaitTermination(timeout);
    }

    /**
     * Aborts the connection through fusectl (like {@code echo 1 > /sys/fs/fuse/connections/N/abort}): every
     * request in flight and every later access fails with ENOTCONN; the mount stays until unmounted.
     */
    public void abort() throws IOException {
        if (connection < 0) throw new IOException("connection of " + target + " is unknown");
        Mounter.abort(connection);
    }

    FuseSession<N, ?> session() {
        return session;
    }

    /**
     * Unmounts (lazily when busy) and waits briefly for the workers to stop. Idempotent. Never call it from
     * inside a request handler of this filesystem.
     */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        LIVE.remove(this);
        boolean lazy = false;
        try {
            if (owned && stillMountedHere()) {
                lazy = viaFusermount && !Mounter.privileged() ? Mounter.unmountWithFusermount(target)
                        : Mounter.unmount(target);
            }
        } finally {
            if (watchdog != null) watchdog.release();
        }
        if (!lazy) {
            try {
                if (!session.awaitTermination(Duration.ofSeconds(5))) {
                    LOG.log(Level.WARNING, "FUSE session at " + target + " did not end within 5 s of unmount");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Whether the mount at {@link #target} is still this connection. After someone else unmounted it (say
     * {@code umount -l}), the path may hold another filesystem — possibly another j4l mount — which must not
     * be unmounted on our behalf. A connection that is alive but detached keeps its number, so the comparison
     * with what is mounted at the path then tells.
     */
    private boolean stillMountedHere() {
        // The device number alone is not an identity: once our superblock is gone the kernel may give the same
        // number to the next mount. It is one while our connection is alive, and after an abort (the aborted
        // superblock stays mounted, holding its number, until someone unmounts it). A connection that ended
        // with ENODEV was unmounted and released: whatever is at the path now is not ours.
        if (!session.connectionAlive()) {
            try {
                session.awaitTermination(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (session.endReason() != Errno.ECONNABORTED) return false;
        }
        return connection < 0 || connectionOf(target) == connection;
    }

    private void unmountQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "FUSE unmount of " + target + " at shutdown failed: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "FuseMount[" + target + "]";
    }
}
