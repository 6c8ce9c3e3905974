package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.Structs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Waits for several descriptors at once with {@code poll(2)}. Register descriptors with {@link #add}, call
 * {@link #poll}, then read each one's {@link #ready} events. The pollfd array is native memory allocated
 * once, so polling allocates nothing. One thread uses a Poller at a time.
 *
 * <p>While {@code poll} waits, every registered descriptor counts as in use: closing one from another thread
 * marks it closed at once but its number is released only when {@code poll} returns — wake the poller (e.g.
 * with an {@link EventFd}) to let the close complete.
 */
public final class Poller {
    public static final short POLLIN = 0x001;
    public static final short POLLPRI = 0x002;
    public static final short POLLOUT = 0x004;
    public static final short POLLERR = 0x008;
    public static final short POLLHUP = 0x010;
    public static final short POLLNVAL = 0x020;
    public static final short POLLRDHUP = 0x2000;
    /** Normal data readable and writable: what character devices report beside POLLIN and POLLOUT. */
    public static final short POLLRDNORM = 0x040, POLLWRNORM = 0x100;

    private final OwnedFd[] fds;
    /** The descriptors one {@link #poll} acquired, released from here: the registrations may change meanwhile. */
    private final OwnedFd[] held;
    private final MemorySegment pollfds;
    private int count;

    public Poller(int capacity) {
        // poll(2) takes at most RLIMIT_NOFILE descriptors (whose hard maximum is fs.nr_open, 2^20 by default).
        if (capacity < 1 || capacity > 1 << 20) throw new IllegalArgumentException("capacity out of range: " + capacity);
        this.fds = new OwnedFd[capacity];
        this.held = new OwnedFd[capacity];
        try {
            this.pollfds = Arena.ofAuto().allocate(Structs.POLLFD.byteSize() * capacity, 8);
        } catch (OutOfMemoryError e) {
            throw new NativeMemoryLimitException("no native memory for " + capacity + " pollfds: " + e.getMessage(), e);
        }
    }

    /** Registers {@code fd} for {@code events} ({@code POLLIN}, {@code POLLOUT}...); returns its index. */
    public synchronized int add(OwnedFd fd, short events) {
        java.util.Objects.requireNonNull(fd, "fd");
        if (count == fds.length) throw new IllegalStateException("poller is full (" + fds.length + " descriptors)");
        fds[count] = fd;
        pollfds.set(JAVA_SHORT, count * 8L + 4, events);
        return count++;
    }

    /** Forgets every registration. */
    public synchronized void clear() {
        java.util.Arrays.fill(fds, 0, count, null);
        count = 0;
    }

    public int size() {
        return count;
    }

    /**
     * poll(2): waits until a registered descriptor is ready or {@code timeoutMillis} passes (-1 = no limit,
     * 0 = just check). Returns how many descriptors are ready; 0 on timeout or when a signal interrupted
     * the wait (EINTR is a normal result here: check your state and poll again).
     */
    public synchronized int poll(int timeoutMillis) throws KernelException {
        // Synchronized with add and clear: the numbers in the pollfd array are exactly the descriptors held.
        int acquired = 0;
        try {
            for (int i = 0; i < count; i++) {
                held[i] = fds[i];
                int n = held[i].acquire();
                acquired++;
                pollfds.set(JAVA_INT, i * 8L, n);
                pollfds.set(JAVA_SHORT, i * 8L + 6, (short) 0);
            }
            // SAFETY: pollfds holds `count` pollfd records (capacity checked by add); the downcall keeps it alive.
            int r = Libc.poll(pollfds, count, timeoutMillis);
            if (r == -Errno.EINTR.number()) return 0;
            if (r < 0) throw KernelException.of("poll", count + " descriptors", r);
            return r;
        } finally {
            for (int i = 0; i < acquired; i++) {
                held[i].release();
                held[i] = null;
            }
        }
    }

    /** The events reported for registration {@code index} by the last {@link #poll}. */
    public short ready(int index) {
        if (index < 0 || index >= count) throw new IndexOutOfBoundsException("no registration " + index);
        return pollfds.get(JAVA_SHORT, index * 8L + 6);
    }

    /** True when the last poll reported any of {@code events} (or an error/hang-up) for {@code index}. */
    public boolean isReady(int index, short events) {
        return (ready(index) & (events | POLLERR | POLLHUP | POLLNVAL)) != 0;
    }
}
