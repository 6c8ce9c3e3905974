package dev.j4l.block.ublk;

import dev.j4l.block.AsyncBlockDriver;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.transport.Attachment;
import dev.j4l.block.transport.DriverCall;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.ublk.UblkDevice;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Serves a {@link BlockDriver} as a real block device, {@code /dev/ublkbN}, through the kernel's ublk driver:
 * each of the device's queues is a platform thread with an io_uring of its own, on which the kernel hands it
 * requests (one per tag, up to the queue depth in flight) and it commits their results. Every request reaches
 * the driver through the block framework's {@link DriverCall}, with the tag's buffer lent as the data window (no
 * copy in Java; the kernel copies between the block layer and that buffer, as Linux 6.1's ublk has no zero copy).
 * An {@link AsyncBlockDriver} is submitted each request and may answer later from any thread: the answer is handed
 * to the queue's thread, which commits it.
 *
 * <p>{@link #detach()} (or {@link #close()}) removes the device; it is refused while the device is in use (a
 * mounted file system). If the process dies, the kernel notices within five seconds: the device's I/O fails (no
 * hang), and {@link #removeDead} deletes what is left, from another process.
 *
 * <p>Needs CAP_SYS_ADMIN and a kernel with ublk ({@code /dev/ublk-control}; {@code CONFIG_BLK_DEV_UBLK}).
 */
public final class UblkTransport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.block");
    /** How long the queues may take to fetch before the device is started, and DEL_DEV to wait for the last user. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30), DELETE_TIMEOUT = Duration.ofSeconds(10);
    /** The most a discard or write-zeroes request covers. */
    private static final long MAX_RANGE_BYTES = 1L << 30;

    /**
     * How the device is served.
     *
     * @param queues queues (the kernel gives at most one per CPU), each a thread
     * @param depth requests in flight per queue, from 1 to 4096
     * @param maxIoBytes the largest request (a multiple of 4096 up to 32 MiB): each tag has a buffer of this size
     */
    public record Options(int queues, int depth, int maxIoBytes) {
        public Options {
            if (queues < 1 || queues > 64) throw new IllegalArgumentException("queues must be from 1 to 64: " + queues);
            if (depth < 1 || depth > 4096) throw new IllegalArgumentException("depth must be from 1 to 4096: " + depth);
            if (maxIoBytes < 4096 || maxIoBytes > UblkDevice.MAX_IO_BYTES || maxIoBytes % 4096 != 0) {
                throw new IllegalArgumentException("request size must be a multiple of 4096 up to "
                        + UblkDevice.MAX_IO_BYTES + ": " + maxIoBytes);
            }
        }

        /** One queue of 64 requests of up to 512 KiB. */
        public static Options defaults() {
            return new Options(1, 64, 512 * 1024);
        }
    }

    private final BlockDriver driver;
    private final UblkDevice device;
    private final QueueServer[] servers;
    private final Thread[] threads;
    private final CountDownLatch ended;
    private final Attachment attachment;

    private UblkTransport(BlockDriver driver, UblkDevice device, QueueServer[] servers, Thread[] threads,
            CountDownLatch ended) {
        this.driver = driver;
        this.device = device;
        this.servers = servers;
        this.threads = threads;
        this.ended = ended;
        this.attachment = Attachment.keptUntilExit(device.blockPath(), this::remove,
                "it keeps serving: detach it once unmounted, or it is removed when this process exits");
    }

    /** Whether this kernel has ublk. */
    public static boolean available() {
        return UblkDevice.available();
    }

    /** {@link #serve(BlockDriver, Options)} with {@link Options#defaults()}. */
    public static UblkTransport serve(BlockDriver driver) throws IOException {
        return serve(driver, Options.defaults());
    }

    /**
     * Adds a ublk device for {@code driver}, starts its queue threads and starts the device.
     *
     * @throws IOException naming the reason: no privilege, no ublk, a block size ublk cannot take (512 to 4096),
     *     or the kernel refusing the device
     */
    public static UblkTransport serve(BlockDriver driver, Options options) throws IOException {
        try {
            DriverCall.checkGeometry(driver, 4096); // ublk's largest logical block is the page
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot serve this driver as a ublk device: " + e.getMessage(), e);
        }
        long discard = driver.canDiscard() && !driver.readOnly() ? MAX_RANGE_BYTES : 0;
        long zeroes = driver.readOnly() ? 0 : MAX_RANGE_BYTES;
        UblkDevice.Params params = new UblkDevice.Params(driver.size(), driver.blockSize(),
                Math.min(driver.physicalBlockSize(), 1 << 20), driver.readOnly(), true, discard, zeroes);
        UblkDevice device;
        try {
            device = UblkDevice.add(options.queues(), options.depth(), options.maxIoBytes(), params);
        } catch (KernelException e) {
            throw new IOException("cannot add a ublk device: " + e.getMessage(), e);
        }
        int n = device.info().queues();
        QueueServer[] servers = new QueueServer[n];
        Thread[] threads = new Thread[n];
        CountDownLatch fetched = new CountDownLatch(n);
        CountDownLatch ended = new CountDownLatch(n);
        for (int q = 0; q < n; q++) {
            servers[q] = new QueueServer(driver, device, q, fetched, ended);
            threads[q] = Thread.ofPlatform().name("j4l-ublk" + device.id() + "-q" + q).daemon(true).unstarted(servers[q]);
        }
        try {
            for (Thread t : threads) t.start();
            if (!fetched.await(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IOException("the ublk queues did not start within " + START_TIMEOUT.toSeconds() + " s");
            }
            for (QueueServer s : servers) {
                if (s.failure() != null) throw new IOException("cannot start a ublk queue: " + s.failure().getMessage(), s.failure());
            }
            device.start(START_TIMEOUT);
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                device.stop();
                for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(10));
                device.close(DELETE_TIMEOUT);
            } catch (KernelException | InterruptedException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting the ublk device", e);
            }
            if (e instanceof IOException io) throw io;
            throw new IOException("cannot start the ublk device: " + e.getMessage(), e);
        }
        return new UblkTransport(driver, device, servers, threads, ended);
    }

    /** The block device, {@code /dev/ublkbN}. */
    public String devicePath() {
        return device.blockPath();
    }

    /** The device's number N (of {@code /dev/ublkbN} and {@code /dev/ublkcN}). */
    public int deviceId() {
        return device.id();
    }

    /** The driver served. */
    public BlockDriver driver() {
        return driver;
    }

    /** The queues the kernel gave. */
    public int queues() {
        return servers.length;
    }

    /** True while the device is there and every queue serves. */
    public boolean isServing() {
        return !attachment.isEnded() && ended.getCount() == servers.length;
    }

    /** Blocks until every queue has ended (the device was removed, by this process or the kernel). */
    public void awaitDetached() throws InterruptedException {
        ended.await();
    }

    /**
     * Removes the device: stops it (requests in flight are answered first), ends the queues and deletes it.
     *
     * @throws IOException when the device is in use (a mounted file system: unmount it first); nothing changes
     */
    public void detach() throws IOException {
        attachment.detach();
    }

    private void remove() throws IOException {
        if (device.inUse()) throw new Attachment.InUse(devicePath());
        try {
            device.stop();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                if (t.isAlive()) throw new IOException(t.getName() + " did not end after STOP_DEV (a driver call stuck?)");
            }
            if (!device.close(DELETE_TIMEOUT)) {
                LOG.log(Level.WARNING, "ublk device " + device.id() + " is deleted once its last opener closes it");
            }
        } catch (KernelException e) {
            throw new IOException("cannot remove " + devicePath() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while removing " + devicePath(), e);
        }
    }

    /**
     * {@link #detach()}; when the device is in use it is left serving (the kernel stops it when this process
     * exits, then its I/O fails).
     */
    @Override
    public void close() throws IOException {
        attachment.close();
    }

    /**
     * Deletes ublk device {@code id} left by a daemon that died (the kernel stopped it; its I/O fails). Returns
     * false, changing nothing, when its daemon is alive.
     *
     * @throws IOException when there is no such device, or it is still in use (unmount what is mounted on it)
     */
    public static boolean removeDead(int id) throws IOException {
        try {
            return UblkDevice.removeDead(id, DELETE_TIMEOUT);
        } catch (KernelException e) {
            throw new IOException("cannot remove ublk device " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "UblkTransport[" + devicePath() + "]";
    }
}
