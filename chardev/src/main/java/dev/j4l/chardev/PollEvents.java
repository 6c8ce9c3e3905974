package dev.j4l.chardev;

import dev.j4l.kernel.Poller;

/**
 * What an open file of a {@link CharDevice} is ready for now, as poll(2), select(2) and epoll see it: readable,
 * writable, or neither. The four values are constants, so answering a poll allocates nothing.
 */
public final class PollEvents {
    private static final int IN = Poller.POLLIN | Poller.POLLRDNORM;
    private static final int OUT = Poller.POLLOUT | Poller.POLLWRNORM;

    public static final PollEvents NONE = new PollEvents(0);
    public static final PollEvents READABLE = new PollEvents(IN);
    public static final PollEvents WRITABLE = new PollEvents(OUT);
    public static final PollEvents READ_WRITE = new PollEvents(IN | OUT);

    private final int bits;

    private PollEvents(int bits) {
        this.bits = bits;
    }

    /** One of the four constants. */
    public static PollEvents of(boolean readable, boolean writable) {
        return readable ? (writable ? READ_WRITE : READABLE) : (writable ? WRITABLE : NONE);
    }

    public boolean readable() {
        return (bits & Poller.POLLIN) != 0;
    }

    public boolean writable() {
        return (bits & Poller.POLLOUT) != 0;
    }

    /** The poll(2) event bits. */
    int bits() {
        return bits;
    }

    @Override
    public String toString() {
        return readable() ? (writable() ? "READ_WRITE" : "READABLE") : (writable() ? "WRITABLE" : "NONE");
    }
}
