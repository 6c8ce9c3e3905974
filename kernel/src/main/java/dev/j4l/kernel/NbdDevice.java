package dev.j4l.kernel;

import dev.j4l.kernel.abi.NbdAbi;
import dev.j4l.kernel.raw.Ioctl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A device of the kernel's NBD client, {@code /dev/nbdN}, given connected sockets whose other ends an NBD server
 * serves in its transmission phase (the kernel client does no handshake: it sends requests from the first byte
 * and reads simple replies). Made by {@link #connect}, through the ioctl interface of {@code linux/nbd.h}: the
 * sockets ({@code NBD_SET_SOCK}), block size, size, timeout and the server's flags, then {@code NBD_DO_IT}, which
 * a platform thread of this object blocks in for as long as the device is connected.
 *
 * <p>Why ioctls rather than the generic netlink family "nbd": a device set up by ioctls lives as long as the
 * thread in {@code NBD_DO_IT}. If this process dies, even by SIGKILL, its sockets close and that call ends, so the
 * device fails its I/O at once and is freed for reuse when its last user closes it. A netlink connection instead
 * holds the device until someone sends {@code NBD_CMD_DISCONNECT}: a killed daemon would leave it bound.
 *
 * <p>Every ioctl here is one of {@link NbdAbi}'s (all take a value, never an address), made only on a descriptor
 * checked to be an NBD device (block major 43). A socket's descriptor number reaches the kernel inside this module
 * only, while the descriptor is held, and only once it is checked to be a socket.
 */
public final class NbdDevice implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.kernel");

    static final Ioctl SET_SOCK = Ioctl.value("NBD_SET_SOCK", NbdAbi.NBD_SET_SOCK);
    static final Ioctl SET_BLKSIZE = Ioctl.value("NBD_SET_BLKSIZE", NbdAbi.NBD_SET_BLKSIZE);
    static final Ioctl SET_SIZE = Ioctl.value("NBD_SET_SIZE", NbdAbi.NBD_SET_SIZE);
    static final Ioctl SET_TIMEOUT = Ioctl.value("NBD_SET_TIMEOUT", NbdAbi.NBD_SET_TIMEOUT);
    static final Ioctl SET_FLAGS = Ioctl.value("NBD_SET_FLAGS", NbdAbi.NBD_SET_FLAGS);
    static final Ioctl DO_IT = Ioctl.none("NBD_DO_IT", NbdAbi.NBD_DO_IT);
    static final Ioctl CLEAR_SOCK = Ioctl.none("NBD_CLEAR_SOCK", NbdAbi.NBD_CLEAR_SOCK);
    static final Ioctl DISCONNECT = Ioctl.none("NBD_DISCONNECT", NbdAbi.NBD_DISCONNECT);

    /** Most sockets (connections) one device is given: the kernel makes a hardware queue per socket. */
    public static final int MAX_SOCKETS = 16;
    /** Devices looked at for a free one: {@code /dev/nbd0} on (the module's {@code nbds_max}, 16 by default). */
    private static final int MAX_DEVICES = 1024;
    /** Longest {@link #connect} waits for NBD_DO_IT to start the device once it is set up. */
    private static final Duration STARTUP = Duration.ofSeconds(30);

    /**
     * How the device is set up.
     *
     * @param size the device's size in bytes: a multiple of {@code blockSize}
     * @param blockSize its logical block size: a power of two from 512 to 4096
     * @param readOnly whether the device refuses writes
     * @param flush whether the server takes FLUSH (the device then has a volatile write cache)
     * @param fua whether the server takes writes with FUA (with {@code flush} only)
     * @param trim whether the server takes TRIM (the device then takes discards)
     * @param timeout how long a request may wait for its reply before the kernel gives up the connection (every
     *     request then fails); whole seconds, rounded up. Zero: never (a stuck server then hangs its callers)
     */
    public record Config(long size, int blockSize, boolean readOnly, boolean flush, boolean fua, boolean trim,
            Duration timeout) {
        public Config {
            if (blockSize < 512 || blockSize > 4096 || Integer.bitCount(blockSize) != 1) {
                throw new IllegalArgumentException("block size must be a power of two from 512 to 4096: " + blockSize);
            }
            if (size < 0 || size % blockSize != 0) {
                throw new IllegalArgumentException("size must be a non-negative multiple of the block size: " + size);
            }
            if (timeout == null || timeout.isNegative()) throw new IllegalArgumentException("timeout must not be negative");
            if (fua && !flush) throw new IllegalArgumentException("FUA needs FLUSH");
        }

        /** The transmission flags NBD_SET_FLAGS passes, as the server would have sent them in a handshake. */
        int flags(int sockets) {
            int f = NbdAbi.NBD_FLAG_HAS_FLAGS;
            if (readOnly) f |= NbdAbi.NBD_FLAG_READ_ONLY;
            if (flush) f |= NbdAbi.NBD_FLAG_SEND_FLUSH;
            if (fua) f |= NbdAbi.NBD_FLAG_SEND_FUA;
            if (trim) f |= NbdAbi.NBD_FLAG_SEND_TRIM;
            // The kernel refuses several sockets unless the server says they see one another's writes.
            if (sockets > 1) f |= NbdAbi.NBD_FLAG_CAN_MULTI_CONN;
            return f;
        }

        long timeoutSeconds() {
            return (timeout.toMillis() + 999) / 1000;
        }
    }

    private final int number;
    private final String path;
    private final Object lock = new Object();
    /** The device, held by the serving thread from set-up until {@code NBD_DO_IT} returns; null once closed. */
    private OwnedFd device;
    private final CountDownLatch disconnected = new CountDownLatch(1);
    private volatile String endedBecause;

    private NbdDevice(int number) {
        this.number = number;
        this.path = "/dev/nbd" + number;
    }

    /**
     * Sets up a free {@code /dev/nbdN} with {@code sockets} (connected TCP or Unix stream sockets, each to a
     * connection of the same server, in its transmission phase) and starts it: returns once the device serves.
     * The kernel keeps its own reference to each socket; the caller may close its descriptors afterwards.
     *
     * @throws IllegalArgumentException when {@code sockets} is empty, longer than {@link #MAX_SOCKETS}, or one of
     *     them is not a socket
     * @throws KernelException when there is no NBD support or no free device, without CAP_SYS_ADMIN, or when the
     *     kernel refuses a socket or the configuration
     */
    public static NbdDevice connect(List<OwnedFd> sockets, Config config) throws KernelException {
        if (sockets.isEmpty() || sockets.size() > MAX_SOCKETS) {
            throw new IllegalArgumentException("an NBD device takes 1 to " + MAX_SOCKETS + " sockets, got " + sockets.size());
        }
        for (OwnedFd s : sockets) {
            if (Fs.stat(s).type() != FileStat.S_IFSOCK) {
                throw new IllegalArgumentException(s.description() + " is not a socket");
            }
        }
        if (!Files.exists(Path.of("/dev/nbd0"))) {
            throw new KernelException("open", "/dev/nbd0 (no NBD devices: load the nbd module)", Errno.ENODEV);
        }
        Starting starting = new Starting(List.copyOf(sockets), config);
        Thread serving = Thread.ofPlatform().daemon().name("nbd-device").unstarted(starting::run);
        serving.start();
        boolean interrupted = false;
        while (true) {
            try {
                starting.ready.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the set-up is short and must end one way or the other: wait for it
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (starting.failure != null) throw starting.failure;
        NbdDevice device = starting.device;
        device.awaitStarted(config.size());
        return device;
    }

    /**
     * Waits until {@code NBD_DO_IT} has started the device: its server's pid is shown and its capacity set (both
     * happen inside that call, which does not return while the device runs), so the caller's first open sees the
     * device's size. Throws when the call ended instead.
     */
    private void awaitStarted(long size) throws KernelException {
        Path pid = Path.of("/sys/block/nbd" + number + "/pid"), sectors = Path.of("/sys/block/nbd" + number + "/size");
        String expected = Long.toString(size >> 9);
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            try {
                if (disconnected.await(1, TimeUnit.MILLISECONDS)) {
                    throw new KernelException("NBD_DO_IT", path + " (" + endedBecause + ")", Errno.EIO);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new KernelException("NBD_DO_IT", path + " (interrupted while starting)", Errno.EINTR);
            }
            try {
                if (Files.exists(pid) && Files.readString(sectors).trim().equals(expected)) return;
            } catch (java.io.IOException e) {
                // not there yet
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new KernelException("NBD_DO_IT", path + " (not started within " + STARTUP + ")", Errno.ETIMEDOUT);
            }
        }
    }

    /** What the serving thread reports once the device is set up, or why it could not be. */
    private static final class Starting {
        final List<OwnedFd> sockets;
        final Config config;
        final CountDownLatch ready = new CountDownLatch(1);
        volatile NbdDevice device;
        volatile KernelException failure;

        Starting(List<OwnedFd> sockets, Config config) {
            this.sockets = sockets;
            this.config = config;
        }

        void run() {
            NbdDevice d;
            try {
                d = setUp(sockets, config);
            } catch (KernelException | RuntimeException e) {
                failure = e instanceof KernelException k ? k
                        : new KernelException("NBD set-up", e.toString(), Errno.EINVAL);
                ready.countDown();
                return;
            }
            device = d;
            ready.countDown();
            d.serve();
        }
    }

    /** Claims a free device with the first socket, then gives it the rest and the configuration. */
    private static NbdDevice setUp(List<OwnedFd> sockets, Config config) throws KernelException {
        KernelException busy = null;
        for (int n = 0; n < MAX_DEVICES; n++) {
            String path = "/dev/nbd" + n;
            if (!Files.exists(Path.of(path))) break;
            // Connected: a server's pid is shown while NBD_DO_IT (or a netlink connection) runs.
            if (Files.exists(Path.of("/sys/block/nbd" + n + "/pid"))) continue;
            OwnedFd dev = DeviceNode.open(path, Fs.O_RDWR, FileStat.S_IFBLK, NbdAbi.NBD_MAJOR, "nbd ioctl",
                    "an NBD device (block 43:N)");
            try {
                setSocket(dev, sockets.get(0));
            } catch (KernelException e) {
                dev.close();
                // EBUSY: another task is setting it up or runs it; EINVAL: a netlink connection owns it.
                if (e.errno() != Errno.EBUSY && e.errno() != Errno.EINVAL) throw e;
                busy = e;
                continue;
            }
            // Ours from here (the kernel binds the device to this thread's set-up): the rest cannot be refused
            // for another's sake, so a failure is final, and undone.
            try {
                for (int i = 1; i < sockets.size(); i++) setSocket(dev, sockets.get(i));
                dev.ioctl(SET_BLKSIZE, config.blockSize());
                dev.ioctl(SET_SIZE, config.size());
                dev.ioctl(SET_TIMEOUT, config.timeoutSeconds());
                dev.ioctl(SET_FLAGS, config.flags(sockets.size()));
            } catch (KernelException | RuntimeException e) {
                try {
                    dev.ioctl(CLEAR_SOCK, 0L);
                } catch (KernelException ignored) {
                    // closing the device frees its configuration anyway
                }
                dev.close();
                throw e;
            }
            NbdDevice d = new NbdDevice(n);
            d.device = dev;
            return d;
        }
        throw new KernelException("NBD_SET_SOCK", "/dev/nbd* (no free NBD device"
                + (busy == null ? "" : "; the last: " + busy.getMessage()) + ")", Errno.EBUSY);
    }

    /** NBD_SET_SOCK with {@code socket}'s descriptor, held for the call. */
    private static void setSocket(OwnedFd dev, OwnedFd socket) throws KernelException {
        int fd = socket.acquire();
        try {
            // SAFETY: the number is a descriptor this module holds (acquired: it cannot be closed and reused
            // meanwhile), checked to be a socket; the kernel takes its own reference to the socket during the call
            // (sockfd_lookup) and dereferences nothing.
            dev.ioctl(SET_SOCK, fd);
        } finally {
            socket.release();
        }
    }

    /** On the serving thread: NBD_DO_IT until the device is disconnected, then frees it. */
    private void serve() {
        OwnedFd dev = device;
        try {
            dev.ioctl(DO_IT, 0L);
            endedBecause = "disconnected";
        } catch (KernelException e) {
            // ETIMEDOUT: a request went unanswered for the timeout; else the connection ended unasked.
            endedBecause = e.getMessage();
            LOG.log(System.Logger.Level.WARNING, path + " ended: " + e.getMessage());
        } catch (RuntimeException e) {
            endedBecause = e.toString();
            LOG.log(System.Logger.Level.ERROR, path + " ended", e);
        } finally {
            synchronized (lock) {
                try {
                    dev.ioctl(CLEAR_SOCK, 0L);
                } catch (KernelException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> path + ": NBD_CLEAR_SOCK: " + e.getMessage());
                }
                // The last reference of ours: the kernel frees the configuration once no one else holds it.
                dev.close();
                device = null;
            }
            disconnected.countDown();
        }
    }

    /** The device node, {@code /dev/nbdN}. */
    public String path() {
        return path;
    }

    /** N of {@code /dev/nbdN}. */
    public int number() {
        return number;
    }

    /** True until the connection ended (disconnected, or the server's sockets closed). */
    public boolean isConnected() {
        return disconnected.getCount() > 0;
    }

    /** Why the connection ended, once it has; null before. */
    public String endedBecause() {
        return isConnected() ? null : endedBecause;
    }

    /** Whether something else holds the device exclusively: a mounted file system, or another exclusive opener. */
    public boolean inUse() throws KernelException {
        try {
            Fs.open(path, Fs.O_RDONLY | Fs.O_EXCL).close();
            return false;
        } catch (KernelException e) {
            if (e.errno() == Errno.EBUSY) return true;
            throw e;
        }
    }

    /**
     * Asks the kernel to disconnect: it sends the server NBD_CMD_DISC on every socket, and the device ends when
     * the server closes them ({@link #awaitDisconnected}). Refused with {@code EBUSY} while the device is
     * {@linkplain #inUse() in use} (a mounted file system would see every later request fail). Does nothing once
     * disconnected.
     */
    public void disconnect() throws KernelException {
        synchronized (lock) {
            if (device == null) return;
            if (inUse()) {
                throw new KernelException("NBD_DISCONNECT", path
                        + " is in use (mounted, or held open exclusively): unmount it first", Errno.EBUSY);
            }
            device.ioctl(DISCONNECT, 0L);
        }
    }

    /** Waits at most {@code timeout} for the connection to end; true when it has. */
    public boolean awaitDisconnected(Duration timeout) throws InterruptedException {
        return disconnected.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits for the connection to end. */
    public void awaitDisconnected() throws InterruptedException {
        disconnected.await();
    }

    /**
     * {@link #disconnect()} and a wait of at most 30 s for the server to close its ends; when the device is in use
     * it is left connected, with a warning (it ends when this process does, its I/O failing from then on).
     */
    @Override
    public void close() {
        try {
            disconnect();
            if (!awaitDisconnected(Duration.ofSeconds(30))) {
                LOG.log(System.Logger.Level.WARNING, path + ": the server did not close its connections in 30 s");
            }
        } catch (KernelException e) {
            LOG.log(System.Logger.Level.WARNING, path + " not disconnected: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "NbdDevice[" + path + "]";
    }
}
