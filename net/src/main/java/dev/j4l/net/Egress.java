package dev.j4l.net;

import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.net.TunQueue;

/**
 * A worker's transmit path. {@link #send} writes a frame to a port as it is when the port can take it (a
 * GSO super-packet to a port that negotiated that offload, the cheap path), and otherwise segments it or
 * completes its checksum in user space first. Owned by one worker thread; holds its scratch buffer.
 */
public final class Egress implements Segmenter.Sink {
    private final int queueHint;
    private final Segmenter segmenter = new Segmenter();
    private Port target;

    Egress(int queueHint) {
        this.queueHint = queueHint;
    }

    /** A transmit path not tied to a worker (for tools and tests). */
    public static Egress standalone() {
        return new Egress(0);
    }

    /**
     * Sends {@code f} to {@code port}. May modify the frame (a completed checksum replaces the partial one and
     * clears NEEDS_CSUM), so sending the same frame to several ports stays correct. Returns false when the frame
     * could not be sent (counted on the port).
     */
    public boolean send(Port port, Frame f) {
        int raw = f.gsoTypeRaw();
        boolean needsCsum = f.needsChecksum();
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
