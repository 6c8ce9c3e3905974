package dev.j4l.fuse;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;

/**
 * Where a read's data goes: a bounded window of the reply buffer itself, so data copied here is sent to the
 * kernel without another copy. At most {@link #capacity()} bytes fit; fewer means end of file (unless the file
 * is open with {@code DIRECT_IO}). Valid only during the read call.
 */
public interface DataSink {
    /** How many bytes the kernel asked for. */
    int capacity();

    /** Bytes put so far. */
    int length();

    default int remaining() {
        return capacity() - length();
    }

    /** Appends {@code src[offset, offset+length)}. */
    void put(byte[] src, int offset, int length);

    /** Appends bytes of a native buffer. */
    void put(NativeBuffer src, long offset, int length);

    /** Appends {@code length} zero bytes (a hole). */
    void putZeros(int length);

    /**
     * Appends up to {@code length} bytes read from {@code fd} at {@code position} straight into the reply
     * ({@code pread(2)}); returns the bytes read, 0 at end of file.
     */
    int putFrom(OwnedFd fd, long position, int length) throws KernelException;

    /**
     * Appends {@code length} bytes and lends them as a buffer the driver fills in place, in any order (a
     * transport's window, say, that a block driver writes into directly). The bytes start as zeroes, count as put
     * at once, and the buffer is usable only on this thread until the read call returns; then every access
     * through it throws.
     */
    NativeBuffer window(int length);
}
