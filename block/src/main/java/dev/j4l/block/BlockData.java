package dev.j4l.block;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;

/**
 * A window of a transport's buffer lent to a driver for one call: the data of a write, or the room for a
 * read's. Positions are relative to the window, checked against its {@link #length()}; after the call returns,
 * or on another thread, every method throws, so a kept view never reaches another request's bytes.
 */
public interface BlockData {
    /** Bytes in the window. */
    int length();

    /** Copies {@code n} bytes from {@code position} of the window into {@code dst[offset..]}. */
    void get(int position, byte[] dst, int offset, int n);

    /** Copies {@code n} bytes of {@code src[offset..]} to {@code position} of the window. */
    void put(int position, byte[] src, int offset, int n);

    /** Sets {@code n} bytes from {@code position} to zero. */
    void fill(int position, int n, byte value);

    /** Whether the whole window is zero bytes (to keep a sparse device sparse). */
    boolean isZero();

    /**
     * Fills {@code [position, position+n)} of the window from {@code fd} at file offset {@code fileOffset}
     * ({@code pread(2)}, repeated until done); returns the bytes read, fewer only at end of file. A window starts
     * on a page when it is a whole request's, and on a multiple of the block size when a transport splits a read
     * into runs (an NBD read around holes), so a file opened with {@code O_DIRECT} whose memory alignment is at
     * most the block size can be read straight into it when the file offset and length are aligned too.
     */
    int readFrom(OwnedFd fd, long fileOffset, int position, int n) throws KernelException;

    /** Writes {@code [position, position+n)} of the window to {@code fd} at {@code fileOffset} ({@code pwrite(2)}, repeated until done). */
    void writeTo(OwnedFd fd, long fileOffset, int position, int n) throws KernelException;
}
