package dev.j4l.chardev;

import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;

/**
 * A character device driver, served as {@code /dev/NAME} by {@link CuseDevice}. Every open(2) of the node
 * gets its own state from {@link #open}; the framework keeps it and hands it back to each call on that open
 * file, then to {@link #release} once the file's last descriptor is closed. The driver never sees a file
 * handle number.
 *
 * <p>Methods run concurrently on the device's request threads (several opens, or several calls on one open
 * file), so a driver guards what its opens share. An {@link ErrnoException} answers its errno to the caller;
 * any other exception answers EIO and is logged. The {@link Request}, {@link DataSink} and {@link DataSource}
 * are lent for the one call, on its thread, as in FUSE: kept or used elsewhere they throw.
 *
 * <p>A character device has no file position of its own: seeking is a no-op, and each read(2) or write(2)
 * reaches the driver as one call (or, above 128 KiB, as several in order), so a driver that streams keeps its
 * position in the open state.
 *
 * @param <S> the driver's per-open state
 */
public interface CharDevice<S> {

    /**
     * A new open file; returns its state (may be null).
     *
     * @param flags the open(2) flags ({@code O_ACCMODE}, {@code O_NONBLOCK}, ...)
     */
    S open(Request r, int flags) throws ErrnoException;

    /**
     * A read(2): puts up to {@code size} bytes into {@code out}, which is a window of the reply and dies when
     * this returns. The caller gets exactly the bytes put; none is end of file.
     *
     * @param offset where this part starts within the one read(2) call (0 unless it was split)
     */
    default void read(Request r, S state, long offset, int size, DataSink out) throws ErrnoException {
        throw new ErrnoException(Errno.EINVAL);
    }

    /**
     * A write(2): {@code data} is a read-only view of the bytes, dead once this returns; answers how many of them
     * were taken (what write(2) returns).
     */
    default int write(Request r, S state, DataSource data) throws ErrnoException {
        throw new ErrnoException(Errno.EINVAL);
    }

    /** The last descriptor of an open file is gone; its state is dropped after this. */
    default void release(S state) {}
}
