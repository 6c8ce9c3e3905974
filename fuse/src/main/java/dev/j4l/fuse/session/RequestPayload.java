package dev.j4l.fuse.session;

import dev.j4l.fuse.DataSource;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.LoanScope;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.util.Objects;

/**
 * A read-only window of a worker's request buffer, lent to the driver for one call: usable only on the
 * worker's thread and only until the call returns (then {@link IllegalStateException}; on another thread
 * {@link WrongThreadException}), so it never shows the next request's bytes. Public for the CUSE framework,
 * which lends a buffer of its own the same way when it serves a waiting write later.
 */
public final class RequestPayload implements DataSource {
    private final NativeBuffer in;
    private final int base;
    private final int size;
    private final Thread owner = Thread.currentThread();
    /** Cleared when the call returns; read by other threads only to fail them with the clearer message. */
    private volatile boolean valid = true;

    public RequestPayload(NativeBuffer in, int base, int size) {
        this.in = in;
        this.base = base;
        this.size = size;
    }

    /** Made by the first {@link #buffer()}: its views die when the call ends. */
    private LoanScope loan;

    public void close() {
        valid = false;
        if (loan != null) loan.close();
    }

    private void checkLive() {
        if (!valid) throw new IllegalStateException("DataSource used after its call returned");
        if (Thread.currentThread() != owner) throw new WrongThreadException("DataSource used off its call's thread");
    }

    private void check(int from, int n) {
        checkLive();
        Objects.checkFromIndexSize(from, n, size);
    }

    @Override
    public int size() {
        checkLive();
        return size;
    }

    @Override
    public byte get(int index) {
        check(index, 1);
        return in.getByte(base + index);
    }

    @Override
    public void get(int from, byte[] dst, int offset, int n) {
        check(from, n);
        in.get(base + from, dst, offset, n);
    }

    @Override
    public NativeBuffer buffer() {
        checkLive();
        if (loan == null) loan = LoanScope.open();
        return loan.lend(in).slice(base, size);
    }

    @Override
    public void copyTo(int from, NativeBuffer dst, long dstOffset, int n) {
        check(from, n);
        dst.copyFrom(dstOffset, in, base + from, n);
    }

    @Override
    public void writeTo(OwnedFd fd, long position) throws KernelException {
        check(0, size);
        int done = 0;
        while (done < size) {
            int w = fd.pwrite(in, base + done, size - done, position + done);
            if (w < 0) throw new KernelException("pwrite", fd.description(), dev.j4l.kernel.Errno.EAGAIN);
            if (w == 0) throw new KernelException("pwrite", fd.description(), dev.j4l.kernel.Errno.EIO);
            done += w;
        }
    }
}
