package dev.j4l.block.nbd;

import dev.j4l.block.BlockDriver;
import dev.j4l.block.transport.Attachment;
import dev.j4l.block.transport.DriverCall;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.NbdDevice;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Sockets;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves a {@link BlockDriver} as a real block device, {@code /dev/nbdN}, through the kernel's own NBD client: the
 * kernel gets one end of each of a few Unix stream connections ({@link NbdDevice}), and this process's
 * {@link NbdServer} serves the other ends from the transmission phase on, with simple replies (the kernel client
 * negotiates nothing). The same server code as a network export, so every request goes through
 * {@link DriverCall}: a driver's exception fails that request with EIO and is logged, and the device serves on.
 *
 * <p>{@link #detach()} (or {@link #close()}) disconnects the device; it is refused while the device is in use (a
 * mounted file system). If this process dies, even by SIGKILL, the kernel sees its connections close: every request
 * fails with an I/O error (nothing hangs) and the device is free again once its last user closes it. A request
 * left unanswered for the {@linkplain Options#timeout() timeout} (a stopped or stuck process) makes the kernel give
 * up the connection likewise.
 *
 * {@snippet class=dev.j4l.block.nbd.NbdDeviceExample region=attach}
 *
 * <p>Needs CAP_SYS_ADMIN and the kernel's {@code nbd} module (devices {@code /dev/nbd0}...). The kernel 6.1 client
 * sends READ, WRITE (with FUA), FLUSH and TRIM (when the driver {@linkplain BlockDriver#canDiscard() discards});
 * it has no WRITE_ZEROES, so the block layer writes zero pages for those.
 */
public final class NbdDeviceTransport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.block");
    /** Where the rendezvous sockets are made, for the moment of connecting (root only). */
    private static final Path SOCKETS = Path.of("/run/j4l/nbd");
    private static final int NONCE = 16;
    /** How long {@link #detach()} waits for the kernel to end the connections once asked. */
    private static final Duration DISCONNECT_WAIT = Duration.ofSeconds(30);

    /**
     * How the device is connected.
     *
     * @param connections sockets between the kernel and the server: the kernel makes a queue per socket (1 to
     *     {@link NbdDevice#MAX_SOCKETS})
     * @param timeout how long a request may go unanswered before the kernel gives up the device (its I/O fails from
     *     then on); at least a second
     */
    public record Options(int connections, Duration timeout) {
        public Options {
            if (connections < 1 || connections > NbdDevice.MAX_SOCKETS) {
                throw new IllegalArgumentException("connections must be from 1 to " + NbdDevice.MAX_SOCKETS + ": " + connections);
            }
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("timeout must be at least 1 s");
        }

        /** A connection per CPU, at most 4, and a 60 s timeout (a driver slower than that is taken for dead). */
        public static Options defaults() {
            return new Options(Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4), Duration.ofSeconds(60));
        }
    }

    private final BlockDriver driver;
    private final NbdServer server;
    private final NbdDevice device;
    private final Attachment attachment;

    private NbdDeviceTransport(BlockDriver driver, NbdServer server, NbdDevice device) {
        this.driver = driver;
        this.server = server;
        this.device = device;
        this.attachment = new Attachment(device.path(), this::disconnect, () -> { },
                "it stays served until this process exits, and its I/O fails then");
    }

    /** Connects {@code driver} to a free NBD device with {@link Options#defaults()}. */
    public static NbdDeviceTransport attach(BlockDriver driver) throws IOException {
        return attach(driver, Options.defaults());
    }

    /**
     * Connects {@code driver} to a free NBD device.
     *
     * @throws IOException naming the reason: no privilege, no nbd module, no free device, or a block size the
     *     device cannot take (it takes 512 to 4096)
     */
    public static NbdDeviceTransport attach(BlockDriver driver, Options options) throws IOException {
        try {
            DriverCall.checkGeometry(driver, 4096); // the kernel takes logical blocks up to the page size
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot serve this driver as an NBD device: " + e.getMessage(), e);
        }
        NbdServer server = NbdServer.withoutListener(driver, "nbd-device");
        List<OwnedFd> kernelEnds = new ArrayList<>();
        try {
            List<SocketChannel> serverEnds = connectPairs(options.connections(), kernelEnds);
            for (SocketChannel c : serverEnds) server.adopt(c);
            NbdDevice.Config config = new NbdDevice.Config(driver.size(), driver.blockSize(), driver.readOnly(),
                    true, true, driver.canDiscard(), options.timeout());
            NbdDevice device;
            try {
                device = NbdDevice.connect(kernelEnds, config);
            } catch (KernelException e) {
                throw new IOException("cannot connect an NBD device: " + e.getMessage(), e);
            }
            return new NbdDeviceTransport(driver, server, device);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        } finally {
            // The kernel holds its own references to the sockets it took.
            for (OwnedFd k : kernelEnds) k.close();
        }
    }

    /**
     * Makes {@code n} connected Unix stream socket pairs: each kernel end (made in {@code dev.j4l.kernel}, added
     * to {@code kernelEnds}) connects to a listener in a root-only directory that exists only meanwhile, and proves
     * it is the one accepted by sending a random nonce first. Not SecureRandom: its seeding blocks until the kernel's
     * random pool is ready (84 s after boot in the test VM, which has no entropy source), and the nonce only
     * tells this process's connections from a stray one made by root, who could do worse.
     */
    private static List<SocketChannel> connectPairs(int n, List<OwnedFd> kernelEnds) throws IOException {
        Files.createDirectories(SOCKETS, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path dir = Files.createTempDirectory(SOCKETS, "dev");
        Path path = dir.resolve("s");
        List<SocketChannel> serverEnds = new ArrayList<>();
        java.util.random.RandomGenerator random = java.util.concurrent.ThreadLocalRandom.current();
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            NativeBuffer address = Sockets.unixAddress(path.toString());
            NativeBuffer sent = NativeBuffer.allocate(NONCE);
            listener.bind(UnixDomainSocketAddress.of(path));
            byte[] nonce = new byte[NONCE];
            for (int i = 0; i < n; i++) {
                OwnedFd k = Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_STREAM, 0);
                kernelEnds.add(k);
                Sockets.connect(k, address);
                random.nextBytes(nonce);
                sent.put(0, nonce, 0, NONCE);
                if (k.write(sent, 0, NONCE) != NONCE) throw new IOException("short write on a fresh socket");
                SocketChannel c = listener.accept();
                serverEnds.add(c);
                ByteBuffer got = ByteBuffer.allocate(NONCE);
                while (got.hasRemaining()) {
                    if (c.read(got) < 0) throw new IOException("rendezvous socket closed early");
                }
                if (!java.util.Arrays.equals(got.array(), nonce)) {
                    throw new IOException("a stranger connected to " + path);
                }
            }
            return serverEnds;
        } catch (KernelException e) {
            closeAll(serverEnds);
            throw new IOException("cannot make the NBD device's sockets: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeAll(serverEnds);
            throw e;
        } finally {
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        }
    }

    private static void closeAll(List<SocketChannel> channels) {
        for (SocketChannel c : channels) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }
    }

    /** The block device, {@code /dev/nbdN}. */
    public String devicePath() {
        return device.path();
    }

    /** The driver served. */
    public BlockDriver driver() {
        return driver;
    }

    /** True while the device is connected. */
    public boolean isAttached() {
        return !attachment.isEnded() && device.isConnected();
    }

    /**
     * Disconnects the device: the kernel sends NBD_CMD_DISC, the server answers what is in flight, flushes the
     * driver and closes its ends, and the device is freed.
     *
     * @throws IOException when the device is in use (a mounted file system: unmount it first); nothing is changed
     */
    public void detach() throws IOException {
        attachment.detach();
    }

    private void disconnect() throws IOException {
        try {
            device.disconnect();
        } catch (KernelException e) {
            if (e.errno() == Errno.EBUSY) throw new Attachment.InUse(device.path(), e);
            throw new IOException("cannot detach " + device.path() + ": " + e.getMessage(), e);
        }
        try {
            if (!device.awaitDisconnected(DISCONNECT_WAIT)) {
                LOG.log(Level.WARNING, device.path() + ": the kernel did not end the connection in " + DISCONNECT_WAIT
                        + "; closing it from this side");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Closing our ends ends the kernel's side too, whatever it was waiting for.
            server.close();
        }
    }

    /** Blocks until the device is disconnected (by this process, or by the kernel after a timeout). */
    public void awaitDetached() throws InterruptedException {
        device.awaitDisconnected();
    }

    /** {@link #detach()}; when the device is in use it stays served until this process ends (its I/O fails then). */
    @Override
    public void close() throws IOException {
        attachment.close();
    }

    @Override
    public String toString() {
        return "NbdDeviceTransport[" + device.path() + "]";
    }
}
