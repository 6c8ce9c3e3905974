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
import dev.j4l.kernel.raw.LibcMemory;
import dev.j4l.kernel.raw.LibcUring;
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
    private final long sqRingAddr, sqRingLen, cqRingAddr, cqRingLen, sqesAddr, sqesLen;
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
            int features = p.get(JAVA_INT, IoUringAbi.PARAMS_FEATURES);
            sqEntries = p.get(JAVA_INT, IoUringAbi.PARAMS_SQ_ENTRIES);
            int cqEntries = p.get(JAVA_INT, IoUringAbi.PARAMS_CQ_ENTRIES);
            int sq = IoUringAbi.PARAMS_SQ_OFF, cq = IoUringAbi.PARAMS_CQ_OFF;
            sqHead = p.get(JAVA_INT, sq + IoUringAbi.SQRING_HEAD);
            sqTail = p.get(JAVA_INT, sq + IoUringAbi.SQRING_TAIL);
            int sqMaskOff = p.get(JAVA_INT, sq + IoUringAbi.SQRING_RING_MASK);
            sqArray = p.get(JAVA_INT, sq + IoUringAbi.SQRING_ARRAY);
            cqHead = p.get(JAVA_INT, cq + IoUringAbi.CQRING_HEAD);
            cqTail = p.get(JAVA_INT, cq + IoUringAbi.CQRING_TAIL);
            int cqMaskOff = p.get(JAVA_INT, cq + IoUringAbi.CQRING_RING_MASK);
            cqes = p.get(JAVA_INT, cq + IoUringAbi.CQRING_CQES);
            long sqLen = sqArray + (long) Integer.BYTES * sqEntries;
            long cqLen = cqes + (long) IoUringAbi.CQE_SIZE * cqEntries;
            boolean single = (features & IoUringAbi.FEAT_SINGLE_MMAP) != 0;
            if (single) sqLen = cqLen = Math.max(sqLen, cqLen);
            sqRingLen = sqLen;
            cqRingLen = single ? 0 : cqLen;
            sqesLen = (long) sqeSize * sqEntries;
            long sqA = 0, cqA = 0, sqesA = 0;
            try {
                sqA = map(sqLen, fd, IoUringAbi.OFF_SQ_RING);
                cqA = single ? sqA : map(cqLen, fd, IoUringAbi.OFF_CQ_RING);
                sqesA = map(sqesLen, fd, IoUringAbi.OFF_SQES);
            } catch (KernelException e) {
                // SAFETY: undoes only the mappings made just above, of their lengths; nothing has seen them.
                if (cqA != 0 && !single) LibcMemory.munmap(cqA, cqLen);
                if (sqA != 0) LibcMemory.munmap(sqA, sqLen);
                ring.close();
                throw e;
            }
            sqRingAddr = sqA;
            cqRingAddr = cqA;
            sqesAddr = sqesA;
            // SAFETY: the mappings just made, each of the length io_uring_params gives for it, stay mapped until
            // close(); the owner never calls this ring after close() (it checks before every call).
            sqRing = LibcMemory.segment(sqRingAddr, sqLen);
            cqRing = LibcMemory.segment(cqRingAddr, cqLen);
            sqes = LibcMemory.segment(sqesAddr, sqesLen);
            sqMask = sqRing.get(JAVA_INT, sqMaskOff);
            cqMask = cqRing.get(JAVA_INT, cqMaskOff);
        }
    }

    private static long map(long len, int fd, long offset) throws KernelException {
        long a = LibcMemory.mmap(len, LibcMemory.PROT_READ | LibcMemory.PROT_WRITE,
                LibcMemory.MAP_SHARED | LibcMemory.MAP_POPULATE, fd, offset);
        if (a < 0 && a > -4096) throw KernelException.of("mmap", "io_uring", a);
        return a;
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
        // SAFETY: the owner calls nothing on this ring after close(): the mappings are unmapped once, unused.
        LibcMemory.munmap(sqesAddr, sqesLen);
        if (cqRingLen != 0) LibcMemory.munmap(cqRingAddr, cqRingLen);
        LibcMemory.munmap(sqRingAddr, sqRingLen);
        ring.close();
    }
}
