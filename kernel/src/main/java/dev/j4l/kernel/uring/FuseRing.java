package dev.j4l.kernel.uring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.EventFd;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Poller;
import dev.j4l.kernel.abi.FuseAbi;
import dev.j4l.kernel.abi.IoUringAbi;
import dev.j4l.kernel.raw.Access;
import dev.j4l.kernel.raw.LibcUring;
import dev.j4l.kernel.raw.UringMapping;
import dev.j4l.kernel.raw.Structs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One io_uring for FUSE-over-io_uring: 128-byte SQEs carrying {@code FUSE_IO_URING_CMD_REGISTER} and
 * {@code COMMIT_AND_FETCH} commands for {@code /dev/fuse}, plus poll requests to be woken from other threads.
 *
 * <p>Owned by one thread, like a confined arena: FUSE completes its commands through task work of the
 * submitting thread, so the thread that submits is the one that must wait. The first thread that queues a
 * command becomes the owner; any other thread's call throws {@link WrongThreadException} (only
 * {@link #hasWork} may be asked from anywhere). After {@link #close} (by the owner, or by anyone while there is
 * none) every call throws {@link IllegalStateException}, so nothing touches the unmapped rings. The package
 * is exported to the FUSE framework only.
 */
public final class FuseRing implements AutoCloseable {
    /**
     * The ring's setup: 128-byte SQEs (a FUSE command does not fit the 16 bytes of a 64-byte one), a CQ twice the
     * SQ, and task work (how FUSE hands a request to the ring) that does not interrupt the thread in user space
     * (COOP_TASKRUN) but is flagged in the SQ ring's flags instead (TASKRUN_FLAG), where other threads can see it.
     */
    private static final int SETUP_FLAGS = IoUringAbi.SETUP_SQE128 | IoUringAbi.SETUP_CQSIZE
            | IoUringAbi.SETUP_COOP_TASKRUN | IoUringAbi.SETUP_TASKRUN_FLAG;
    private static final int SQE_SIZE = IoUringAbi.SQE128_SIZE;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final OwnedFd ring;
    private final OwnedFd dev;
    private final OwnedFd wake;
    private final int devFd;
    private final int wakeFd;
    private final Arena arena = Arena.ofShared();
    private final UringMapping rings;
    private final MemorySegment sqRing, cqRing, sqes;
    private final int sqHead, sqTail, sqMask, sqArray, sqEntries, sqFlags;
    private final int cqHead, cqTail, cqMask, cqes;
    private int pending;
    /** Threads inside {@link #hasWork}; {@link #close} unmaps the rings only once none is. */
    private final AtomicInteger observers = new AtomicInteger();
    private volatile boolean closed;
    private long userData;
    private int result;
    /** The thread that uses the ring; null until the first command. */
    private Thread owner;
    /** Every buffer registered as a ring entry's: the kernel writes requests into them until the ring is gone. */
    private final List<NativeBuffer> registered = new ArrayList<>();

    private FuseRing(OwnedFd ring, MemorySegment p, int fd, OwnedFd dev, OwnedFd wake) throws KernelException {
        this.ring = ring;
        this.dev = dev;
        this.wake = wake;
        rings = UringMapping.map(p, fd, SQE_SIZE);
        // Every access to these segments goes through checkUsable() or hasWork(), which refuse a closed ring; only
        // close() unmaps them.
        sqRing = rings.sqRing;
        cqRing = rings.cqRing;
        sqes = rings.sqes;
        sqHead = rings.sqHead;
        sqTail = rings.sqTail;
        sqMask = rings.sqMask;
        sqArray = rings.sqArray;
        sqEntries = rings.sqEntries;
        sqFlags = rings.sqFlags;
        cqHead = rings.cqHead;
        cqTail = rings.cqTail;
        cqMask = rings.cqMask;
        cqes = rings.cqes;
        // Held for the ring's lifetime, so the numbers written into SQEs can never name another file.
        devFd = Access.fds().acquire(dev);
        try {
            wakeFd = Access.fds().acquire(wake);
        } catch (IllegalStateException e) {
            Access.fds().release(dev);
            // SAFETY: made in this constructor; no segment of them has been handed out or used.
            rings.unmap();
            throw e;
        }
    }

