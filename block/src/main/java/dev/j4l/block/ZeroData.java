package dev.j4l.block;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.util.Arrays;
import java.util.Objects;

/** A read-only window of zeroes, for {@link BlockDriver#writeZeroes}'s default. */
final class ZeroData implements BlockData {
    /** Zeroes to write from; only ever read, so one buffer serves every thread. */
    private static final NativeBuffer ZEROES = NativeBuffer.allocate(1 << 20, 4096);
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

    @Override
    public int readFrom(OwnedFd fd, long fileOffset, int position, int n) {
        throw new UnsupportedOperationException("a write's data is read-only");
    }

    @Override
    public void writeTo(OwnedFd fd, long fileOffset, int position, int n) throws KernelException {
        Objects.checkFromIndexSize(position, n, length);
        for (int done = 0; done < n; ) {
            int chunk = (int) Math.min(n - done, ZEROES.size());
            fd.pwriteFully(ZEROES, 0, chunk, fileOffset + done);
            done += chunk;
        }
    }
}
