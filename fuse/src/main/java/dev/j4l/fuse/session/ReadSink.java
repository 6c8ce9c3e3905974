package dev.j4l.fuse.session;

import dev.j4l.fuse.DataSink;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;

/** The read reply window of a worker's reply buffer, reused for every READ. */
final class ReadSink implements DataSink {
    private final NativeBuffer out;
    private final int base;
    private int capacity;
    private int length;
    private boolean valid;

    ReadSink(NativeBuffer out, int base) {
        this.out = out;
        this.base = base;
    }

    void open(int capacity) {
        this.capacity = (int) Math.min(capacity, out.size() - base);
        this.length = 0;
        this.valid = true;
    }

    /** Ends the call; returns the bytes put. */
    int close() {
        valid = false;
        return length;
    }

    private void check(int n) {
        if (!valid) throw new IllegalStateException("DataSink used after its read call returned");
        if (n < 0 || n > capacity - length) {
            throw new IndexOutOfBoundsException("put of " + n + " bytes with " + (capacity - length) + " left");
        }
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void put(byte[] src, int offset, int n) {
        check(n);
        out.put(base + length, src, offset, n);
        length += n;
    }

    @Override
    public void put(NativeBuffer src, long offset, int n) {
        check(n);
        out.copyFrom(base + length, src, offset, n);
        length += n;
    }

    @Override
    public void putZeros(int n) {
        check(n);
        out.fill(base + length, n, (byte) 0);
        length += n;
    }

    @Override
    public int putFrom(OwnedFd fd, long position, int n) throws KernelException {
        check(n);
        int r = dev.j4l.kernel.FuseDevice.pread(fd, position, out, base + length, n);
        length += r;
        return r;
    }
}
