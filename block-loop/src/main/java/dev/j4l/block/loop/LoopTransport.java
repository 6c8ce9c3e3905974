package dev.j4l.block.loop;

import dev.j4l.block.BlockDriver;
import dev.j4l.block.transport.Attachment;
import dev.j4l.block.transport.DriverCall;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.LoopDevice;
import dev.j4l.kernel.Mounts;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * Serves a {@link BlockDriver} as a real block device, {@code /dev/loopN}: the driver's bytes are one file of a
 * private j4l FUSE mount, attached to a free loop device with direct I/O and the driver's block size. The mount
 * is detached from the file tree as soon as the file is open, so no path leads to it and nothing is left in the
 * mount table whatever happens to this process: the open file alone keeps the FUSE connection up.
 *
 * <p>{@link #detach()} (or {@link #close()}) releases the device and ends the connection; it is refused while
 * the device is in use (a mounted filesystem). A process that merely holds the device open (without
 * {@code O_EXCL}: dd, a VM) is not seen: the kernel then releases the device when that process closes it. If the process dies instead, the FUSE connection is aborted: every
 * request to the device fails with an I/O error (nothing hangs), and the kernel frees the device once its last
 * user closes it (it is set to clear itself).
 *
 * <p>Needs CAP_SYS_ADMIN (mounting, loop devices) and a loop driver in the kernel ({@code /dev/loop-control}).
 */
public final class LoopTransport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.block");
    /** Where the private mounts are made, for the moment between mounting and detaching. */
    private static final Path MOUNTS = Path.of("/run/j4l/loop");

    private final BlockDriver driver;
    private final DeviceFile file;
    private final FuseMount<DeviceFile.Node> mount;
    private final LoopDevice device;
    /**
     * An O_PATH descriptor of the device file, for {@link #resized()}: the loop driver of older kernels (6.1 among
     * them) takes the file's cached size, which only a stat through the file refreshes. O_PATH because closing it
     * sends the connection nothing: an open file would FLUSH to this very daemon at exit, and a killed daemon would
     * then hang in exit forever. Closed before the connection is ended, which it would otherwise keep up.
     */
    private final OwnedFd backing;
    private final Attachment attachment;

    private LoopTransport(BlockDriver driver, DeviceFile file, FuseMount<DeviceFile.Node> mount, LoopDevice device,
            OwnedFd backing) {
        this.driver = driver;
        this.file = file;
        this.mount = mount;
        this.device = device;
        this.backing = backing;
        this.attachment = new Attachment(device.path(), this::release, this::leave,
                "it stays until then, and its I/O fails once this process exits");
    }

    /**
     * Attaches {@code driver} to a free loop device.
     *
     * @throws IOException naming the reason: no privilege, no loop support, a block size the loop device cannot
     *     take (it takes 512 to 4096), or the kernel refusing the mount or the device
     */
    public static LoopTransport attach(BlockDriver driver) throws IOException {
        try {
            DriverCall.checkGeometry(driver, 4096); // a loop device's largest logical block
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot serve this driver as a loop device: " + e.getMessage(), e);
        }
        int blockSize = driver.blockSize();
        Files.createDirectories(MOUNTS, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path dir = Files.createTempDirectory(MOUNTS, "dev");
        DeviceFile file = new DeviceFile(driver);
        FuseMount<DeviceFile.Node> mount = null;
        LoopDevice device = null;
        OwnedFd backing = null;
        try {
            mount = FuseMount.mount(dir, file, MountOptions.builder().fsname("j4l-block").subtype("loop")
                    .readOnly(driver.readOnly()).timeouts(Duration.ofDays(1))
                    .readdirplus(MountOptions.Readdirplus.OFF)
                    // The loop device keeps many direct-I/O requests in flight; let them all reach the driver.
                    .maxBackground(128).build());
            int access = driver.readOnly() ? Fs.O_RDONLY : Fs.O_RDWR;
            String path = dir.resolve(DeviceFile.NAME).toString();
            try (OwnedFd io = Fs.open(path, access | Fs.O_DIRECT)) {
                device = LoopDevice.attach(io, new LoopDevice.Config(blockSize, driver.readOnly(), true));
            }
            backing = Fs.open(path, Fs.O_PATH);
            // From here the loop device's reference to the file keeps the connection; the path is not needed.
            Mounts.unmount(dir.toString(), Mounts.MNT_DETACH);
            return new LoopTransport(driver, file, mount, device, backing);
        } catch (KernelException e) {
            abandon(backing, device, mount);
            throw new IOException("cannot attach a loop device: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            abandon(backing, device, mount);
            throw e;
        } finally {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> "leaving " + dir + ": " + e.getMessage());
            }
        }
    }

    /** The block device, {@code /dev/loopN}. */
    public String devicePath() {
        return device.path();
    }

    private static void abandon(OwnedFd backing, LoopDevice device, FuseMount<?> mount) throws IOException {
        if (backing != null) backing.close();
        if (device != null) device.close();
        if (mount != null) mount.close();
    }

    /** The driver served. */
    public BlockDriver driver() {
        return driver;
    }

    /** True while the device is attached and its connection up. */
    public boolean isAttached() {
        return !attachment.isEnded() && mount.isAlive();
    }

    /**
     * Takes the driver's {@link BlockDriver#size()} again after it changed: the device's capacity follows (what
     * {@code blockdev --getsize64} and file systems see).
     */
    public void resized() throws IOException {
        file.resized();
        mount.notifier().invalidateInode(DeviceFile.Node.DEVICE, -1, 0);
        try {
            Fs.stat(backing); // the attributes were just invalidated: this GETATTR brings the new size in
            device.updateCapacity();
        } catch (KernelException e) {
            throw new IOException("cannot update the capacity of " + device.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Detaches the device and ends the connection.
     *
     * @throws IOException when the device is in use (a mounted filesystem: unmount it first); nothing is changed
     */
    public void detach() throws IOException {
        attachment.detach();
    }

    private void release() throws IOException {
        try {
            device.detach();
        } catch (KernelException e) {
            if (e.errno() == Errno.EBUSY) throw new Attachment.InUse(device.path(), e);
            throw new IOException("cannot detach " + device.path() + ": " + e.getMessage(), e);
        }
        backing.close();
        mount.close();
    }

    /** Lets the kernel free the device once its last user closes it. */
    private void leave() {
        backing.close();
        device.close();
    }

    /**
     * Blocks until the FUSE connection ends: the device was detached by this transport. (One detached from outside,
     * {@code losetup -d}, keeps the connection until this transport is closed: it holds the file's O_PATH
     * descriptor.)
     */
    public void awaitDetached() throws InterruptedException {
        mount.awaitUnmount();
    }

    /** {@link #detach()}; when the device is in use it is left to the kernel to free once its last user closes it. */
    @Override
    public void close() throws IOException {
        attachment.close();
    }

    @Override
    public String toString() {
        return "LoopTransport[" + device.path() + "]";
    }
}
