package dev.j4l.chardev;

import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.session.FuseSession;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@link CharDevice} served as the character device {@code /dev/NAME} through CUSE. {@link #create} opens a
 * CUSE channel ({@code /dev/cuse}, usually root only), answers the kernel's CUSE_INIT with the name, and
 * serves the device's requests on the FUSE engine's request threads; the kernel gives the device a dynamic
 * major and minor, and devtmpfs makes the node before {@code create} returns. {@link #close} ends the
 * connection and closes the channel, which removes the device and its node; opens still held then fail with
 * ENOTCONN from then on.
 */
public final class CuseDevice implements AutoCloseable {
    /** What a device name may be: one path component, as it appears in {@code /dev} and {@code /sys/class/cuse}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}");
    private static final Path CLASS = Path.of("/sys/class/cuse");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int WORKERS = 2;

    private final String name;
    private final FuseSession<?, ?> session;

    private CuseDevice(String name, FuseSession<?, ?> session) {
        this.name = name;
        this.session = session;
    }

    /**
     * Creates {@code /dev/NAME}, served by {@code driver} until {@link #close}.
     *
     * @throws IllegalArgumentException if {@code name} is not 1–64 of {@code [A-Za-z0-9_.+-]}, not starting
     *     with a punctuation mark, or the driver declares an ioctl number twice
     * @throws ErrnoException {@code EEXIST} if a CUSE device of that name exists
     * @throws KernelException if {@code /dev/cuse} cannot be opened (no cuse module, or not permitted)
     * @throws IOException if the kernel did not accept the device
     */
    public static <S> CuseDevice create(String name, CharDevice<S> driver) throws IOException {
        Objects.requireNonNull(driver, "driver");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a device name: " + name);
        }
        if (Files.exists(CLASS.resolve(name))) throw new ErrnoException(Errno.EEXIST, "CUSE device " + name);
        CharDeviceFilesystem<S> fs = new CharDeviceFilesystem<>(driver, name); // checks the declared ioctls
        OwnedFd channel = FuseDevice.openCuse();
        MountOptions options = MountOptions.builder().fsname(name).workers(WORKERS).build();
        FuseSession<?, ?> session = FuseSession.cuse(fs, options, channel, name, fs);
        CuseDevice device = new CuseDevice(name, session);
        try {
            session.start();
            if (!session.awaitInit(TIMEOUT)) throw new IOException("no CUSE_INIT from the kernel for " + name);
            // The kernel reports a device it cannot make (a name taken meanwhile, say) by ending the connection.
            if (!session.connectionAlive()) {
                throw new IOException("the kernel did not create CUSE device " + name + " (see the kernel log)");
            }
            session.startMoreWorkers();
            return device;
        } catch (IOException | RuntimeException e) {
            try {
                device.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The device's name. */
    public String name() {
        return name;
    }

    /** {@code /dev/NAME}. */
    public Path path() {
        return Path.of("/dev", name);
    }

    /** True until the connection ends (closed, or aborted through {@code /sys/class/cuse/NAME/abort}). */
    public boolean isServing() {
        return session.connectionAlive();
    }

    /**
     * Removes the device: ends the connection (its {@code abort} in sysfs), which wakes the request threads,
     * and closes the channel once they have stopped. Idempotent.
     *
     * @throws IOException if the connection could not be ended or did not end in time
     */
    @Override
    public void close() throws IOException {
        if (session.isTerminated()) return;
        // Once the connection is dead (the kernel refused the device, or it was aborted) the readers are already
        // waking with ENODEV; a live one is ended through its abort file, which wakes them.
        if (session.connectionAlive()) Files.writeString(CLASS.resolve(name).resolve("abort"), "1");
        try {
            if (!session.awaitTermination(TIMEOUT)) throw new IOException("CUSE device " + name + " did not stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping CUSE device " + name, e);
        }
    }
}
