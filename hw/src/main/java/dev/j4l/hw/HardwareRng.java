package dev.j4l.hw;

import dev.j4l.kernel.HwRng;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's hardware random number generator, {@code /dev/hwrng}: {@link #open()}, then fill byte arrays or
 * ranges of a native buffer (a {@code BufferPool} lease's, say; bounds, liveness and thread are checked on every
 * read) with its bytes. Which source the kernel reads is {@link #current()}, chosen among {@link #available()}.
 * With an {@link EntropyFeeder} it feeds the kernel's pool as {@code j4l rngd} does:
 *
 * {@snippet class=dev.j4l.hw.HwRngExample region=rngd}
 */
public final class HardwareRng implements EntropyFeeder.Source, AutoCloseable {
    private final HwRng device;

    private HardwareRng(HwRng device) {
        this.device = device;
    }

    /** Opens {@code /dev/hwrng} (root only, usually: the node is mode 0600). */
    public static HardwareRng open() throws KernelException {
        return new HardwareRng(HwRng.open());
    }

    /** Opens {@code path}, which must be the hw_random device (char 10:183; {@code EINVAL} otherwise). */
    public static HardwareRng open(String path) throws KernelException {
        return new HardwareRng(HwRng.open(path));
    }

    /** Fills {@code dst[offset, offset+length)}, blocking until the source has given that many bytes. */
    @Override
    public void read(byte[] dst, int offset, int length) throws KernelException {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        while (length > 0) {
            int n = device.read(dst, offset, length);
            if (n <= 0) throw new KernelException("read", device.path() + " gave no bytes", dev.j4l.kernel.Errno.EIO);
            offset += n;
            length -= n;
        }
    }

    /** Fills {@code dst}. */
    public byte[] read(byte[] dst) throws KernelException {
        read(dst, 0, dst.length);
        return dst;
    }

    /** Fills {@code buf[offset, offset+length)}, blocking until the source has given that many bytes. */
    public void read(NativeBuffer buf, long offset, int length) throws KernelException {
        java.util.Objects.checkFromIndexSize(offset, length, buf.size());
        while (length > 0) {
            int n = device.read(buf, offset, length);
            if (n <= 0) throw new KernelException("read", device.path() + " gave no bytes", dev.j4l.kernel.Errno.EIO);
            offset += n;
            length -= n;
        }
    }

    @Override
    public String name() {
        try {
            return device.path() + current().map(c -> " (" + c + ")").orElse("");
        } catch (IOException e) {
            return device.path();
        }
    }

    /** The source {@code /dev/hwrng} reads now ({@code rng_current}); empty when none. */
    public static Optional<String> current() throws IOException {
        return HwRng.current();
    }

    /** The registered sources ({@code rng_available}). */
    public static List<String> available() throws IOException {
        return HwRng.available();
    }

    @Override
    public void close() {
        device.close();
    }
}
