package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.IN_HEADER;
import static dev.j4l.kernel.abi.FuseAbi.IN_LEN;
import static dev.j4l.kernel.abi.FuseAbi.OUT_HEADER;
import static dev.j4l.kernel.abi.FuseAbi.URING_ENT;
import static dev.j4l.kernel.abi.FuseAbi.URING_ENT_COMMIT_ID;
import static dev.j4l.kernel.abi.FuseAbi.URING_ENT_PAYLOAD_SZ;
import static dev.j4l.kernel.abi.FuseAbi.URING_OP_IN;
import static dev.j4l.kernel.abi.FuseAbi.URING_OP_IN_SIZE;
import static dev.j4l.kernel.abi.FuseAbi.URING_REQ_HEADER;

import dev.j4l.kernel.CpuAffinity;
import dev.j4l.kernel.Credentials;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.EventFd;
import dev.j4l.kernel.uring.FuseRing;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One FUSE-over-io_uring queue (one per possible CPU): a platform thread that owns an io_uring, registers
 * {@code depth} entries (each a 288-byte header buffer and a payload buffer), and serves each request that
 * completes on them with the same {@link RequestHandler} pipeline as the {@code /dev/fuse} readers, committing
 * the reply and fetching the next request in one command. Replies deferred to other threads come back through
 * a queue and an eventfd the ring polls.
 */
