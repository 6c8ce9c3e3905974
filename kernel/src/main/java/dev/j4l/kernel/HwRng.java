package dev.j4l.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's hardware random number generator device, {@code /dev/hwrng} (misc 10:183): reading it gives the
 * bytes of the current source ({@code /sys/class/misc/hw_random/rng_current}, one of {@code rng_available}), e.g.
 * {@code virtio_rng.0}. Reads block until the source has bytes.
 *
 * <p>The descriptor is this object's, opened and checked to be the character device 10:183, whatever path was
 * named; reads go into a caller's {@link NativeBuffer} range (bounds, liveness and thread checked as for any
 * {@link OwnedFd#read}) or a {@code byte[]} through a buffer of this object's.
 */
public final class HwRng implements AutoCloseable {
    public static final String PATH = "/dev/hwrng";
    /** The hw_random misc device's sysfs directory, holding {@code rng_current} and {@code rng_available}. */
    public static final Path SYSFS = Path.of("/sys/class/misc/hw_random");
    /** The misc device: major 10, minor 183 (HWRNG_MINOR in include/linux/miscdevice.h). */
    private static final int MISC_MAJOR = 10, HWRNG_MINOR = 183;
    /** The most bytes one {@link #read(byte[], int, int)} asks of the kernel. */
    public static final int MAX_READ = 4096;

    private final OwnedFd fd;
    private final NativeBuffer staging = NativeBuffer.allocate(MAX_READ);

    private HwRng(OwnedFd fd) {
        this.fd = fd;
    }

    /** Opens {@code /dev/hwrng} for reading. */
    public static HwRng open() throws KernelException {
        return open(PATH);
    }

    /**
     * Opens {@code path} for reading; it must be the hw_random device (character device 10:183).
     *
     * @throws KernelException with {@code EINVAL} when it is another file, {@code ENOENT} when there is none
     */
    public static HwRng open(String path) throws KernelException {
        return new HwRng(DeviceNode.open(path, Fs.O_RDONLY, FileStat.S_IFCHR, MISC_MAJOR, "open hwrng",
                "the hw_random device (char 10:183)", HWRNG_MINOR));
    }

    /**
     * One read(2) into {@code buf[offset, offset+length)}: the bytes read (at least 1 unless {@code length} is 0;
     * the kernel may give fewer than asked).
     *
     * @throws KernelException e.g. {@code ENODEV} when no source is current
     */
    public int read(NativeBuffer buf, long offset, int length) throws KernelException {
        return fd.read(buf, offset, length);
    }

    /** One read(2) of at most {@code min(length, MAX_READ)} bytes into {@code dst[offset, ...)}: the bytes read. */
    public int read(byte[] dst, int offset, int length) throws KernelException {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        synchronized (staging) {
            int n = fd.read(staging, 0, Math.min(length, MAX_READ));
            if (n > 0) staging.get(0, dst, offset, n);
            return n;
        }
    }

    /** The path this device was opened by. */
    public String path() {
        return fd.description();
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "HwRng[" + fd.description() + "]";
    }

    /**
     * The current source ({@code rng_current}); empty when the kernel has no hw_random support or reports
     * {@code none}.
     */
    public static Optional<String> current() throws IOException {
        Optional<String> s = sysfs("rng_current");
        return s.filter(v -> !v.isEmpty() && !v.equals("none"));
    }

    /**
     * The registered sources ({@code rng_available}, without the {@code none} the kernel lists too); empty when
     * there is none or no hw_random support.
     */
    public static List<String> available() throws IOException {
        Optional<String> s = sysfs("rng_available");
        if (s.isEmpty() || s.get().isEmpty()) return List.of();
        return java.util.Arrays.stream(s.get().split("\\s+")).filter(v -> !v.equals("none")).toList();
    }

    /** Whether the kernel has the hw_random class (CONFIG_HW_RANDOM). */
    public static boolean supported() {
        return Files.isDirectory(SYSFS);
    }

    private static Optional<String> sysfs(String name) throws IOException {
        try {
            return Optional.of(ProcFiles.read(SYSFS.resolve(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
