package dev.j4l.kernel;

import dev.j4l.kernel.raw.Access;
import dev.j4l.kernel.raw.Ioctl;
import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.LibcAddr;
import dev.j4l.kernel.raw.LibcFs;
import dev.j4l.kernel.raw.Native;
import dev.j4l.kernel.raw.Structs;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A file descriptor this object owns: it is closed exactly once, and no use can reach the kernel after that.
 *
 * <p>Every call on the descriptor holds a use count while it is in the kernel. {@link #close()} marks the
 * descriptor closed at once (later uses throw {@link IllegalStateException}) but the number is handed back to
 * the kernel only when the last in-flight use ends. So a call racing with {@code close()} on another thread
 * either completes on the right file or fails loudly; it can never land on a different file that reused the
 * number. Closing twice throws.
 *
 * {@snippet class=dev.j4l.kernel.FsExample region=close}
 *
 * <p>Because close waits for calls in flight, closing a descriptor that another thread is blocked on (a
 * {@code read} of {@code /dev/fuse}, a socket, a pipe) takes effect only when that call returns: wake the
 * blocked thread through the kernel object itself (unmount, {@code Sockets.shutdown}, close the pipe's other
 * end, signal an {@link EventFd} it polls).
 *
 * <p>Results: the I/O methods return the byte count, 0 at end of file, and -1 when a non-blocking
 * descriptor has nothing ready (EAGAIN is an answer there, not a failure). Calls interrupted by a signal
 * (EINTR) are repeated. Every other failure is a {@link KernelException} naming the call and this
 * descriptor's {@link #description()}.
 */
public final class OwnedFd implements AutoCloseable {
    private static final long CLOSED = Long.MIN_VALUE;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(OwnedFd.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        Access.register(new Access.Fds() {
            @Override
            public int acquire(Object fd) {
                return ((OwnedFd) fd).acquire();
            }

            @Override
            public void release(Object fd) {
                ((OwnedFd) fd).release();
            }

            @Override
            public Object wrap(int fd, String description) {
                return new OwnedFd(fd, description);
            }
        });
    }

    /**
     * The current working directory as a directory handle ({@code AT_FDCWD}): pass it wherever a directory
     * is expected to resolve relative paths against the cwd. It is never closed; {@link #close()} throws.
     */
    public static final OwnedFd CWD = new OwnedFd(Libc.AT_FDCWD, ".", true);

    private final int fd;
    private final String description;
    /** Set once this descriptor was seen to be /dev/fuse: the FUSE ioctls go to nothing else. */
    volatile boolean fuseDevice;
    /** Sign bit: closed. Low bits: uses in flight. */
    @SuppressWarnings("unused")
    private volatile long state;

    OwnedFd(int fd, String description) {
        if (fd < 0) throw new IllegalArgumentException("negative descriptor " + fd);
        this.fd = fd;
        this.description = description;
    }

    private OwnedFd(int atFdCwd, String description, boolean cwd) {
        this.fd = atFdCwd;
        this.description = description;
    }

    /** What this descriptor refers to, for messages: a path, or a kind such as {@code eventfd}. */
    public String description() {
        return description;
    }

    public boolean isOpen() {
        return state >= 0;
    }

    int acquire() {
        while (true) {
            long s = state;
            if (s < 0) throw new IllegalStateException("use of closed descriptor: " + this);
            if (STATE.weakCompareAndSet(this, s, s + 1)) return fd;
        }
    }

    void release() {
        long after = (long) STATE.getAndAdd(this, -1L) - 1;
        if (after == CLOSED) closeNow();
    }

    /**
     * Closes the descriptor. Uses in flight on other threads finish first; the number is released when the
     * last of them returns.
     *
     * @throws IllegalStateException if it was already closed
     */
    @Override
    public void close() {
        if (fd == Libc.AT_FDCWD) throw new IllegalStateException("OwnedFd.CWD cannot be closed");
        while (true) {
            long s = state;
            if (s < 0) throw new IllegalStateException("descriptor closed twice: " + this);
            if (STATE.compareAndSet(this, s, s | CLOSED)) {
                if (s == 0) closeNow();
                return;
            }
        }
    }

    private void closeNow() {
        // close(2) releases the number even when it reports an error (e.g. EIO from NFS); nothing to retry.
        Libc.close(fd);
    }


    // ---- I/O. Each call holds a use for its duration; a negative raw result becomes a KernelException,
    // except EAGAIN (a normal result on a non-blocking descriptor: -1) and EINTR (the call is repeated). ----

    private static final int EAGAIN = -Errno.EAGAIN.number();
    private static final int EINTR = -Errno.EINTR.number();

    /**
     * read(2) into {@code buf[offset, offset+length)}; returns the bytes read, 0 at end of file, or -1 when the
     * descriptor is non-blocking and nothing is ready (EAGAIN).
     */
    public int read(NativeBuffer buf, long offset, int length) throws KernelException {
        MemorySegment s = buf.segment(offset, length);
        int n = acquire();
        try {
            long r;
            // SAFETY: s is the bounds-checked slice [offset, offset+length) of buf; the downcall checks it is alive
            // and accessible by this thread, and keeps its memory alive until read returns.
            do r = Libc.read(n, s, length); while (r == EINTR);
            return (int) result("read", r);
        } finally {
            release();
        }
    }

    /** read(2) filling as much of {@code buf} as one call gives (see {@link #read(NativeBuffer, long, int)}). */
    public int read(NativeBuffer buf) throws KernelException {
        return read(buf, 0, (int) Math.min(Integer.MAX_VALUE, buf.size()));
    }

    /** write(2) of {@code buf[offset, offset+length)}; returns the bytes written, or -1 on EAGAIN. */
    public int write(NativeBuffer buf, long offset, int length) throws KernelException {
        MemorySegment s = buf.segment(offset, length);
        int n = acquire();
        try {
            long r;
            // SAFETY: as for read: s is a checked slice of buf, kept alive by the downcall.
            do r = Libc.write(n, s, length); while (r == EINTR);
            return (int) result("write", r);
        } finally {
            release();
        }
    }

    /** write(2) of the whole buffer (one call; may write less). */
    public int write(NativeBuffer buf) throws KernelException {
        return write(buf, 0, (int) Math.min(Integer.MAX_VALUE, buf.size()));
    }

    /** pread(2) into {@code buf[offset, offset+length)} from file position {@code position}; -1 on EAGAIN. */
    public int pread(NativeBuffer buf, long offset, int length, long position) throws KernelException {
        // By address, not by a slice: the slice object survives escape analysis in larger callers (the FUSE
        // data path), and this is the call a driver makes per request.
        long address = addressOf(buf, offset, length);
        int n = acquire();
        try {
            long r;
            // SAFETY: address..address+length lies in buf (checked by addressOf), whose memory is alive and usable
            // by this thread; buf is fenced below, so it stays allocated until pread returns.
            do r = LibcAddr.pread(n, address, length, position); while (r == EINTR);
            return (int) result("pread", r);
        } finally {
            release();
            Reference.reachabilityFence(buf);
        }
    }

    /** pwrite(2) of {@code buf[offset, offset+length)} at file position {@code position}; -1 on EAGAIN. */
    public int pwrite(NativeBuffer buf, long offset, int length, long position) throws KernelException {
        long address = addressOf(buf, offset, length);
        int n = acquire();
        try {
            long r;
            // SAFETY: as for pread: the range is in buf, buf is alive, and the fence keeps it so for the call.
            do r = LibcAddr.pwrite(n, address, length, position); while (r == EINTR);
            return (int) result("pwrite", r);
        } finally {
            release();
            Reference.reachabilityFence(buf);
        }
    }

    /**
     * pread(2) repeated until {@code length} bytes are in {@code buf[offset..]} or the file ends; returns the
     * bytes read (fewer only at end of file).
     *
     * @throws KernelException on failure, and EAGAIN from a non-blocking descriptor with nothing ready
     */
    public int preadFully(NativeBuffer buf, long offset, int length, long position) throws KernelException {
        int done = 0;
        while (done < length) {
            int r = pread(buf, offset + done, length - done, position + done);
            if (r < 0) throw new KernelException("pread", description, Errno.EAGAIN);
            if (r == 0) break;
            done += r;
        }
        return done;
    }

    /**
     * pwrite(2) repeated until all of {@code buf[offset, offset+length)} is written at {@code position}.
     *
     * @throws KernelException on failure, EAGAIN from a non-blocking descriptor, EIO if the kernel writes nothing
     */
    public void pwriteFully(NativeBuffer buf, long offset, int length, long position) throws KernelException {
        for (int done = 0; done < length; ) {
            int w = pwrite(buf, offset + done, length - done, position + done);
            if (w < 0) throw new KernelException("pwrite", description, Errno.EAGAIN);
            if (w == 0) throw new KernelException("pwrite", description + " (wrote nothing)", Errno.EIO);
            done += w;
        }
    }

    /** readv(2) scattering into each buffer in turn (whole buffers); returns the total read, 0 at EOF, -1 on EAGAIN. */
    public long readv(NativeBuffer... bufs) throws KernelException {
        return vectored("readv", bufs, -1, false);
    }

    /** writev(2) gathering each buffer in turn; returns the total written, -1 on EAGAIN. */
    public long writev(NativeBuffer... bufs) throws KernelException {
        return vectored("writev", bufs, -1, true);
    }

    /** preadv(2) at file position {@code position}. */
    public long preadv(long position, NativeBuffer... bufs) throws KernelException {
        if (position < 0) throw new IllegalArgumentException("negative position " + position);
        return vectored("preadv", bufs, position, false);
    }

    /** pwritev(2) at file position {@code position}. */
    public long pwritev(long position, NativeBuffer... bufs) throws KernelException {
        if (position < 0) throw new IllegalArgumentException("negative position " + position);
        return vectored("pwritev", bufs, position, true);
    }

    private long vectored(String call, NativeBuffer[] bufs, long position, boolean write) throws KernelException {
        // The caller's array can change while the call blocks: take its elements once, and keep exactly those
        // reachable until the kernel is done with the addresses written into the iovec array.
        NativeBuffer[] held = bufs.clone();
        if (held.length > IOV_MAX) throw new KernelException(call, description, Errno.EINVAL);
        MemorySegment[] segments = new MemorySegment[held.length];
        for (int i = 0; i < held.length; i++) {
            segments[i] = held[i].segment();
            NativeBuffer.checkUsable(segments[i]);
        }
        int n = acquire();
        try {
            long r;
            do {
                MemorySegment iov = Native.scratch().allocate(Structs.IOVEC.byteSize() * segments.length);
                // SAFETY: iov holds one 16-byte iovec per segment, naming exactly that segment's bytes; it is this
                // thread's scratch, not reused before the call below (which says what keeps the segments alive).
                for (int i = 0; i < segments.length; i++) {
                    iov.set(ValueLayout.ADDRESS, i * 16L, segments[i]);
                    iov.set(ValueLayout.JAVA_LONG, i * 16L + 8, segments[i].byteSize());
                }
                // SAFETY: each iovec names [address, address+size) of a segment in `segments`, all checked live
                // and accessible by this thread when taken; they stay reachable (fence below) so the GC cannot
                // free them while the kernel reads or writes them, and a pooled (confined) buffer can only be
                // released by this thread, which is here.
                if (position < 0) {
                    r = write ? LibcFs.writev(n, iov, segments.length) : LibcFs.readv(n, iov, segments.length);
                } else {
                    // SAFETY: as for readv/writev just above: the same iovec array, at a file position.
                    r = write ? LibcFs.pwritev(n, iov, segments.length, position)
                            : LibcFs.preadv(n, iov, segments.length, position);
                }
            } while (r == EINTR);
            return result(call, r);
        } finally {
            release();
            Reference.reachabilityFence(segments);
            Reference.reachabilityFence(held);
        }
    }

    private static final int IOV_MAX = 1024;

    /**
     * The native address of {@code buf[offset, offset+length)}, bounds-checked, after checking the memory is
     * alive and accessible by this thread (a released pooled buffer is neither). Keep {@code buf} reachable while
     * the address is in use.
     */
    private static long addressOf(NativeBuffer buf, long offset, int length) {
        MemorySegment seg = buf.segment();
        java.util.Objects.checkFromIndexSize(offset, length, seg.byteSize());
        NativeBuffer.checkUsable(seg);
        // SAFETY: a raw address keeps nothing alive: each caller fences buf until the kernel is done with the range.
        return seg.address() + offset;
    }

    private long result(String call, long r) throws KernelException {
        if (r >= 0) return r;
        if (r == EAGAIN) return -1;
        throw KernelException.of(call, description, r);
    }

    /**
     * The ioctl {@code op} with {@code arg} as its buffer; returns the non-negative result. Package-private:
     * requests are typed operations of this module ({@link dev.j4l.kernel.raw.Ioctl}), never chosen by a driver.
     */
    int ioctl(Ioctl op, NativeBuffer arg) throws KernelException {
        return ioctl(op, arg.segment());
    }

    /** The ioctl {@code op} with {@code s} as its buffer: this module's own memory (scratch for a small argument). */
    int ioctl(Ioctl op, MemorySegment s) throws KernelException {
        int n = acquire();
        try {
            // SAFETY: Ioctl.call checks s holds the bytes op's kernel side touches, and the downcall checks s is
            // alive and this thread's and keeps it so until ioctl returns.
            int r = op.call(n, s);
            if (r < 0) throw KernelException.of("ioctl(" + op.name() + ")", description, r);
            return r;
        } finally {
            release();
        }
    }

    /** The ioctl {@code op}, whose argument is a value or unused. */
    int ioctl(Ioctl op, long value) throws KernelException {
        int n = acquire();
        try {
            int r = op.call(n, value);
            if (r < 0) throw KernelException.of("ioctl(" + op.name() + ")", description, r);
            return r;
        } finally {
            release();
        }
    }

    // ---- Descriptor control (fcntl). ----

    /** F_GETFL: the open file's status flags ({@code Fs.O_*}, including the access mode). */
    public int statusFlags() throws KernelException {
        int n = acquire();
        try {
            int r = LibcFs.fcntl(n, F_GETFL, 0L);
            if (r < 0) throw KernelException.of("fcntl(F_GETFL)", description, r);
            return r;
        } finally {
            release();
        }
    }

    /** F_SETFL: sets the changeable status flags ({@code O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME, O_ASYNC}). */
    public void setStatusFlags(int flags) throws KernelException {
        int n = acquire();
        try {
            int r = LibcFs.fcntl(n, F_SETFL, flags);
            if (r < 0) throw KernelException.of("fcntl(F_SETFL)", description, r);
        } finally {
            release();
        }
    }

    /** Switches O_NONBLOCK on or off. */
    public void setNonBlocking(boolean on) throws KernelException {
        int f = statusFlags();
        setStatusFlags(on ? f | Fs.O_NONBLOCK : f & ~Fs.O_NONBLOCK);
    }

    /** A second descriptor for the same open file (F_DUPFD_CLOEXEC), owned separately. */
    public OwnedFd dup() throws KernelException {
        int n = acquire();
        try {
            int r = LibcFs.fcntl(n, F_DUPFD_CLOEXEC, 0L);
            if (r < 0) throw KernelException.of("fcntl(F_DUPFD_CLOEXEC)", description, r);
            return new OwnedFd(r, description);
        } finally {
            release();
        }
    }

    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;

    /** Wraps a fresh descriptor from the kernel; the caller hands over ownership. */
    static OwnedFd adopt(int fd, String description) {
        return new OwnedFd(fd, description);
    }

    @Override
    public String toString() {
        // No number: a number is an address in the descriptor table, and nothing outside this module may aim at one.
        return "OwnedFd(" + description + (state < 0 ? ", closed)" : ")");
    }
}
