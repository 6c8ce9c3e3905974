package dev.j4l.net;

import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.abi.VirtioNetAbi;
import dev.j4l.kernel.net.TunQueue;

/**
 * A worker's transmit path. {@link #send} writes a frame to a port as it is when the port can take it (a
 * GSO super-packet to a port that negotiated that offload, the cheap path), and otherwise segments it or
 * completes its checksum in user space first. MTU-sized TCP segments headed for a port with TSO are merged
 * into super-packets ({@link Coalescer}) until the end of the batch. Owned by one worker thread; holds its
 * scratch buffers.
 */
public final class Egress implements Segmenter.Sink {
    private final int queueHint;
    private final boolean coalesce;
    private final Segmenter segmenter = new Segmenter();
    private Port target;
    /** Per destination port index: pending GRO state, made on first use, and the port it was made for. */
    private Coalescer[] coalescers = new Coalescer[0];
    private Port[] coalescerPorts = new Port[0];
    /**
     * The one thread that may use this egress (its worker's, or a standalone one's maker): its segmenter,
     * coalescers and target are unsynchronized state.
     */
    private volatile Thread owner;

    Egress(int queueHint, boolean coalesce) {
        this.queueHint = queueHint;
        this.coalesce = coalesce;
    }

    /** A transmit path not tied to a worker (for tools and tests), used by the calling thread; {@link #flush} after each batch. */
    public static Egress standalone(boolean coalesce) {
        Egress e = new Egress(0, coalesce);
        e.bindTo(Thread.currentThread());
        return e;
    }

    /** Makes {@code t} the only thread that may use this egress. */
    void bindTo(Thread t) {
        owner = t;
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) throw new WrongThreadException("Egress used off its worker's thread");
    }

    private Coalescer coalescer(Port port) {
        int i = port.index();
        if (i >= coalescers.length) {
            coalescers = java.util.Arrays.copyOf(coalescers, i + 1);
            coalescerPorts = java.util.Arrays.copyOf(coalescerPorts, i + 1);
        }
        Coalescer c = coalescers[i];
        // Indexes are per engine: a port of another engine with the same index gets its own coalescer.
        if (c == null || coalescerPorts[i] != port) {
            if (c != null) c.flush();
            c = new Coalescer((buf, off, len) -> {
                if (buf.getByte(off - Frame.VNET_HEADER + VirtioNetAbi.HDR_GSO_TYPE) != VirtioNetAbi.GSO_NONE) {
                    port.coalesced.increment();
                }
                write(port, buf, off, len);
            });
            coalescers[i] = c;
            coalescerPorts[i] = port;
        }
        return c;
    }

    private void flushPending(Port port) {
        int i = port.index();
        if (i < coalescers.length && coalescers[i] != null && coalescerPorts[i] == port) coalescers[i].flush();
    }

    /** Sends everything held back for coalescing. The engine calls it after every batch. */
    public void flush() {
        checkOwner();
        for (Coalescer c : coalescers) if (c != null) c.flush();
    }

    /**
     * Sends {@code f} to {@code port}. May modify the frame (a completed checksum replaces the partial one and
     * clears NEEDS_CSUM), so sending the same frame to several ports stays correct. Returns false when the frame
     * could not be sent (counted on the port).
     */
    public boolean send(Port port, Frame f) {
        checkOwner();
        f.check(); // a frame of an ended batch, or of another worker, must not be read here
        int raw = f.gsoTypeRaw();
        boolean needsCsum = f.needsChecksum();
        if (raw == 0 && !needsCsum && coalesce && port.tso4 && port.tso6 && port.ethernet == f.ethernet) {
            if (coalescer(port).offer(f)) return true; // held back; a refused frame flushed the pending one
        } else {
            flushPending(port);
        }
        if (raw != 0) {
            if (!port.takesGso(raw, false)) {
                target = port;
                int n = segmenter.segment(f, port.csum, this);
                if (n < 0) {
                    port.txErrors.increment();
                    return false;
                }
                port.segmented.increment();
                return true;
            }
        } else if (needsCsum && !port.csum) {
            if (!Segmenter.completeChecksum(f)) {
                port.txErrors.increment();
                return false;
            }
            port.checksummed.increment();
        }
        return write(port, f.buf, f.l2, f.end - f.l2);
    }

    @Override
    public void emit(NativeBuffer buffer, int offset, int length) {
        checkOwner();
        write(target, buffer, offset, length);
    }

    private boolean write(Port port, NativeBuffer buf, int l2, int length) {
        TunQueue q = port.queue(queueHint);
        int start = port.vnet ? l2 - Frame.VNET_HEADER : l2;
        int r = q.write(buf, start, length + (l2 - start));
        if (r < 0) {
            port.txErrors.increment();
            return false;
        }
        port.txPackets.increment();
        port.txBytes.add(length);
        return true;
    }
}
