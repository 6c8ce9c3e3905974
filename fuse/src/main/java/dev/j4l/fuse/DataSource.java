package dev.j4l.fuse;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;

/**
 * Data the kernel sent with a request (write, setxattr, ioctl): a read-only view of the request buffer,
 * valid only until the driver method returns; any use after that throws {@link IllegalStateException}.
 */
public interface DataSource {
    int size();

    byte get(int index);

    /** Copies {@code [from, from+length)} into {@code dst[offset..]}. */
    void get(int from, byte[] dst, int offset, int length);

    /** Copies {@code [from, from+length)} into a native buffer. */
    void copyTo(int from, NativeBuffer dst, long dstOffset, int length);

    /** Writes all of it to {@code fd} at {@code position} ({@code pwrite(2)}, repeated until done). */
    void writeTo(OwnedFd fd, long position) throws KernelException;

    /**
     * All of the data as a buffer lent for this call only (usable on this thread until the call returns; then
     * every access throws), to be read in place without a copy. It is this request's own copy of the data:
     * writing to it changes nothing but what later reads of it in this call see.
     */
    NativeBuffer buffer();

    /** A copy of all of it. */
    default byte[] toByteArray() {
        byte[] b = new byte[size()];
        get(0, b, 0, b.length);
        return b;
    }
}
