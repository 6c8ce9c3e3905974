package dev.j4l.kernel.net;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.raw.Access;
import dev.j4l.kernel.raw.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One queue of a TUN/TAP device: a non-blocking descriptor on which each read returns one packet and each
 * write injects one, plus a wake-up event so a reader parked in {@link #awaitReadable} can be stopped.
 *
 * <p>{@link #read} returns {@code -1} when the queue has nothing to give ({@code EAGAIN}) and {@link #write}
 * returns {@code -errno} instead of throwing, because those are ordinary states of a busy data path. Reading and
 * waiting are meant for one thread (the queue's worker); writes may come from any thread.
 */
public final class TunQueue implements AutoCloseable {
    private static final Access.Fds FDS = Access.fds();
    private static final Access.Buffers BUFFERS = Access.buffers();
    private static final int EAGAIN = Errno.EAGAIN.number();
    private static final int EINTR = Errno.EINTR.number();
    private static final short POLLIN = 1;

    private final OwnedFd fd;
    private final OwnedFd wake;
    private final String name;
    private final int index;
    private final MemorySegment pollFds = Arena.ofAuto().allocate(16, 8);
    private final MemorySegment one = Arena.ofAuto().allocate(8, 8);
    private final MemorySegment drain = Arena.ofAuto().allocate(8, 8);

    TunQueue(OwnedFd fd, String name, int index) throws KernelException {
        this.fd = fd;
        this.name = name;
        this.index = index;
        int e = Libc.eventfd(0, 02000000 | 04000); // EFD_CLOEXEC | EFD_NONBLOCK
        if (e < 0) throw KernelException.of("eventfd", name, e);
        this.wake = (OwnedFd) FDS.wrap(e, "eventfd(" + name + ")");
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    /** The device name this queue belongs to. */
    public String deviceName() {
        return name;
    }

    public int index() {
        return index;
    }

    /** The queue's descriptor, for callers that want the generic {@link OwnedFd} calls. */
    public OwnedFd fd() {
        return fd;
    }

    /**
     * Reads one packet into {@code buf[offset, offset+length)}. Returns its length, or -1 when no packet is
     * waiting. A packet longer than {@code length} is cut short by the kernel.
     */
    public int read(NativeBuffer buf, long offset, int length) throws KernelException {
        MemorySegment s = BUFFERS.slice(buf, offset, length);
        int n = FDS.acquire(fd);
        try {
            while (true) {
                // SAFETY: s is buf's bounds-checked slice of length bytes, the most the kernel writes; the downcall
                // checks it is alive and this thread's and keeps it so.
                long r = Libc.read(n, s, length);
                if (r >= 0) return (int) r;
                if (r == -EAGAIN) return -1;
                if (r != -EINTR) throw KernelException.of("read", name, r);
            }
        } finally {
            FDS.release(fd);
        }
    }

    /**
     * Writes one packet from {@code buf[offset, offset+length)}. Returns the length, or {@code -errno} when the
     * kernel refused it (EAGAIN: no room; EIO: device down; EINVAL: malformed virtio-net header): on a data
     * path a refused packet is counted and dropped, not thrown.
     */
    public int write(NativeBuffer buf, long offset, int length) {
        MemorySegment s = BUFFERS.slice(buf, offset, length);
        int n = FDS.acquire(fd);
        try {
            while (true) {
                // SAFETY: the kernel reads length bytes of s, buf's bounds-checked slice of that length, kept alive.
                long r = Libc.write(n, s, length);
                if (r != -EINTR) return (int) r;
            }
        } finally {
            FDS.release(fd);
        }
    }

    /**
     * Waits until a packet can be read, {@link #wakeup} is called, or the timeout passes (-1: no timeout).
     * Returns true when the queue is readable; false on wake-up or timeout (a wake-up is consumed).
     */
    public boolean awaitReadable(int timeoutMillis) throws KernelException {
        int n = FDS.acquire(fd);
        try {
            int w = FDS.acquire(wake);
            try {
                pollFds.set(ValueLayout.JAVA_INT, 0, n);
                pollFds.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
                pollFds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                pollFds.set(ValueLayout.JAVA_INT, 8, w);
                pollFds.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
                pollFds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
                // SAFETY: pollFds is a 16-byte field holding the 2 pollfds nfds = 2 names; both descriptors are held.
                int r = Libc.poll(pollFds, 2, timeoutMillis);
                if (r == -EINTR) return false;
                if (r < 0) throw KernelException.of("poll", name, r);
                // SAFETY: drain is an 8-byte field and count is 8, what an eventfd read writes.
                if (pollFds.get(ValueLayout.JAVA_SHORT, 14) != 0) Libc.read(w, drain, 8);
                short rev = pollFds.get(ValueLayout.JAVA_SHORT, 6);
                if ((rev & ~POLLIN) != 0) throw new KernelException("poll", name + " (device gone)", dev.j4l.kernel.Errno.EBADFD);
                return rev != 0;
            } finally {
                FDS.release(wake);
            }
        } finally {
            FDS.release(fd);
        }
    }

    /** Makes a pending or the next {@link #awaitReadable} return false at once. Any thread. */
    public void wakeup() {
        if (!wake.isOpen()) return;
        try {
            int w = FDS.acquire(wake);
            try {
                // SAFETY: one is an 8-byte field holding the increment; count 8: the kernel reads exactly one.
                Libc.write(w, one, 8);
            } finally {
                FDS.release(wake);
            }
        } catch (IllegalStateException closedMeanwhile) {
            // Closing also ends the wait.
        }
    }

    @Override
    public void close() {
        if (fd.isOpen()) fd.close();
        if (wake.isOpen()) wake.close();
    }

    @Override
    public String toString() {
        return name + " queue " + index;
    }
}
