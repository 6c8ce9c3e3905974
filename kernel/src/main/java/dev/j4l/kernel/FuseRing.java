package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.j4l.kernel.raw.LibcMemory;
import dev.j4l.kernel.raw.LibcUring;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One io_uring for FUSE-over-io_uring: 128-byte SQEs carrying {@code FUSE_IO_URING_CMD_REGISTER} and
 * {@code COMMIT_AND_FETCH} commands for {@code /dev/fuse}, plus poll requests to be woken from other threads.
 * Owned by one thread: FUSE completes its commands through task work of the submitting thread, so the thread
 * that submits is the one that must wait. Not thread-safe.
 */
public final class FuseRing implements AutoCloseable {
    private static final int SETUP_CQSIZE = 1 << 3;
    /** Task work (how FUSE hands a request to the ring) does not interrupt the thread in user space... */
    private static final int SETUP_COOP_TASKRUN = 1 << 8;
    /** ...and is flagged in the SQ ring's flags instead, where other threads can see it. */
    private static final int SETUP_TASKRUN_FLAG = 1 << 9;
    private static final int SQ_TASKRUN = 1 << 2;
    private static final int SETUP_SQE128 = 1 << 10;
    private static final int FEAT_SINGLE_MMAP = 1;
    private static final long OFF_SQ_RING = 0L;
    private static final long OFF_CQ_RING = 0x8000000L;
    private static final long OFF_SQES = 0x10000000L;
    private static final int SQE_SIZE = 128;
    private static final int CQE_SIZE = 16;
    private static final byte OP_POLL_ADD = 6;
    private static final byte OP_URING_CMD = 46;
    private static final int CMD_REGISTER = 1;
    private static final int CMD_COMMIT_AND_FETCH = 2;
    private static final int ENTER_GETEVENTS = 1;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final OwnedFd ring;
    private final OwnedFd dev;
    private final OwnedFd wake;
    private final int devFd;
    private final int wakeFd;
    private final Arena arena = Arena.ofShared();
    private final long sqRingAddr, sqRingLen, cqRingAddr, cqRingLen, sqesAddr, sqesLen;
    private final MemorySegment sqRing, cqRing, sqes;
    private final int sqHead, sqTail, sqMask, sqArray, sqEntries, sqFlags;
    private final int cqHead, cqTail, cqMask, cqes;
    private int pending;
    /** Threads inside {@link #hasWork}; {@link #close} unmaps the rings only once none is. */
    private final AtomicInteger observers = new AtomicInteger();
    private volatile boolean closed;
    private long userData;
    private int result;

    private FuseRing(OwnedFd ring, MemorySegment p, int fd, OwnedFd dev, OwnedFd wake) throws KernelException {
        this.ring = ring;
        this.dev = dev;
        this.wake = wake;
        int features = p.get(JAVA_INT, 20);
        sqEntries = p.get(JAVA_INT, 0);
        int cqEntries = p.get(JAVA_INT, 4);
        sqHead = p.get(JAVA_INT, 40);
        sqTail = p.get(JAVA_INT, 44);
        int sqMaskOff = p.get(JAVA_INT, 48);
        sqFlags = p.get(JAVA_INT, 56);
        sqArray = p.get(JAVA_INT, 64);
        cqHead = p.get(JAVA_INT, 80);
        cqTail = p.get(JAVA_INT, 84);
        int cqMaskOff = p.get(JAVA_INT, 88);
        cqes = p.get(JAVA_INT, 100);
        long sqLen = sqArray + 4L * sqEntries;
        long cqLen = cqes + (long) CQE_SIZE * cqEntries;
        boolean single = (features & FEAT_SINGLE_MMAP) != 0;
        if (single) sqLen = cqLen = Math.max(sqLen, cqLen);
        sqRingLen = sqLen;
        sqRingAddr = map(sqLen, fd, OFF_SQ_RING);
        if (single) {
            cqRingLen = 0;
            cqRingAddr = sqRingAddr;
        } else {
            cqRingLen = cqLen;
            cqRingAddr = map(cqLen, fd, OFF_CQ_RING);
        }
        sqesLen = (long) SQE_SIZE * sqEntries;
        sqesAddr = map(sqesLen, fd, OFF_SQES);
        sqRing = LibcMemory.segment(sqRingAddr, sqLen);
        cqRing = LibcMemory.segment(cqRingAddr, cqLen);
        sqes = LibcMemory.segment(sqesAddr, sqesLen);
        // The params hold offsets into the ring mappings; the masks themselves live in the rings.
        sqMask = sqRing.get(JAVA_INT, sqMaskOff);
        cqMask = cqRing.get(JAVA_INT, cqMaskOff);
        // Held for the ring's lifetime, so the numbers written into SQEs can never name another file.
        devFd = dev.acquire();
        wakeFd = wake.acquire();
    }

    private static long map(long len, int fd, long offset) throws KernelException {
        long a = LibcMemory.mmap(len, LibcMemory.PROT_READ | LibcMemory.PROT_WRITE,
                LibcMemory.MAP_SHARED | LibcMemory.MAP_POPULATE, fd, offset);
        if (a < 0 && a > -4096) throw KernelException.of("mmap", "io_uring", a);
        return a;
    }

