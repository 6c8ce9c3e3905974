package dev.j4l.kernel.ublk;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.j4l.kernel.EventFd;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.abi.UblkAbi;
import dev.j4l.kernel.raw.Access;
import dev.j4l.kernel.raw.LibcMemory;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * One queue of a {@link UblkDevice}: its ring, its read-only view of the kernel's request descriptors (one
 * {@code ublksrv_io_desc} per tag, mapped from {@code /dev/ublkcN}) and one buffer per tag, all this object's.
 *
 * <p>A tag is either <em>in the kernel</em> (a FETCH_REQ or COMMIT_AND_FETCH_REQ outstanding: the kernel may
 * write a write request's data into the tag's buffer at any time, from this thread's task work) or <em>the
 * server's</em> (its fetch completed with a request: the server serves it from the buffer and {@link #commit}s
 * it, which hands the tag back). A tag's buffer is never freed while the tag is in the kernel: {@link #close}
 * lets go of the buffers only when no tag is; otherwise they are kept for the life of the process.
 *
 * <p>Owned by one thread, the queue's daemon: the kernel takes a queue's commands only from the thread that
 * fetched, and delivers requests through that thread's task work. The first thread that calls anything but
 * {@link #wake} becomes the owner; any other thread's call throws {@link WrongThreadException}; after
 * {@link #close} every call throws {@link IllegalStateException}.
 */
public final class UblkQueue implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.kernel");
    /** {@link #next} results besides a tag. */
    public static final int NONE = -1, WAKE = -2;
    private static final long WAKE_DATA = -1L;
    private static final int PAGE = 4096;
    /** Buffers of queues closed with tags in the kernel: the kernel may still write them. */
    private static final List<NativeBuffer> KEPT = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final OwnedFd charDev;
    private final int qid;
    private final int depth;
    private final int maxIoBytes;
    private final int fetchOp, commitOp;
    private final CommandRing ring;
    private final EventFd wake;
    private final long descAddr, descLen;
    private final MemorySegment descs;
    /** Every tag's buffer, in one mapping: tag t's is [t * maxIoBytes, (t+1) * maxIoBytes). */
    private final NativeBuffer memory;
    private final NativeBuffer[] buffers;
    private final boolean[] inKernel;
    private int tagsInKernel;
    private boolean wakeArmed;
    private final int charFd, wakeFd;
    private Thread owner;
    private volatile boolean closed;

    UblkQueue(OwnedFd charDev, int qid, int depth, int maxIoBytes, boolean encoded) throws KernelException {
        this.charDev = charDev;
        this.qid = qid;
        this.depth = depth;
        this.maxIoBytes = maxIoBytes;
        this.fetchOp = encoded ? UblkAbi.ioctlEncoded(UblkAbi.IOC_READ_WRITE, UblkAbi.IO_FETCH_REQ, UblkAbi.IO_CMD_SIZE)
                : UblkAbi.IO_FETCH_REQ;
        this.commitOp = encoded
                ? UblkAbi.ioctlEncoded(UblkAbi.IOC_READ_WRITE, UblkAbi.IO_COMMIT_AND_FETCH_REQ, UblkAbi.IO_CMD_SIZE)
                : UblkAbi.IO_COMMIT_AND_FETCH_REQ;
        this.memory = NativeBuffer.allocate((long) depth * maxIoBytes, PAGE);
        this.buffers = new NativeBuffer[depth];
        for (int t = 0; t < depth; t++) buffers[t] = memory.slice((long) t * maxIoBytes, maxIoBytes);
        this.inKernel = new boolean[depth];
        long arraySize = roundUp((long) UblkAbi.MAX_QUEUE_DEPTH * UblkAbi.IO_DESC_SIZE);
        descLen = roundUp((long) depth * UblkAbi.IO_DESC_SIZE);
        int fd = Access.fds().acquire(charDev);
        long a;
        try {
            a = LibcMemory.mmap(descLen, LibcMemory.PROT_READ, LibcMemory.MAP_SHARED | LibcMemory.MAP_POPULATE, fd,
                    UblkAbi.CMD_BUF_OFFSET + qid * arraySize);
        } finally {
            Access.fds().release(charDev);
        }
        if (a < 0 && a > -4096) throw KernelException.of("mmap", "ublk queue " + qid + " descriptors", a);
        descAddr = a;
        // SAFETY: [a, a+descLen) is the read-only mapping just made of this queue's descriptor array (the kernel
        // checks the length is the array's); it is unmapped only by close(), after which checkUsable() refuses
        // every read, and only the owner thread reads it.
        descs = LibcMemory.segment(a, descLen);
        CommandRing r = null;
        EventFd w = null;
        try {
            r = new CommandRing(depth + 1, false);
            w = EventFd.create(0, EventFd.NONBLOCK);
            // Held for the queue's life, so the numbers written into SQEs can never name another file.
            charFd = Access.fds().acquire(charDev);
            try {
                wakeFd = Access.fds().acquire(w.fd());
            } catch (IllegalStateException e) {
                Access.fds().release(charDev);
                throw e;
            }
        } catch (KernelException | RuntimeException e) {
            if (r != null) r.close();
            if (w != null) w.close();
            // SAFETY: the mapping made above, seen by nobody yet.
            LibcMemory.munmap(a, descLen);
            throw e;
        }
        ring = r;
        wake = w;
    }

    private static long roundUp(long n) {
        return (n + PAGE - 1) & -PAGE;
    }

    private void checkUsable() {
        Thread t = Thread.currentThread();
        if (owner != t) {
            synchronized (this) {
                if (owner == null) owner = t;
                else throw new WrongThreadException("UblkQueue is owned by another thread");
            }
        }
        if (closed) throw new IllegalStateException("UblkQueue used after close");
    }

    public int id() {
        return qid;
    }

    public int depth() {
        return depth;
    }

    /** The largest request in bytes: each tag's buffer size. */
    public int maxIoBytes() {
        return maxIoBytes;
    }

    /** Queues FETCH_REQ for every tag, and a wait for {@link #wake}, and submits them. */
    public void fetchAll() throws KernelException {
        checkUsable();
        if (tagsInKernel != 0) throw new IllegalStateException("queue " + qid + " fetched already");
        for (int t = 0; t < depth; t++) queue(fetchOp, t, 0);
        armWake();
        ring.submit(0);
    }

    private void armWake() {
        if (wakeArmed) return;
        // SAFETY: POLL_ADD names the eventfd held since construction and no memory.
        ring.pollIn(wakeFd, WAKE_DATA);
        wakeArmed = true;
    }

    private void queue(int op, int tag, int res) {
        MemorySegment cmd = ring.command(charFd, op, tag);
        cmd.set(JAVA_SHORT, UblkAbi.IO_CMD_Q_ID, (short) qid);
        cmd.set(JAVA_SHORT, UblkAbi.IO_CMD_TAG, (short) tag);
        cmd.set(JAVA_INT, UblkAbi.IO_CMD_RESULT, res);
        // SAFETY: addr is tag's buffer, maxIoBytes long (the device's max_io_buf_bytes, the most the kernel copies
        // for one request), a slice of `memory`, which this object holds. The tag is marked in the kernel here, and
        // close() lets go of the memory only when no tag is, else keeps it forever (KEPT): so the buffer exists for
        // as long as the kernel may write into it or read from it.
        cmd.set(JAVA_LONG, UblkAbi.IO_CMD_ADDR, Access.buffers().segment(buffers[tag]).address());
        ring.publish();
        inKernel[tag] = true;
        tagsInKernel++;
    }

    /**
     * Submits the commits queued and, if any tag is in the kernel, waits until something completes (a request,
     * an abort, a {@link #wake}). Returns false, without waiting, when no tag is in the kernel any more (the
     * device was stopped): the queue is done.
     */
    public boolean await() throws KernelException {
        checkUsable();
        if (tagsInKernel == 0) {
            ring.submit(0);
            return false;
        }
        if (ring.peek()) ring.submit(0);
        else ring.submit(1);
        return true;
    }

    /**
     * Takes the next completion: a tag whose request is now the server's (read it with {@link #op} and the
     * others, serve it from {@link #buffer}, then {@link #commit} it); {@link #WAKE} after {@link #wake}; or
     * {@link #NONE} when nothing is waiting. A fetch the kernel ended (the device stopping: ABORT; or refused)
     * takes its tag out of the kernel and is not returned.
     */
    public int next() throws KernelException {
        checkUsable();
        while (ring.next()) {
            long data = ring.userData();
            int res = ring.result();
            if (data == WAKE_DATA) {
                wakeArmed = false;
                wake.read();
                if (tagsInKernel > 0) armWake();
                return WAKE;
            }
            int tag = (int) data;
            if (tag < 0 || tag >= depth || !inKernel[tag]) {
                LOG.log(System.Logger.Level.WARNING, "ublk queue " + qid + ": completion for tag " + data + " not in the kernel");
                continue;
            }
            inKernel[tag] = false;
            tagsInKernel--;
            if (res == UblkAbi.IO_RES_OK) {
                return tag;
            }
            if (res != UblkAbi.IO_RES_ABORT) {
                LOG.log(System.Logger.Level.WARNING, "ublk queue " + qid + ": the kernel ended tag " + tag + " with " + res);
            }
        }
        return NONE;
    }

    /** Whether any tag is still in the kernel (the device has not ended this queue). */
    public boolean serving() {
        checkUsable();
        return tagsInKernel > 0;
    }

    private MemorySegment desc(int tag) {
        checkUsable();
        Objects.checkIndex(tag, depth);
        if (inKernel[tag]) throw new IllegalStateException("tag " + tag + " is not the server's now");
        return descs.asSlice((long) tag * UblkAbi.IO_DESC_SIZE, UblkAbi.IO_DESC_SIZE);
    }

    /** The request's operation. */
    public UblkOp op(int tag) {
        return UblkOp.of(desc(tag).get(JAVA_INT, UblkAbi.IO_DESC_OP_FLAGS));
    }

    /** Whether the request asks for force unit access (a WRITE or WRITE_ZEROES durable when answered). */
    public boolean fua(int tag) {
        return (desc(tag).get(JAVA_INT, UblkAbi.IO_DESC_OP_FLAGS) & UblkAbi.IO_F_FUA) != 0;
    }

    /** Whether a WRITE_ZEROES must keep the range allocated (REQ_NOUNMAP). */
    public boolean noUnmap(int tag) {
        return (desc(tag).get(JAVA_INT, UblkAbi.IO_DESC_OP_FLAGS) & UblkAbi.IO_F_NOUNMAP) != 0;
    }

    /** Where the request starts, in 512-byte sectors. */
    public long startSector(int tag) {
        return desc(tag).get(JAVA_LONG, UblkAbi.IO_DESC_START_SECTOR);
    }

    /** The request's length in 512-byte sectors. */
    public int sectors(int tag) {
        return desc(tag).get(JAVA_INT, UblkAbi.IO_DESC_NR_SECTORS);
    }

    /**
     * The tag's buffer ({@link #maxIoBytes} bytes): a write's data when its fetch completed, and where a read's
     * data must be when it is committed. The same object for the queue's life.
     */
    public NativeBuffer buffer(int tag) {
        checkUsable();
        return buffers[Objects.checkIndex(tag, depth)];
    }

    /**
     * Queues COMMIT_AND_FETCH_REQ for a request of the server's: {@code result} is the bytes done (a read's are
     * copied from the buffer now, when submitted) or {@code -errno}; the tag goes back to the kernel.
     */
    public void commit(int tag, int result) {
        checkUsable();
        Objects.checkIndex(tag, depth);
        if (inKernel[tag]) throw new IllegalStateException("tag " + tag + " committed twice");
        if (ring.free() <= 0) throw new IllegalStateException("more commits than tags");
        queue(commitOp, tag, result);
    }

    /** Wakes the owner's {@link #await} (from any thread), which then returns {@link #WAKE} from {@link #next}. */
    public void wake() {
        try {
            wake.signal(1);
        } catch (KernelException | IllegalStateException e) {
            // closed: nobody to wake
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the ring and unmaps the descriptors, by the owner (or by anyone when there is none). Buffers of tags
     * still in the kernel are kept for the life of the process, since the kernel may still write them.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (owner == null) owner = Thread.currentThread();
            else if (owner != Thread.currentThread()) throw new WrongThreadException("UblkQueue is owned by another thread");
            if (closed) return;
            closed = true;
        }
        if (tagsInKernel > 0) {
            LOG.log(System.Logger.Level.WARNING, "ublk queue " + qid + " closed with " + tagsInKernel
                    + " tags in the kernel; keeping their buffers");
            KEPT.add(memory);
        }
        ring.close();
        // SAFETY: only the owner gets here, once; every reader of descs checks `closed` first on this thread.
        LibcMemory.munmap(descAddr, descLen);
        Access.fds().release(charDev);
        Access.fds().release(wake.fd());
        wake.close();
        java.lang.ref.Reference.reachabilityFence(memory);
    }
}
