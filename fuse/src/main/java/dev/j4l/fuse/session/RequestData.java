package dev.j4l.fuse.session;

import dev.j4l.fuse.DataSource;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.util.Objects;

/** A read-only window of a worker's request buffer, valid for one driver call. */
final class RequestData implements DataSource {
    private final NativeBuffer in;
    private int base;
    private int size;
    private boolean valid;

    RequestData(NativeBuffer in) {
        this.in = in;
    }

    RequestData open(int base, int size) {
        this.base = base;
        this.size = size;
        this.valid = true;
        return this;
    }

    void close() {
        valid = false;
    }

    private void check(int from, int n) {
        if (!valid) throw new IllegalStateException("DataSource used after its call returned");
        Objects.checkFromIndexSize(from, n, size);
    }

    @Override
    public int size() {
        if (!valid) throw new IllegalStateException("DataSource used after its call returned");
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
    public void copyTo(int from, NativeBuffer dst, long dstOffset, int n) {
        check(from, n);
        dst.copyFrom(dstOffset, in, base + from, n);
    }

    @Override
    public void writeTo(OwnedFd fd, long position) throws KernelException {
        check(0, size);
        int done = 0;
        while (done < size) {
            int w = dev.j4l.kernel.FuseDevice.pwrite(fd, position + done, in, base + done, size - done);
            if (w == 0) throw new KernelException("pwrite", fd.description(), dev.j4l.kernel.Errno.EIO);
            done += w;
        }
    }
}
