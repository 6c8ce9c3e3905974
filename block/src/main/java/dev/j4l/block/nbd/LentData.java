package dev.j4l.block.nbd;

import dev.j4l.block.BlockData;
import java.util.Arrays;
import java.util.Objects;

/**
 * A window of a connection's buffer, lent to the driver for one call: usable only on the connection's thread and
 * only until the call returns (then {@link IllegalStateException}; on another thread {@link WrongThreadException}).
 */
final class LentData implements BlockData {
    private final byte[] buffer;
    private final int length;
    private final Thread owner = Thread.currentThread();
    /** Cleared when the call returns; read by other threads only to fail them with the clearer message. */
    private volatile boolean valid = true;

    LentData(byte[] buffer, int length) {
        this.buffer = buffer;
        this.length = length;
    }

    void close() {
        valid = false;
    }

    private void check(int position, int n) {
        if (!valid) throw new IllegalStateException("BlockData used after its call returned");
        if (Thread.currentThread() != owner) throw new WrongThreadException("BlockData used off its call's thread");
        Objects.checkFromIndexSize(position, n, length);
    }

    @Override
    public int length() {
        check(0, 0);
        return length;
    }

    @Override
    public void get(int position, byte[] dst, int offset, int n) {
        check(position, n);
        System.arraycopy(buffer, position, dst, offset, n);
    }

    @Override
    public void put(int position, byte[] src, int offset, int n) {
        check(position, n);
        System.arraycopy(src, offset, buffer, position, n);
    }

    @Override
    public void fill(int position, int n, byte value) {
        check(position, n);
        Arrays.fill(buffer, position, position + n, value);
    }

    @Override
    public boolean isZero() {
        check(0, length);
        for (int i = 0; i < length; i++) if (buffer[i] != 0) return false;
        return true;
    }
}
