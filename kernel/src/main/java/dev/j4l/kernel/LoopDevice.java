package dev.j4l.kernel;

import dev.j4l.kernel.abi.LoopAbi;
import dev.j4l.kernel.raw.Ioctl;
import dev.j4l.kernel.raw.Native;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A loop device ({@code /dev/loopN}) with a file attached: the file's bytes become a real block device. Made by
 * {@link #attach}, which takes a free device from {@code /dev/loop-control} and configures it in one
 * {@code LOOP_CONFIGURE} call (block size, direct I/O, read-only). The device is set to clear itself when its
 * last user closes it, so if this process dies the device is released once nothing else (a mount, another
 * opener) holds it; {@link #detach()} releases it now and refuses while something does.
 *
 * <p>Every ioctl here is one of {@link LoopAbi}'s, made only on a descriptor checked to be a loop device (block
 * major 7) or the loop control device (misc 10:237); the backing file's descriptor number goes to the kernel
 * inside this module only, while the descriptor is held.
 */
public final class LoopDevice implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.kernel");

    static final Ioctl CTL_GET_FREE = Ioctl.none("LOOP_CTL_GET_FREE", LoopAbi.LOOP_CTL_GET_FREE);
    static final Ioctl CONFIGURE = Ioctl.buffer("LOOP_CONFIGURE", LoopAbi.LOOP_CONFIGURE, LoopAbi.CONFIG_SIZE);
    static final Ioctl CLR_FD = Ioctl.none("LOOP_CLR_FD", LoopAbi.LOOP_CLR_FD);
    static final Ioctl SET_CAPACITY = Ioctl.none("LOOP_SET_CAPACITY", LoopAbi.LOOP_SET_CAPACITY);
    static final Ioctl GET_STATUS64 = Ioctl.buffer("LOOP_GET_STATUS64", LoopAbi.LOOP_GET_STATUS64, LoopAbi.INFO64_SIZE);

    public static final String CONTROL = "/dev/loop-control";
    /** Block major of loop devices (LOOP_MAJOR in include/uapi/linux/major.h); loop-control is misc 10:237. */
    private static final int LOOP_MAJOR = 7, MISC_MAJOR = 10, LOOP_CTRL_MINOR = 237;
    /** Another process may take the device LOOP_CTL_GET_FREE offered before LOOP_CONFIGURE: try again. */
    private static final int ATTEMPTS = 16;

    /**
     * How a file is attached.
     *
     * @param blockSize the device's logical block size: a power of two from 512 to the page size
     * @param readOnly whether the device refuses writes
     * @param directIo whether the device reads and writes the file with O_DIRECT, bypassing the page cache (the
     *     file must allow it; the kernel falls back to buffered I/O when it does not)
     */
    public record Config(int blockSize, boolean readOnly, boolean directIo) {
        public Config {
            if (blockSize < 512 || blockSize > 4096 || Integer.bitCount(blockSize) != 1) {
                throw new IllegalArgumentException("block size must be a power of two from 512 to 4096: " + blockSize);
            }
        }
    }

    private final OwnedFd device;
    private final int number;
    private final String path;
    private volatile boolean detached;

    private LoopDevice(OwnedFd device, int number) {
        this.device = device;
        this.number = number;
        this.path = "/dev/loop" + number;
    }

    /**
     * Attaches {@code backing} (an open regular file or block device; opened read-write unless the config is
     * read-only) to a free loop device. The device keeps its own reference to the file: {@code backing} may be
     * closed afterwards.
     *
     * @throws KernelException when there is no loop support, no free device, or the kernel refuses the file
     */
    public static LoopDevice attach(OwnedFd backing, Config config) throws KernelException {
        KernelException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int n;
            try (OwnedFd control = DeviceNode.open(CONTROL, Fs.O_RDWR, FileStat.S_IFCHR, MISC_MAJOR, "loop ioctl",
                    "the loop control device (char 10:237)", LOOP_CTRL_MINOR)) {
                n = control.ioctl(CTL_GET_FREE, 0L);
            }
            OwnedFd dev = DeviceNode.open("/dev/loop" + n, config.readOnly() ? Fs.O_RDONLY : Fs.O_RDWR, FileStat.S_IFBLK,
                    LOOP_MAJOR, "loop ioctl", "a loop device (block 7:N)");
            try {
                configure(dev, backing, config);
                return new LoopDevice(dev, n);
            } catch (KernelException e) {
                dev.close();
                if (e.errno() != Errno.EBUSY) throw e;
                last = e; // taken by someone else between GET_FREE and CONFIGURE
            }
        }
        throw last;
    }

    private static void configure(OwnedFd dev, OwnedFd backing, Config config) throws KernelException {
        int flags = LoopAbi.LO_FLAGS_AUTOCLEAR;
        if (config.readOnly()) flags |= LoopAbi.LO_FLAGS_READ_ONLY;
        if (config.directIo()) flags |= LoopAbi.LO_FLAGS_DIRECT_IO;
        int fd = backing.acquire();
        try {
            MemorySegment arg = Native.scratch().allocate(LoopAbi.CONFIG_SIZE, 8);
            arg.fill((byte) 0);
            // The backing number goes to the kernel here only, while both descriptors are held: the kernel takes
            // its own reference to the file during the call.
            arg.set(ValueLayout.JAVA_INT, LoopAbi.CONFIG_FD, fd);
            arg.set(ValueLayout.JAVA_INT, LoopAbi.CONFIG_BLOCK_SIZE, config.blockSize());
            arg.set(ValueLayout.JAVA_INT, LoopAbi.CONFIG_INFO + LoopAbi.INFO64_FLAGS, flags);
            dev.ioctl(CONFIGURE, arg);
        } finally {
            backing.release();
        }
    }


    /** The device node, {@code /dev/loopN}. */
    public String path() {
        return path;
    }

    /** N of {@code /dev/loopN}. */
    public int number() {
        return number;
    }

    /** The attached file's name as the kernel recorded it (at most 63 bytes of its path). */
    public String backingName() throws KernelException {
        MemorySegment arg = Native.scratch().allocate(LoopAbi.INFO64_SIZE, 8);
        device.ioctl(GET_STATUS64, arg);
        byte[] name = arg.asSlice(LoopAbi.INFO64_FILE_NAME, LoopAbi.LO_NAME_SIZE).toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < name.length && name[end] != 0) end++;
        return new String(name, 0, end, StandardCharsets.UTF_8);
    }

    /** Re-reads the backing file's size into the device's capacity (after the file grew or shrank). */
    public void updateCapacity() throws KernelException {
        device.ioctl(SET_CAPACITY, 0L);
    }

    /** Whether something besides this object holds the device: a mounted filesystem, or another exclusive opener. */
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
     * Detaches the file and frees the device. Refused with {@code EBUSY} while the device is {@linkplain #inUse()
     * in use}: a mounted filesystem must be unmounted first (the kernel would otherwise only mark the device to
     * clear itself later, leaving it attached). A process holding the device open without {@code O_EXCL} (dd, a
     * VM) is not seen by that check: then the kernel releases the device when that process closes it. Idempotent.
     */
    public void detach() throws KernelException {
        if (detached) return;
        if (inUse()) {
            throw new KernelException("LOOP_CLR_FD", path + " is in use (mounted, or held open exclusively): unmount it first",
                    Errno.EBUSY);
        }
        try {
            device.ioctl(CLR_FD, 0L);
        } catch (KernelException e) {
            if (e.errno() != Errno.ENXIO) throw e; // ENXIO: nothing attached any more
        }
        detached = true;
        device.close();
    }

    /**
     * Detaches when nothing else holds the device; otherwise only lets go of it, and the kernel frees it when its
     * last user closes it (the device was configured to clear itself).
     */
    @Override
    public void close() {
        if (detached) return;
        try {
            detach();
        } catch (KernelException e) {
            LOG.log(System.Logger.Level.WARNING, path + " not detached now (" + e.getMessage()
                    + "); the kernel frees it when its last user closes it");
            detached = true;
            device.close();
        }
    }

    @Override
    public String toString() {
        return "LoopDevice[" + path + "]";
    }
}