final class RingQueue implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");
    private static final int ENT_COMMIT_ID = URING_ENT + URING_ENT_COMMIT_ID;
    private static final int ENT_PAYLOAD_SZ = URING_ENT + URING_ENT_PAYLOAD_SZ;
    private static final long WAKE = -1L;

    /** A reply produced on another thread for an entry this queue owns. */
    private record Late(int entry, NativeBuffer reply, int length) {}

    final int qid;
    private final FuseSession<?, ?> session;
    /** One request handler per entry: an entry's payload buffer is the tail of its handler's reply buffer. */
    private final RequestHandler<?, ?>[] handlers;
    private final RingEntryChannel[] channels;
    private final int depth;
    private final NativeBuffer[] headers;
    private final NativeBuffer[] payloads;
    private final ConcurrentLinkedQueue<Late> late = new ConcurrentLinkedQueue<>();
    private final EventFd wake;
    private FuseRing ring;
    private volatile boolean stopping;
    /** Outside io_uring_enter: serving what the last wait returned. */
    private volatile boolean serving;
    private int live;

    /**
     * @param handlers one per entry (so {@code depth} of them), all served on this queue's thread. Entry i's
     *     payload buffer is handler i's reply buffer after the out-header: a reply (a READ's data above all) is
     *     written by the handler where the kernel takes it, and only the 16-byte header is copied. The kernel's
     *     request payload lands there too, but is copied into the request buffer before the handler runs.
     */
    RingQueue(FuseSession<?, ?> session, RequestHandler<?, ?>[] handlers, int qid, int payloadSize)
            throws KernelException {
        this.session = session;
        this.handlers = handlers;
        this.qid = qid;
        this.depth = handlers.length;
        this.channels = new RingEntryChannel[depth];
        this.headers = new NativeBuffer[depth];
        this.payloads = new NativeBuffer[depth];
        for (int i = 0; i < depth; i++) {
            headers[i] = NativeBuffer.allocate(URING_REQ_HEADER, 4096);
            channels[i] = new RingEntryChannel(this, i);
            NativeBuffer reply = handlers[i].replyBuffer();
            if (reply.size() - OUT_HEADER < payloadSize) {
                throw new IllegalArgumentException("reply buffer of " + reply.size() + " bytes for a payload of " + payloadSize);
            }
            payloads[i] = reply.slice(OUT_HEADER, payloadSize);
        }
        this.wake = EventFd.create(0, 0);
    }

    /**
     * Creates this queue's io_uring. Done before the INIT reply: once io_uring is negotiated the kernel holds
     * every request until all queues have registered, so a ring that cannot be created (io_uring disabled by
     * sysctl or seccomp, no memory) must be found out while /dev/fuse can still be chosen instead.
     */
    void open() throws KernelException {
        ring = FuseRing.create(Integer.highestOneBit(depth * 2 + 2) * 2, session.device(), wake);
    }

    /** Frees what the constructor and {@link #open} made: at the end of {@link #run}, or for a queue that never runs. */
    void close() {
        if (closed) return;
        closed = true;
        if (ring != null) ring.close();
        wake.close();
    }

    private boolean closed;
    /** Registrations refused with EAGAIN (connection not yet initialized) are retried every millisecond, 5 s at most. */
    private static final int MAX_REGISTER_RETRIES = 5000;
    private int registerRetries;

    @Override
    public void run() {
        // The kernel queues a request on the queue of the CPU its caller runs on and wakes the caller on the
        // CPU that answers it: serving queue N on CPU N keeps a request and its caller on one CPU, with no
        // cross-CPU wake-up (which costs tens of microseconds on a VM whose idle CPUs halt).
        try {
            CpuAffinity.pinCurrentThread(qid);
        } catch (KernelException | IllegalArgumentException e) {
            LOG.log(Level.INFO, "FUSE io_uring queue " + qid + " runs unpinned: " + e.getMessage());
        }
        RingStarvationGuard guard = session.rings.guard();
        RingStarvationGuard.Watched watched = guard == null ? null : guard.watch(this, Credentials.tid());
        try {
            for (int i = 0; i < depth; i++) ring.register(qid, i, headers[i], payloads[i]);
            live = depth;
            ring.pollWake(WAKE);
            while (live > 0 && !stopping) {
                serving = false;
                ring.submitAndWait(1);
                serving = true;
                while (ring.next()) {
                    long ud = ring.userData();
                    int res = ring.result();
                    if (ud == WAKE) {
                        drainWake();
                        if (!stopping) ring.pollWake(WAKE);
                        continue;
                    }
                    int entry = (int) ud;
                    if (res == -Errno.EAGAIN.number() && registerRetries < MAX_REGISTER_RETRIES) {
                        // With SYNC_INIT the mount(2) caller, not our write, processes the INIT reply, so a
                        // registration can arrive before the kernel marks the connection initialized.
                        registerRetries++;
                        Thread.sleep(1);
                        ring.register(qid, entry, headers[entry], payloads[entry]);
                        continue;
                    }
                    if (res < 0) {
                        // ENOTCONN/ECONNABORTED at teardown; anything else turns this entry off.
                        if (res != -Errno.ENOTCONN.number() && res != -Errno.ECONNABORTED.number()) {
                            LOG.log(Level.WARNING, "FUSE io_uring queue " + qid + " entry " + entry + ": "
                                    + Errno.orEio(-res).name());
                        }
                        live--;
                        continue;
                    }
                    serve(entry);
                }
                drainLate();
            }
        } catch (KernelException | RuntimeException e) {
            if (!stopping) LOG.log(Level.ERROR, "FUSE io_uring queue " + qid + " stopped", e);
        } catch (InterruptedException e) {
            LOG.log(Level.ERROR, "FUSE io_uring queue " + qid + " interrupted while registering");
        } finally {
            if (watched != null) guard.unwatch(watched);
            close();
        }
    }

    /** Copies the request of {@code entry} into its handler's contiguous buffer and serves it. */
    private void serve(int entry) {
        NativeBuffer h = headers[entry];
        RequestHandler<?, ?> handler = handlers[entry];
        NativeBuffer in = handler.requestBuffer();
        int len = h.getInt(IN_LEN);
        int payload = h.getInt(ENT_PAYLOAD_SZ);
        int firstArg = len - IN_HEADER - payload;
        if (firstArg < 0 || firstArg > URING_OP_IN_SIZE || len > in.size()) {
            LOG.log(Level.ERROR, "FUSE io_uring queue " + qid + ": malformed request (len " + len + ", payload "
                    + payload + ")");
            firstArg = Math.max(0, Math.min(firstArg, URING_OP_IN_SIZE));
        }
        in.copyFrom(0, h, 0, IN_HEADER);
        if (firstArg > 0) in.copyFrom(IN_HEADER, h, URING_OP_IN, firstArg);
        if (payload > 0) in.copyFrom(IN_HEADER + firstArg, payloads[entry], 0, payload);
        handler.serve(IN_HEADER + firstArg + payload, channels[entry]);
    }

    /** Whether this queue's thread has work it has not done: from any thread (the starvation guard). */
    boolean hasWork() {
        FuseRing r = ring;
        return serving || (r != null && r.hasWork());
    }

    RequestHandler<?, ?>[] handlers() {
        return handlers;
    }

    /** On this queue's thread: the reply (out-header + payload in {@code out}) for the request in {@code entry}. */
    void commit(int entry, NativeBuffer out, int length) {
        NativeBuffer h = headers[entry];
        h.copyFrom(0, out, 0, OUT_HEADER);
        int payload = length - OUT_HEADER;
        // The entry's own handler wrote its payload in place; a deferred reply comes in a buffer of its own.
        if (payload > 0 && out != handlers[entry].replyBuffer()) payloads[entry].copyFrom(0, out, OUT_HEADER, payload);
        h.putInt(ENT_PAYLOAD_SZ, payload);
        ring.commitAndFetch(qid, h.getLong(ENT_COMMIT_ID), entry);
    }

    /** From any thread: a deferred reply for {@code entry}; the ring thread commits it. */
    void commitLater(int entry, NativeBuffer reply, int length) {
        late.add(new Late(entry, reply, length));
        try {
            wake.signal(1);
        } catch (KernelException e) {
            LOG.log(Level.ERROR, "FUSE io_uring queue " + qid + ": cannot wake the ring: " + e.getMessage());
        }
    }

    private void drainWake() {
        try {
            wake.read();
        } catch (KernelException e) {
            LOG.log(Level.DEBUG, () -> "eventfd read: " + e.getMessage());
        }
    }

    private void drainLate() {
        Late l;
        while ((l = late.poll()) != null) commit(l.entry(), l.reply(), l.length());
    }

    void stop() {
        stopping = true;
        try {
            wake.signal(1);
        } catch (KernelException | IllegalStateException e) {
            // already closed
        }
    }

    /** Possible CPUs ({@code /sys/devices/system/cpu/possible}): the number of queues the kernel expects. */
    static int possibleCpus() {
        try {
            String s = dev.j4l.kernel.ProcFiles.read(java.nio.file.Path.of("/sys/devices/system/cpu/possible"));
            int max = 0;
            for (String part : s.split(",")) {
                String[] r = part.split("-");
                max = Math.max(max, Integer.parseInt(r[r.length - 1]));
            }
            return max + 1;
        } catch (java.io.IOException | NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
