package dev.j4l.chardev;

import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.util.List;

/**
 * A character device driver, served as {@code /dev/NAME} by {@link CuseDevice}. Every open(2) of the node
 * gets its own state from {@link #open}; the framework keeps it and hands it back to each call on that open
 * file, then to {@link #release} once the file's last descriptor is closed. The driver never sees a file
 * handle number, a poll handle or an address.
 *
 * <p><b>Waiting.</b> A read that finds nothing answers {@code false}, a write that finds no room takes 0 bytes:
 * the framework then answers EAGAIN to a non-blocking open file ({@code O_NONBLOCK}, at open or set later with
 * fcntl) and makes a blocking caller wait, without holding a thread: when the driver calls
 * {@link Waiters#wakeUp} (given to {@link #init}) the call is asked again, and a caller that gets a signal
 * meanwhile gets EINTR. poll(2) asks {@link #readiness}, and is woken by the same {@code wakeUp}.
 *
 * <p><b>ioctls</b> are declared ({@link #ioctls}, typed {@link IoctlCommand}s); an undeclared number answers
 * ENOTTY and never reaches the driver, and a declared one reaches {@link #ioctl} with its argument's bytes
 * fetched and checked against the declaration.
 *
 * <p>Methods run concurrently on the device's request threads (several opens, or several calls on one open
 * file), and a waiting call is asked again on the device's wake-up thread, so a driver guards what its opens
 * share. An {@link ErrnoException} answers its errno to the caller; any other exception answers EIO and is
 * logged with the operation, and the device goes on serving. The {@link Request}, {@link DataSink},
 * {@link DataSource} and {@link IoctlArgument} are lent for the one call, on its thread: kept or used elsewhere
 * they throw.
 *
 * <p>A mailbox that holds one message, whose reads wait for it:
 *
 * {@snippet class=dev.j4l.chardev.CharDeviceExample region=mailbox}
 *
 * served as {@code /dev/NAME} until closed:
 *
 * {@snippet class=dev.j4l.chardev.CharDeviceExample region=serve}
 *
 * <p>A character device has no file position: each read(2) or write(2) reaches the driver as one call (above
 * 128 KiB, as several in order), so a driver that streams keeps its position in the open state.
 *
 * @param <S> the driver's per-open state
 */
public interface CharDevice<S> {

    /** The ioctls this device serves; any other number answers ENOTTY. Asked once, when the device is created. */
    default List<IoctlCommand> ioctls() {
        return List.of();
    }

    /** Called once, before the first open: {@code waiters} is how the driver wakes its waiting callers. */
    default void init(Waiters waiters) {}

    /**
     * A new open file; returns its state (may be null).
     *
     * @param flags the open(2) flags ({@code O_ACCMODE}, {@code O_NONBLOCK}, ...)
     */
    S open(Request r, int flags) throws ErrnoException;

    /**
     * A read(2): puts up to {@code out.capacity()} bytes into {@code out}, a window of the reply that dies when
     * this returns, and answers true; the caller gets exactly the bytes put, and none is end of file. Answers
     * false, having put nothing, when there is nothing to read yet (see <i>Waiting</i> above).
     */
    default boolean read(Request r, S state, DataSink out) throws ErrnoException {
        throw new ErrnoException(Errno.EINVAL);
    }

    /**
     * A write(2): {@code data} is a read-only view of the bytes (never empty), dead once this returns; answers how
     * many of them were taken (what write(2) returns), or 0 when there is no room yet (see <i>Waiting</i> above).
     */
    default int write(Request r, S state, DataSource data) throws ErrnoException {
        throw new ErrnoException(Errno.EINVAL);
    }

    /**
     * A declared ioctl: {@code arg} is its argument, lent for this call. Answers what ioctl(2) returns (0 or
     * more); whatever was put in an {@code OUT} or {@code IN_OUT} argument goes back to the caller.
     */
    default int ioctl(Request r, S state, IoctlArgument arg) throws ErrnoException {
        throw new ErrnoException(Errno.ENOTTY);
    }

    /**
     * What the open file is ready for now (poll(2), select(2), epoll). Not implemented: the kernel treats the
     * device as always readable and writable and stops asking.
     */
    default PollEvents readiness(S state) throws ErrnoException {
        throw new ErrnoException(Errno.ENOSYS);
    }

    /** The last descriptor of an open file is gone; its state is dropped after this. */
    default void release(S state) {}
}