    /**
     * A ring with {@code entries} submission slots and twice as many completion slots, for commands on the
     * FUSE descriptor {@code dev} and wake-ups through the eventfd {@code wake}; both stay in use until
     * {@link #close()}.
     *
     * @throws KernelException with {@code EINVAL} if {@code dev} is not a {@code /dev/fuse} descriptor (a
     *     command meant for FUSE must never reach another driver's {@code uring_cmd})
     */
    public static FuseRing create(int entries, OwnedFd dev, EventFd wake) throws KernelException {
        if (entries < 1 || entries > 4096) throw new IllegalArgumentException("entries out of range: " + entries);
        FuseDevice.requireDevice(dev);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(IoUringAbi.PARAMS_SIZE, 8);
            p.set(JAVA_INT, IoUringAbi.PARAMS_CQ_ENTRIES, entries * 2);
            p.set(JAVA_INT, IoUringAbi.PARAMS_FLAGS, SETUP_FLAGS);
            // SAFETY: p is the io_uring_params the kernel reads and fills. Only its address is passed;
            // the confined arena `a` that owns it is closed only after the call (and after the constructor reads p).
            int fd = LibcUring.setup(entries, p);
            if (fd < 0) throw KernelException.of("io_uring_setup", "SQE128", fd);
            OwnedFd owned = (OwnedFd) Access.fds().wrap(fd, "io_uring");
            try {
                return new FuseRing(owned, p, fd, dev, wake.fd());
            } catch (KernelException | RuntimeException e) {
                owned.close();
                throw e;
            }
        }
    }

    /** Every call but {@link #hasWork} and {@link #close}: only the owner, only while open. */
    private void checkUsable() {
        Thread t = Thread.currentThread();
        if (owner != t) {
            synchronized (this) {
                if (owner == null) owner = t;
                else throw new WrongThreadException("FuseRing is owned by another thread");
            }
        }
        if (closed) throw new IllegalStateException("FuseRing used after close");
    }

    private MemorySegment nextSqe() {
        int tail = (int) INT.getAcquire(sqRing, (long) sqTail);
        int head = (int) INT.getAcquire(sqRing, (long) sqHead);
        if (tail - head >= sqEntries) throw new IllegalStateException("io_uring submission queue full");
        int idx = tail & sqMask;
        MemorySegment sqe = sqes.asSlice((long) idx * SQE_SIZE, SQE_SIZE);
        sqe.fill((byte) 0);
        sqRing.set(JAVA_INT, sqArray + (long) Integer.BYTES * idx, idx);
        return sqe;
    }

    private void publish() {
        int tail = (int) INT.getAcquire(sqRing, (long) sqTail);
        INT.setRelease(sqRing, (long) sqTail, tail + 1);
        pending++;
    }

    /**
     * Queues {@code FUSE_IO_URING_CMD_REGISTER} of one ring entry of queue {@code qid}: {@code header} (at
     * least {@value #HEADER_SIZE} bytes, a {@code fuse_uring_req_header}) and {@code payload} are the entry's
     * buffers from now on. The ring keeps both reachable until it is closed. Pooled buffers are refused: a
     * lease could be released while the kernel still writes into it.
     */
    public void register(int qid, long userData, NativeBuffer header, NativeBuffer payload) {
        checkUsable();
        if (header.size() < HEADER_SIZE) throw new IllegalArgumentException("header of " + header.size() + " bytes");
        MemorySegment h = Access.buffers().segment(header);
        MemorySegment b = Access.buffers().segment(payload);
        if (Access.buffers().hasLifetime(header) || Access.buffers().hasLifetime(payload)) {
            throw new IllegalArgumentException("a ring entry cannot live in a pooled or lent buffer");
        }
        registered.add(header);
        registered.add(payload);
        MemorySegment iov = arena.allocate(2 * Structs.IOVEC.byteSize(), 8);
        // SAFETY: the iovec names exactly [h) and [b), both alive (GC-managed memory or a mapping freed only when
        // unreachable) and kept reachable by `registered` until close(), which first tears the ring down: the
        // kernel can write requests into them only while they exist. The iovec itself lives in this ring's arena.
        iov.set(JAVA_LONG, Structs.IOVEC_BASE, h.address());
        iov.set(JAVA_LONG, Structs.IOVEC_LEN, h.byteSize());
        iov.set(JAVA_LONG, Structs.IOVEC.byteSize() + Structs.IOVEC_BASE, b.address());
        iov.set(JAVA_LONG, Structs.IOVEC.byteSize() + Structs.IOVEC_LEN, b.byteSize());
        MemorySegment sqe = nextSqe();
        command(sqe, devFd, FuseAbi.URING_CMD_REGISTER, userData, qid, 0);
        // SAFETY: the SQE's addr is iov, the 2 iovecs its len says, in this ring's shared arena, which close() frees
        // only after the ring is torn down.
        sqe.set(JAVA_LONG, IoUringAbi.SQE_ADDR, iov.address());
        sqe.set(JAVA_INT, IoUringAbi.SQE_LEN, 2);
        publish();
    }

    /** The size of a {@code fuse_uring_req_header}. */
    public static final int HEADER_SIZE = FuseAbi.URING_REQ_HEADER;

    /** Queues {@code FUSE_IO_URING_CMD_COMMIT_AND_FETCH}: the reply in the entry's buffers is for {@code commitId}. */
    public void commitAndFetch(int qid, long commitId, long userData) {
        checkUsable();
        // SAFETY: a COMMIT_AND_FETCH carries no address: the kernel finds the entry's buffers by queue and commit id.
        command(nextSqe(), devFd, FuseAbi.URING_CMD_COMMIT_AND_FETCH, userData, qid, commitId);
        publish();
    }

    /** A URING_CMD for FUSE: its command area holds a {@code fuse_uring_cmd_req} (flags stay 0). */
    private static void command(MemorySegment sqe, int fd, int cmd, long userData, int qid, long commitId) {
        sqe.set(JAVA_BYTE, IoUringAbi.SQE_OPCODE, (byte) IoUringAbi.OP_URING_CMD);
        sqe.set(JAVA_INT, IoUringAbi.SQE_FD, fd);
        sqe.set(JAVA_INT, IoUringAbi.SQE_CMD_OP, cmd);
        sqe.set(JAVA_LONG, IoUringAbi.SQE_USER_DATA, userData);
        sqe.set(JAVA_LONG, IoUringAbi.SQE_CMD + FuseAbi.URING_CMD_COMMIT_ID, commitId);
        sqe.set(JAVA_SHORT, IoUringAbi.SQE_CMD + FuseAbi.URING_CMD_QID, (short) qid);
    }

    /** Queues a one-shot POLL_ADD for POLLIN on the wake-up eventfd. */
    public void pollWake(long userData) {
        checkUsable();
        // SAFETY: POLL_ADD names the eventfd held since create() and no memory.
        MemorySegment sqe = nextSqe();
        sqe.set(JAVA_BYTE, IoUringAbi.SQE_OPCODE, (byte) IoUringAbi.OP_POLL_ADD);
        sqe.set(JAVA_INT, IoUringAbi.SQE_FD, wakeFd);
        sqe.set(JAVA_INT, IoUringAbi.SQE_POLL32_EVENTS, Poller.POLLIN);
        sqe.set(JAVA_LONG, IoUringAbi.SQE_USER_DATA, userData);
        publish();
    }

    /** Submits what is queued and waits until at least {@code minComplete} completions are there. */
    public void submitAndWait(int minComplete) throws KernelException {
        checkUsable();
        Access.Fds fds = Access.fds();
        int fd = fds.acquire(ring);
        try {
            while (true) {
                // SAFETY: the queued SQEs name memory only through register()'s iovecs, valid until close() (see
                // there); COMMIT_AND_FETCH and POLL_ADD name none.
                int r = LibcUring.enter(fd, pending, minComplete, IoUringAbi.ENTER_GETEVENTS);
                if (r >= 0) {
                    pending -= Math.min(pending, r);
                    return;
                }
                if (r == -Errno.EINTR.number()) continue;
                throw KernelException.of("io_uring_enter", "io_uring", r);
            }
        } finally {
            fds.release(ring);
        }
    }

    /** Takes the next completion if there is one; then {@link #userData()} and {@link #result()} describe it. */
    public boolean next() {
        checkUsable();
        int head = (int) INT.getAcquire(cqRing, (long) cqHead);
        int tail = (int) INT.getAcquire(cqRing, (long) cqTail);
        if (head == tail) return false;
        long off = cqes + (long) (head & cqMask) * IoUringAbi.CQE_SIZE;
        userData = cqRing.get(JAVA_LONG, off + IoUringAbi.CQE_USER_DATA);
        result = cqRing.get(JAVA_INT, off + IoUringAbi.CQE_RES);
        INT.setRelease(cqRing, (long) cqHead, head + 1);
        return true;
    }

    public long userData() {
        return userData;
    }

    /** The completion's result: >= 0, or a negative errno. */
    public int result() {
        return result;
    }

    /**
     * Whether the owning thread has work waiting for it: completions posted and not yet taken, or task work
     * queued (a request FUSE has handed to this ring) that the thread has not yet run. Safe from any thread, also
     * during and after {@link #close} (then false): for a watchdog that asks whether the owner is starved of CPU
     * with work to do.
     */
    public boolean hasWork() {
        observers.incrementAndGet();
        try {
            if (closed) return false;
            if (((int) INT.getVolatile(sqRing, (long) sqFlags) & IoUringAbi.SQ_TASKRUN) != 0) return true;
            return (int) INT.getAcquire(cqRing, (long) cqHead) != (int) INT.getAcquire(cqRing, (long) cqTail);
        } finally {
            observers.decrementAndGet();
        }
    }

    /**
     * Tears the ring down: unmaps it, closes it (the kernel cancels its commands), then lets go of the entry
     * buffers and descriptors. Only the owner may close a ring that has one (closing an ownerless ring makes the
     * closing thread its owner); closing twice does nothing.
     */
    @Override
    public void close() {
        synchronized (this) {
            // Closing claims an ownerless ring, as a first command would: from here on every other thread's call
            // and close throws, so nothing can use the rings while (or after) they are unmapped.
            if (owner == null) owner = Thread.currentThread();
            else if (owner != Thread.currentThread()) throw new WrongThreadException("FuseRing is owned by another thread");
            if (closed) return;
            closed = true;
        }
        while (observers.get() != 0) Thread.onSpinWait();
        // SAFETY: only the owner gets here, once (closed is set under the lock that also claims ownership), and no
        // call of the owner is running: the rings are unmapped once, after every hasWork() has left them.
        rings.unmap();
        // Closing the last descriptor of the ring ends its commands (the kernel's io_uring exit work cancels the
        // FUSE entries) before the buffers they name can be collected: this object, which holds them, is alive here.
        ring.close();
        arena.close();
        Access.fds().release(dev);
        Access.fds().release(wake);
        java.lang.ref.Reference.reachabilityFence(registered);
    }
}
