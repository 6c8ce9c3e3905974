package dev.j4l.net;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.net.TunDevice;
import dev.j4l.kernel.net.TunQueue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link FrameHandler} over a set of TUN/TAP ports: one platform thread per queue reads frames in
 * batches into buffers it allocated once, hands each frame to the handler, and writes what the handler sends
 * through its {@link Egress}, so a forwarded frame is never copied in user space. The one allocation per
 * packet is the {@link Frame} itself: it is valid for its batch only, so a handler that keeps one gets an
 * exception, never the next packet's bytes.
 *
 * <p>The engine does not own the devices: {@link #close} stops the workers and leaves the devices to the
 * caller.
 *
 * {@snippet class=dev.j4l.net.EngineExample region=engine}
 */
public final class NetEngine implements AutoCloseable {
    /** Frames read per batch before the handler sees them. */
    public static final int BATCH = 16;
    private static final System.Logger LOG = System.getLogger("dev.j4l.net");

    private final FrameHandler handler;
    private final List<Port> ports = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private final AtomicLong handlerErrors = new AtomicLong();
    private volatile boolean running;
    private boolean started;
    private boolean coalesce = true;

    public NetEngine(FrameHandler handler) {
        this.handler = handler;
    }

    /** Adds a device as the next port. Only before {@link #start}. */
    public synchronized Port attach(TunDevice device) {
        if (started) throw new IllegalStateException("attach before start");
        Port p = new Port(ports.size(), device);
        ports.add(p);
        return p;
    }

    /** Whether to merge TCP segments into super-packets for ports with TSO (default on). Before {@link #start}. */
    public synchronized void coalesce(boolean on) {
        if (started) throw new IllegalStateException("configure before start");
        this.coalesce = on;
    }

    public synchronized List<Port> ports() {
        return Collections.unmodifiableList(new ArrayList<>(ports));
    }

    /** Starts one worker per queue of every port. */
    public synchronized void start() {
        if (started) throw new IllegalStateException("already started");
        started = true;
        running = true;
        for (Port p : ports) {
            for (int q = 0; q < p.queueCount(); q++) {
                Worker w = new Worker(p, p.queue(q), q);
                workers.add(w);
                w.thread = Thread.ofPlatform().name("j4l-net-" + p.name() + "-q" + q).daemon(true).start(w);
            }
        }
    }

    /** Exceptions the handler threw so far (each dropped one frame). */
    public long handlerErrors() {
        return handlerErrors.get();
    }

    /** Stops the workers and waits for them. */
    @Override
    public synchronized void close() {
        running = false;
        for (Worker w : workers) w.queue.wakeup();
        for (Worker w : workers) {
            try {
                w.thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        workers.clear();
    }

    private final class Worker implements Runnable {
        final Port port;
        final TunQueue queue;
        final Frame[] frames = new Frame[BATCH];
        /** The worker's whole receive memory, allocated once: one frame-sized buffer per batch slot. */
        final NativeBuffer[] buffers = new NativeBuffer[BATCH];
        final Egress egress;
        Thread thread;

        Worker(Port port, TunQueue queue, int index) {
            this.port = port;
            this.queue = queue;
            this.egress = new Egress(index, coalesce);
            for (int i = 0; i < BATCH; i++) buffers[i] = NativeBuffer.allocate(Frame.BUFFER_SIZE, 64);
        }

        @Override
        public void run() {
            // Frames are made per batch (one small object each) and die with it: a frame the handler keeps
            // throws from then on instead of showing whatever the buffer holds next.
            Batch batch = new Batch();
            egress.bindTo(Thread.currentThread());
            int readAt = port.vnet ? Frame.HEADROOM : Frame.HEADROOM + Frame.VNET_HEADER;
            int room = Frame.BUFFER_SIZE - readAt;
            int minimum = (port.vnet ? Frame.VNET_HEADER : 0) + (port.ethernet ? 14 : 1);
            try {
                while (running) {
                    int n = 0;
                    while (n < BATCH) {
                        int r = queue.read(buffers[n], readAt, room);
                        if (r < 0) break;
                        if (r < minimum) {
                            port.dropped.increment();
                            continue;
                        }
                        Frame f = new Frame(buffers[n], batch);
                        f.port = port;
                        f.ethernet = port.ethernet;
                        frames[n] = f;
                        f.l2 = Frame.HEADROOM + Frame.VNET_HEADER;
                        f.end = readAt + r;
                        if (!port.vnet) f.clearHeader();
                        port.rxPackets.increment();
                        port.rxBytes.add(f.end - f.l2);
                        n++;
                    }
                    if (n == 0) {
                        queue.awaitReadable(-1);
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        try {
                            handler.handle(frames[i], egress);
                        } catch (Exception | LinkageError | AssertionError e) {
                            port.dropped.increment();
                            long c = handlerErrors.incrementAndGet();
                            if (c <= 10 || c % 10_000 == 0) {
                                LOG.log(System.Logger.Level.WARNING, "driver threw on a frame from " + port.name()
                                        + " (dropped; " + c + " so far)", e);
                            }
                        }
                    }
                    try {
                        handler.endOfBatch(port, egress);
                    } catch (Exception e) {
                        LOG.log(System.Logger.Level.WARNING, "driver threw at end of batch on " + port.name(), e);
                    }
                    egress.flush();
                    batch.end();
                    java.util.Arrays.fill(frames, 0, n, null);
                }
            } catch (KernelException | RuntimeException e) {
                if (running) {
                    LOG.log(System.Logger.Level.ERROR, "worker for " + queue + " stopped: " + e.getMessage(), e);
                }
            }
        }
    }
}
