package dev.j4l.block;

import java.util.Arrays;
import java.util.Objects;

/** A read-only window of zeroes, for {@link BlockDriver#writeZeroes}'s default. */
final class ZeroData implements BlockData {
    private final int capacity;
    private int length;

    ZeroData(int capacity) {
        this.capacity = capacity;
        this.length = capacity;
    }

    void limit(int n) {
        length = Objects.checkIndex(n, capacity + 1);
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void get(int position, byte[] dst, int offset, int n) {
        Objects.checkFromIndexSize(position, n, length);
        Arrays.fill(dst, offset, Math.addExact(offset, n), (byte) 0);
    }

    @Override
    public void put(int position, byte[] src, int offset, int n) {
        throw new UnsupportedOperationException("a write's data is read-only");
    }

    @Override
    public void fill(int position, int n, byte value) {
        throw new UnsupportedOperationException("a write's data is read-only");
    }

    @Override
    public boolean isZero() {
        return true;
    }
}
