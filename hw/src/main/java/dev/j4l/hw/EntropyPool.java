package dev.j4l.hw;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.RandomDevice;

/**
 * The kernel's entropy pool, fed through {@code /dev/random}: {@link #add} mixes bytes in and credits the
 * entropy the caller vouches for (CAP_SYS_ADMIN; {@code EPERM} without), {@link #entropyCount()} reads the
 * count. Larger inputs go in pieces of {@link RandomDevice#MAX_ADD_BYTES}, each credited its share (rounded
 * down).
 */
public final class EntropyPool implements EntropyFeeder.Sink, AutoCloseable {
    private final RandomDevice device;

    private EntropyPool(RandomDevice device) {
        this.device = device;
    }

    /** Opens {@code /dev/random}. */
    public static EntropyPool open() throws KernelException {
        return new EntropyPool(RandomDevice.open());
    }

    /** Opens {@code path}, which must be {@code /dev/random} or {@code /dev/urandom} ({@code EINVAL} otherwise). */
    public static EntropyPool open(String path) throws KernelException {
        return new EntropyPool(RandomDevice.open(path));
    }

    /** Mixes all of {@code bytes} in, crediting {@code entropyBits} (0 to 8 a byte). */
    public void add(byte[] bytes, int entropyBits) throws KernelException {
        add(bytes, 0, bytes.length, entropyBits);
    }

    /** Mixes {@code bytes[offset, offset+length)} in, crediting {@code entropyBits} (0 to 8 a byte). */
    @Override
    public void add(byte[] bytes, int offset, int length, int entropyBits) throws KernelException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        checkCredit(length, entropyBits);
        for (int done = 0; done < length; ) {
            int n = Math.min(RandomDevice.MAX_ADD_BYTES, length - done);
            device.addEntropy(bytes, offset + done, n, share(entropyBits, n, length));
            done += n;
        }
    }

    /** Mixes {@code buf[offset, offset+length)} in, crediting {@code entropyBits} (0 to 8 a byte). */
    public void add(NativeBuffer buf, long offset, int length, int entropyBits) throws KernelException {
        java.util.Objects.checkFromIndexSize(offset, length, buf.size());
        checkCredit(length, entropyBits);
        for (int done = 0; done < length; ) {
            int n = Math.min(RandomDevice.MAX_ADD_BYTES, length - done);
            device.addEntropy(buf, offset + done, n, share(entropyBits, n, length));
            done += n;
        }
    }

    private static void checkCredit(int length, int entropyBits) {
        if (entropyBits < 0 || entropyBits > 8L * length) {
            throw new IllegalArgumentException(entropyBits + " bits credited for " + length + " bytes (0 to 8 a byte)");
        }
    }

    private static int share(int bits, int piece, int whole) {
        return whole == 0 ? 0 : (int) ((long) bits * piece / whole);
    }

    /** The pool's entropy count in bits. */
    public int entropyCount() throws KernelException {
        return device.entropyCount();
    }

    @Override
    public void close() {
        device.close();
    }
}
