package dev.j4l.block;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;

/**
 * A block device's behaviour: a fixed number of bytes addressed by offset. A transport checks every request
 * against {@link #size()} and {@link #blockSize()} before calling, so a driver sees only ranges inside the device,
 * and lends it a {@link BlockData} view of the transport's buffer for the call only. Methods are called
 * concurrently from several threads. Throwing {@link ErrnoException} answers that error; any other exception
 * answers EIO, is logged with the operation and range, and the device keeps serving.
 */
public interface BlockDriver {
    /** The device's size in bytes: a multiple of {@link #blockSize()}. */
    long size();

    /** The logical block size: the unit of every request's offset and length (512 by default). */
    default int blockSize() {
        return 512;
    }

    /**
     * The physical block size: the unit the device writes without a read-modify-write, a multiple of
     * {@link #blockSize()} (the same by default). NBD advertises it as the preferred request size.
     */
    default int physicalBlockSize() {
        return blockSize();
    }

    /** A read-only device refuses writes, discards and zeroing with EPERM before the driver sees them. */
    default boolean readOnly() {
        return false;
    }

    /** Fills all of {@code into} ({@code into.length()} bytes) from {@code offset}. */
    void read(long offset, BlockData into) throws ErrnoException;

    /**
     * Stores {@code from} at {@code offset}. With {@code fua} (force unit access) the data must be durable when
     * the call returns, as after a {@link #flush}.
     */
    void write(long offset, BlockData from, boolean fua) throws ErrnoException;

    /**
     * Reports how {@code [offset, offset+length)} is stored (which parts are holes, which read as zeroes), as
     * consecutive extents from {@code offset} into {@code sink}, stopping when it returns false; a driver may
     * stop earlier (see {@link ExtentSink}). Transports ask it for NBD's {@code base:allocation} block status,
     * which lets copying tools skip holes, and before reads, to send holes without reading them. The answer
     * need only be true when given: a write racing with it may change the range. The default reports the whole
     * range as {@link Allocation#DATA}, which is always correct.
     */
    default void extents(long offset, long length, ExtentSink sink) throws ErrnoException {
        sink.extent(length, Allocation.DATA);
    }

    /** Makes every write completed so far durable. A device without a cache has nothing to do. */
    default void flush() throws ErrnoException {}

    /** Whether {@link #discard} does anything: transports advertise TRIM only then. */
    default boolean canDiscard() {
        return false;
    }

    /** The range's contents are no longer needed (TRIM); reading it afterwards may return anything. */
    default void discard(long offset, long length) throws ErrnoException {
        throw new ErrnoException(Errno.EOPNOTSUPP);
    }

    /**
     * Makes the range read as zeroes. Without {@code noHole} the driver may free the range's storage (as a
     * discard that reads back zeroes); with it the storage must stay allocated, so later writes there cannot run
     * out of space. The default writes zeroes through {@link #write}, a block at a time.
     */
    default void writeZeroes(long offset, long length, boolean fua, boolean noHole) throws ErrnoException {
        int chunk = (int) Math.min(length, 1 << 20);
        ZeroData zeroes = new ZeroData(chunk);
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(chunk, length - done);
            zeroes.limit(n);
            write(offset + done, zeroes, fua);
            done += n;
        }
    }
}
