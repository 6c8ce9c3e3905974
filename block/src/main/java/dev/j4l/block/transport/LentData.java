package dev.j4l.block.transport;

import dev.j4l.block.BlockData;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.util.Objects;

/**
 * A window of a transport's native buffer, lent to the driver for one call: usable only on the thread that made
 * the call and only until the transport {@linkplain #close() closes} it (then {@link IllegalStateException}; on
 * another thread {@link WrongThreadException}). Every position is checked against the window, and the window
 * against the buffer, so no driver code reaches bytes outside the request's.
 */
public final class LentData implements BlockData {
    private final NativeBuffer buffer;
    /** Where the window starts in the buffer. */
    private final int start;
    private final int length;
    private final Thread owner = Thread.currentThread();
    /** Cleared when the call returns; read by other threads only to fail them with the clearer message. */
    private volatile boolean valid = true;

    /** Lends {@code [0, length)} of {@code buffer} to a call made on this thread. */
    public LentData(NativeBuffer buffer, int length) {
        this(buffer, 0, length);
    }

    /** Lends {@code [start, start+length)} of {@code buffer} to a call made on this thread. */
    public LentData(NativeBuffer buffer, int start, int length) {
        Objects.checkFromIndexSize(start, length, buffer.size());
        this.buffer = buffer;
        this.start = start;
        this.length = length;
    }

    /** Ends the loan: every later use throws. */
    public void close() {
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
        buffer.get(start + position, dst, offset, n);
    }

    @Override
    public void put(int position, byte[] src, int offset, int n) {
        check(position, n);
        buffer.put(start + position, src, offset, n);
    }

    @Override
    public void fill(int position, int n, byte value) {
        check(position, n);
        buffer.fill(start + position, n, value);
    }

    @Override
    public boolean isZero() {
        check(0, length);
        int i = 0;
        for (; i + 8 <= length; i += 8) if (buffer.getLong(start + i) != 0) return false;
        for (; i < length; i++) if (buffer.getByte(start + i) != 0) return false;
        return true;
    }

    @Override
    public int readFrom(OwnedFd fd, long fileOffset, int position, int n) throws KernelException {
        check(position, n);
        return fd.preadFully(buffer, start + position, n, fileOffset);
    }

    @Override
    public void writeTo(OwnedFd fd, long fileOffset, int position, int n) throws KernelException {
        check(position, n);
        fd.pwriteFully(buffer, start + position, n, fileOffset);
    }
}
