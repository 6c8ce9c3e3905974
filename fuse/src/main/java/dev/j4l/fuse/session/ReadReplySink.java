package dev.j4l.fuse.session;

import dev.j4l.fuse.DataSink;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.LoanScope;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;

/**
 * The read reply window of a worker's reply buffer, lent to the driver for one READ call: usable only on the
 * worker's thread and only until the call returns (then {@link IllegalStateException}; on another thread
 * {@link WrongThreadException}), so no byte can reach another request's reply. Public for the CUSE framework,
 * which lends a buffer of its own the same way when it serves a waiting read later.
 */
public final class ReadReplySink implements DataSink {
    private final NativeBuffer out;
    private final int base;
    private final int capacity;
    private final Thread owner = Thread.currentThread();
    private int length;
    /** Cleared when the call returns; read by other threads only to fail them with the clearer message. */
    private volatile boolean valid = true;

    public ReadReplySink(NativeBuffer out, int base, int capacity) {
        this.out = out;
        this.base = base;
        this.capacity = (int) Math.max(0, Math.min(capacity, out.size() - base));
    }

    /** Made by the first {@link #window}: its views die when the call ends. */
    private LoanScope loan;

    /** Ends the call; returns the bytes put. */
    public int close() {
        valid = false;
        if (loan != null) loan.close();
        return length;
    }

    private void checkLive() {
        if (!valid) throw new IllegalStateException("DataSink used after its read call returned");
        if (Thread.currentThread() != owner) throw new WrongThreadException("DataSink used off its read call's thread");
    }

    private void check(int n) {
        checkLive();
        if (n < 0 || n > capacity - length) {
            throw new IndexOutOfBoundsException("put of " + n + " bytes with " + (capacity - length) + " left");
        }
    }

    @Override
    public int capacity() {
        checkLive();
        return capacity;
    }

    @Override
    public int length() {
        checkLive();
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
    public NativeBuffer window(int n) {
        check(n);
        if (loan == null) loan = LoanScope.open();
        // The reply buffer holds earlier replies: the window is zeroed before the driver sees it.
        out.fill(base + length, n, (byte) 0);
        NativeBuffer w = loan.lend(out).slice(base + length, n);
        length += n;
        return w;
    }

    @Override
    public int putFrom(OwnedFd fd, long position, int n) throws KernelException {
        check(n);
        int r = fd.pread(out, base + length, n, position);
        if (r < 0) throw new KernelException("pread", fd.description(), dev.j4l.kernel.Errno.EAGAIN);
        length += r;
        return r;
    }
}
