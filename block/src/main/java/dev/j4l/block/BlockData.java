package dev.j4l.block;

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
}
