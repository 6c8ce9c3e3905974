package dev.j4l.kernel.ublk;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Poller;
import dev.j4l.kernel.abi.IoUringAbi;
import dev.j4l.kernel.raw.Access;
import dev.j4l.kernel.raw.LibcUring;
import dev.j4l.kernel.raw.UringMapping;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One io_uring carrying {@code URING_CMD}s to one ublk descriptor (the control device or a device's
 * {@code /dev/ublkcN}) and poll requests on one eventfd. Not thread-safe: its owner ({@link UblkControl} under
 * its lock, or a {@link UblkQueue}'s thread) serializes every call, and the owner checks that it is open. Which
 * memory a command names is the owner's to keep alive (see the SAFETY comments there); the ring itself names
 * none but its own mappings.
 */
final class CommandRing {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final OwnedFd ring;
    private final int ringFd;
    private final int sqeSize;
    private final UringMapping rings;
    private final MemorySegment sqRing, cqRing, sqes;
    private final int sqHead, sqTail, sqMask, sqArray, sqEntries;
    private final int cqHead, cqTail, cqMask, cqes;
    private int pending;
    private long userData;
    private int result;
    private boolean closed;

    /** A ring of {@code entries} SQEs (128-byte ones when {@code sqe128}: the control device requires them). */
    CommandRing(int entries, boolean sqe128) throws KernelException {
        sqeSize = sqe128 ? IoUringAbi.SQE128_SIZE : IoUringAbi.SQE_SIZE;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(IoUringAbi.PARAMS_SIZE, 8);
            p.set(JAVA_INT, IoUringAbi.PARAMS_CQ_ENTRIES, entries * 2);
            p.set(JAVA_INT, IoUringAbi.PARAMS_FLAGS, IoUringAbi.SETUP_CQSIZE | (sqe128 ? IoUringAbi.SETUP_SQE128 : 0));
            // SAFETY: p is the io_uring_params the kernel reads and fills, in the confined arena `a`, closed only after
            // this block has read it.
            int fd = LibcUring.setup(entries, p);
            if (fd < 0) throw KernelException.of("io_uring_setup", sqe128 ? "SQE128" : "ublk queue", fd);
            ring = (OwnedFd) Access.fds().wrap(fd, "io_uring");
            ringFd = fd;
            try {
                rings = UringMapping.map(p, fd, sqeSize);
            } catch (KernelException e) {
                ring.close();
                throw e;
            }
        }
        // The owner never calls this ring after close() (it checks before every call), which unmaps them.
        sqRing = rings.sqRing;
        cqRing = rings.cqRing;
        sqes = rings.sqes;
        sqHead = rings.sqHead;
        sqTail = rings.sqTail;
        sqMask = rings.sqMask;
        sqArray = rings.sqArray;
        sqEntries = rings.sqEntries;
        cqHead = rings.cqHead;
        cqTail = rings.cqTail;
        cqMask = rings.cqMask;
        cqes = rings.cqes;
    }

    /** A zeroed SQE for a URING_CMD {@code cmdOp} on {@code fd}; the caller fills the command area, then {@link #publish}es. */
    MemorySegment command(int fd, int cmdOp, long userData) {
        MemorySegment sqe = nextSqe();
        sqe.set(JAVA_BYTE, IoUringAbi.SQE_OPCODE, (byte) IoUringAbi.OP_URING_CMD);
        sqe.set(JAVA_INT, IoUringAbi.SQE_FD, fd);
        sqe.set(JAVA_INT, IoUringAbi.SQE_CMD_OP, cmdOp);
        sqe.set(JAVA_LONG, IoUringAbi.SQE_USER_DATA, userData);
        return sqe.asSlice(IoUringAbi.SQE_CMD, sqeSize - IoUringAbi.SQE_CMD);
    }

    /** Queues a one-shot POLL_ADD for POLLIN on {@code fd} (an eventfd the owner holds). */
    void pollIn(int fd, long userData) {
        MemorySegment sqe = nextSqe();
        sqe.set(JAVA_BYTE, IoUringAbi.SQE_OPCODE, (byte) IoUringAbi.OP_POLL_ADD);
        sqe.set(JAVA_INT, IoUringAbi.SQE_FD, fd);
        sqe.set(JAVA_INT, IoUringAbi.SQE_POLL32_EVENTS, Poller.POLLIN);
        sqe.set(JAVA_LONG, IoUringAbi.SQE_USER_DATA, userData);
        publish();
    }

    /** SQEs free now. */
    int free() {
        int tail = (int) INT.getAcquire(sqRing, (long) sqTail);
        int head = (int) INT.getAcquire(sqRing, (long) sqHead);
        return sqEntries - (tail - head);
    }

    private MemorySegment nextSqe() {
        if (free() <= 0) throw new IllegalStateException("io_uring submission queue full");
        int tail = (int) INT.getAcquire(sqRing, (long) sqTail);
        int idx = tail & sqMask;
        MemorySegment sqe = sqes.asSlice((long) idx * sqeSize, sqeSize);
        sqe.fill((byte) 0);
        sqRing.set(JAVA_INT, sqArray + (long) Integer.BYTES * idx, idx);
        return sqe;
    }

    void publish() {
        int tail = (int) INT.getAcquire(sqRing, (long) sqTail);
        INT.setRelease(sqRing, (long) sqTail, tail + 1);
        pending++;
    }

    /**
     * Submits what is queued and, with {@code minComplete > 0}, waits until that many completions are there. The
     * caller has made sure every memory address in the queued commands stays valid until they complete.
     */
    void submit(int minComplete) throws KernelException {
        if (pending == 0 && minComplete == 0) return;
        while (true) {
            // SAFETY: the SQEs name memory only where the owner says so and keeps it alive until the completion
            // (UblkControl: its buffer, waited for; UblkQueue: tag buffers, kept while in the kernel). ringFd is this
            // ring's own descriptor, closed only by close(), after which the owner calls nothing here.
            int r = LibcUring.enter(ringFd, pending, minComplete, minComplete > 0 ? IoUringAbi.ENTER_GETEVENTS : 0);
            if (r >= 0) {
                pending -= Math.min(pending, r);
                if (pending == 0 || minComplete > 0) return;
                continue;
            }
            if (r == -Errno.EINTR.number()) continue;
            throw KernelException.of("io_uring_enter", "ublk", r);
        }
    }

    /** Takes the next completion if there is one; then {@link #userData()} and {@link #result()} describe it. */
    boolean next() {
        int head = (int) INT.getAcquire(cqRing, (long) cqHead);
        int tail = (int) INT.getAcquire(cqRing, (long) cqTail);
        if (head == tail) return false;
        long off = cqes + (long) (head & cqMask) * IoUringAbi.CQE_SIZE;
        userData = cqRing.get(JAVA_LONG, off + IoUringAbi.CQE_USER_DATA);
        result = cqRing.get(JAVA_INT, off + IoUringAbi.CQE_RES);
        INT.setRelease(cqRing, (long) cqHead, head + 1);
        return true;
    }

    /** Whether a completion is waiting. */
    boolean peek() {
        return (int) INT.getAcquire(cqRing, (long) cqHead) != (int) INT.getAcquire(cqRing, (long) cqTail);
    }

    long userData() {
        return userData;
    }

    int result() {
        return result;
    }

    /** Unmaps and closes the ring (once). The kernel keeps a command still in flight until it completes. */
    void close() {
        if (closed) return;
        closed = true;
        // SAFETY: the owner calls nothing on this ring after close(), which runs this once: the mappings are
        // unmapped unused.
        rings.unmap();
        ring.close();
    }
}