    /**
     * A ring with {@code entries} submission slots and twice as many completion slots, for commands on the
     * FUSE descriptor {@code dev} and wake-ups through the eventfd {@code wake}; both stay in use until
     * {@link #close()}.
     */
    public static FuseRing create(int entries, OwnedFd dev, EventFd wake) throws KernelException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(120, 8);
            p.set(JAVA_INT, 4, entries * 2);
            p.set(JAVA_INT, 8, SETUP_SQE128 | SETUP_CQSIZE | SETUP_COOP_TASKRUN | SETUP_TASKRUN_FLAG);
            int fd = LibcUring.setup(entries, p);
            if (fd < 0) throw KernelException.of("io_uring_setup", "SQE128", fd);
            OwnedFd owned = OwnedFd.adopt(fd, "io_uring");
            try {
                return new FuseRing(owned, p, fd, dev, wake.fd());
            } catch (KernelException | RuntimeException e) {
                owned.close();
                throw e;
            }
        }
    }

    private MemorySegment nextSqe() {
        int tail = (int) INT.getAcquire(sqRing, (long) sqTail);
        int head = (int) INT.getAcquire(sqRing, (long) sqHead);
        if (tail - head >= sqEntries) throw new IllegalStateException("io_uring submission queue full");
        int idx = tail & sqMask;
        MemorySegment sqe = sqes.asSlice((long) idx * SQE_SIZE, SQE_SIZE);
        sqe.fill((byte) 0);
        sqRing.set(JAVA_INT, sqArray + 4L * idx, idx);
        return sqe;
    }

    private void publish() {
        int tail = (int) INT.getAcquire(sqRing, (long) sqTail);
        INT.setRelease(sqRing, (long) sqTail, tail + 1);
        pending++;
    }

    /**
     * Queues {@code FUSE_IO_URING_CMD_REGISTER} of one ring entry of queue {@code qid}: {@code header} (at
     * least 288 bytes) and {@code payload} are the entry's buffers from now on; keep them reachable.
     */
    public void register(int qid, long userData, NativeBuffer header, NativeBuffer payload) {
        MemorySegment iov = arena.allocate(32, 8);
        iov.set(JAVA_LONG, 0, header.segment().address());
        iov.set(JAVA_LONG, 8, header.size());
        iov.set(JAVA_LONG, 16, payload.segment().address());
        iov.set(JAVA_LONG, 24, payload.size());
        MemorySegment sqe = nextSqe();
        command(sqe, devFd, CMD_REGISTER, userData, qid, 0);
        sqe.set(JAVA_LONG, 16, iov.address());
        sqe.set(JAVA_INT, 24, 2);
        publish();
    }

    /** Queues {@code FUSE_IO_URING_CMD_COMMIT_AND_FETCH}: the reply in the entry's buffers is for {@code commitId}. */
    public void commitAndFetch(int qid, long commitId, long userData) {
        command(nextSqe(), devFd, CMD_COMMIT_AND_FETCH, userData, qid, commitId);
        publish();
    }

    private static void command(MemorySegment sqe, int fd, int cmd, long userData, int qid, long commitId) {
        sqe.set(JAVA_BYTE, 0, OP_URING_CMD);
        sqe.set(JAVA_INT, 4, fd);
        sqe.set(JAVA_INT, 8, cmd);
        sqe.set(JAVA_LONG, 32, userData);
        sqe.set(JAVA_LONG, 48 + 8, commitId);
        sqe.set(JAVA_SHORT, 48 + 16, (short) qid);
    }

    /** Queues a one-shot POLL_ADD for POLLIN on the wake-up eventfd. */
    public void pollWake(long userData) {
        MemorySegment sqe = nextSqe();
        sqe.set(JAVA_BYTE, 0, OP_POLL_ADD);
        sqe.set(JAVA_INT, 4, wakeFd);
        sqe.set(JAVA_INT, 28, 1 /* POLLIN */);
        sqe.set(JAVA_LONG, 32, userData);
        publish();
    }

    /** Submits what is queued and waits until at least {@code minComplete} completions are there. */
    public void submitAndWait(int minComplete) throws KernelException {
        int fd = ring.acquire();
        try {
            while (true) {
                int r = LibcUring.enter(fd, pending, minComplete, ENTER_GETEVENTS);
                if (r >= 0) {
                    pending -= Math.min(pending, r);
                    return;
                }
                if (r == -Errno.EINTR.number()) continue;
                throw KernelException.of("io_uring_enter", "io_uring", r);
            }
        } finally {
            ring.release();
        }
    }

    /** Takes the next completion if there is one; then {@link #userData()} and {@link #result()} describe it. */
    public boolean next() {
        int head = (int) INT.getAcquire(cqRing, (long) cqHead);
        int tail = (int) INT.getAcquire(cqRing, (long) cqTail);
        if (head == tail) return false;
        long off = cqes + (long) (head & cqMask) * CQE_SIZE;
        userData = cqRing.get(JAVA_LONG, off);
        result = cqRing.get(JAVA_INT, off + 8);
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
            if (((int) INT.getVolatile(sqRing, (long) sqFlags) & SQ_TASKRUN) != 0) return true;
            return (int) INT.getAcquire(cqRing, (long) cqHead) != (int) INT.getAcquire(cqRing, (long) cqTail);
        } finally {
            observers.decrementAndGet();
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        while (observers.get() != 0) Thread.onSpinWait();
        LibcMemory.munmap(sqesAddr, sqesLen);
        if (cqRingLen != 0) LibcMemory.munmap(cqRingAddr, cqRingLen);
        LibcMemory.munmap(sqRingAddr, sqRingLen);
        ring.close();
        arena.close();
        dev.release();
        wake.release();
    }
}
