package dev.j4l.net;

import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.abi.VirtioNetAbi;

/**
 * User-space GRO for one destination: merges consecutive MTU-sized TCP segments of one flow into a
 * super-packet (virtio-net {@code TCPV4}/{@code TCPV6} with {@code NEEDS_CSUM}), so a port that takes TSO gets
 * one write instead of many. Useful where a port without offloads feeds one with them.
 *
 * <p>A segment joins only when it continues the pending one exactly — same addresses, ports, TTL/hop limit,
 * TCP options, ack and window; next sequence number; next IPv4 id; flags ACK (PSH ends the super-packet);
 * the earlier segments all full-sized — and its checksum verified (the merged packet gets a fresh partial
 * checksum, so a corrupt segment must never be merged). Anything else flushes what is pending first, so
 * order is kept.
 */
public final class Coalescer {
    private static final int OUT = Frame.VNET_HEADER;
    /** Offset of the checksum in a TCP header: the csum_offset of the merged packet. */
    private static final int TCP_CHECKSUM = 16;
    private final NativeBuffer out = NativeBuffer.allocate(Frame.BUFFER_SIZE);
    private final Segmenter.Sink sink;
    private int count;      // segments merged into out
    private int end;        // end of data in out
    private int l3, l4, hdrEnd, mss, version;
    private int nextSeq, nextId;
    private boolean ended;  // last merged segment was short or had PSH

    public Coalescer(Segmenter.Sink sink) {
        this.sink = sink;
    }

    /** Segments merged into the pending packet (0: nothing pending). */
    public int pending() {
        return count;
    }

    /**
     * Takes {@code f} into the pending super-packet (flushing first when it does not continue it). Returns
     * false, with everything pending flushed, when {@code f} is not a TCP segment that can be merged — the
     * caller then sends it itself.
     */
    public boolean offer(Frame f) {
        f.check();
        if (f.gsoTypeRaw() != 0 || f.needsChecksum()) return flushAndRefuse();
        NativeBuffer b = f.buf;
        int fl3 = f.l3();
        if (fl3 < 0 || fl3 + 40 > f.end) return flushAndRefuse();
        int v = (b.getByte(fl3) & 0xff) >>> 4;
        int fl4;
        if (v == 4) {
            if ((b.getByte(fl3) & 0x0f) != 5 || (b.getByte(fl3 + 9) & 0xff) != 6) return flushAndRefuse();
            int frag = Short.reverseBytes(b.getShort(fl3 + 6)) & 0xffff;
            if ((frag & 0x3fff) != 0) return flushAndRefuse(); // MF or offset: a fragment
            if ((Short.reverseBytes(b.getShort(fl3 + 2)) & 0xffff) != f.end - fl3) return flushAndRefuse();
            fl4 = fl3 + 20;
        } else if (v == 6) {
            if ((b.getByte(fl3 + 6) & 0xff) != 6) return flushAndRefuse();
            if ((Short.reverseBytes(b.getShort(fl3 + 4)) & 0xffff) != f.end - fl3 - 40) return flushAndRefuse();
            fl4 = fl3 + 40;
        } else {
            return flushAndRefuse();
        }
        int doff = ((b.getByte(fl4 + 12) & 0xff) >>> 4) * 4;
        int fHdrEnd = fl4 + doff;
        int flags = b.getByte(fl4 + 13) & 0xff;
        int payload = f.end - fHdrEnd;
        if (doff < 20 || fHdrEnd > f.end || payload <= 0 || (flags & ~0x08) != 0x10) return flushAndRefuse(); // ACK, maybe PSH, nothing else
        int l4Len = f.end - fl4;
        long pseudo = v == 4 ? Checksum.pseudoIpv4(b, fl3, 6, l4Len) : Checksum.pseudoIpv6(b, fl3, 6, l4Len);
        if ((b.getByte(f.l2 - Frame.VNET_HEADER + VirtioNetAbi.HDR_FLAGS) & VirtioNetAbi.F_DATA_VALID) == 0
                && !Checksum.verifies(b, fl4, l4Len, pseudo)) {
            return flushAndRefuse();
        }
        int seq = Integer.reverseBytes(b.getInt(fl4 + 4));
        int id = v == 4 ? Short.reverseBytes(b.getShort(fl3 + 4)) & 0xffff : 0;
        if (count > 0 && continues(f, fl3, fl4, fHdrEnd, v, seq, id, payload)) {
            out.copyFrom(end, b, fHdrEnd, payload);
            end += payload;
            count++;
        } else {
            flush();
            if (f.end - f.l2 > out.size() - OUT) return false;
            out.copyFrom(OUT, b, f.l2, f.end - f.l2);
            end = OUT + f.end - f.l2;
            l3 = OUT + fl3 - f.l2;
            l4 = OUT + fl4 - f.l2;
            hdrEnd = OUT + fHdrEnd - f.l2;
            mss = payload;
            version = v;
            count = 1;
        }
        nextSeq = seq + payload;
        nextId = (id + 1) & 0xffff;
        ended = payload < mss || (flags & 0x08) != 0;
        if ((flags & 0x08) != 0) out.putByte(l4 + 13, (byte) (out.getByte(l4 + 13) | 0x08));
        return true;
    }

    private boolean continues(Frame f, int fl3, int fl4, int fHdrEnd, int v, int seq, int id, int payload) {
        if (ended || v != version || seq != nextSeq || payload > mss) return false;
        if (fHdrEnd - f.l2 != hdrEnd - OUT || fl4 - f.l2 != l4 - OUT) return false;
        if (end - OUT + payload > 65535 + (l3 - OUT)) return false; // the IP length field's limit
        NativeBuffer b = f.buf;
        if (v == 4 && id != nextId) return false;
        // Ethernet header (and VLAN tag) equal.
        if (!same(b, f.l2, OUT, fl3 - f.l2)) return false;
        if (v == 4) {
            // version/ihl/tos, flags/fragment, ttl/protocol, addresses
            if (b.getShort(fl3) != out.getShort(l3) || b.getShort(fl3 + 6) != out.getShort(l3 + 6)
                    || b.getShort(fl3 + 8) != out.getShort(l3 + 8) || !same(b, fl3 + 12, l3 + 12, 8)) {
                return false;
            }
        } else {
            if (b.getInt(fl3) != out.getInt(l3) || b.getShort(fl3 + 6) != out.getShort(l3 + 6)
                    || !same(b, fl3 + 8, l3 + 8, 32)) {
                return false;
            }
        }
        // ports, ack, data offset, window and options equal (flags were checked by the caller)
        return b.getInt(fl4) == out.getInt(l4) && b.getInt(fl4 + 8) == out.getInt(l4 + 8)
                && b.getByte(fl4 + 12) == out.getByte(l4 + 12) && b.getShort(fl4 + 14) == out.getShort(l4 + 14)
                && same(b, fl4 + 20, l4 + 20, fHdrEnd - fl4 - 20);
    }

    private boolean same(NativeBuffer b, int at, int outAt, int n) {
        int i = 0;
        for (; i + 4 <= n; i += 4) if (b.getInt(at + i) != out.getInt(outAt + i)) return false;
        for (; i < n; i++) if (b.getByte(at + i) != out.getByte(outAt + i)) return false;
        return true;
    }

    private boolean flushAndRefuse() {
        flush();
        return false;
    }

    /** Emits what is pending: the lone segment unchanged, or the merged super-packet. */
    public void flush() {
        if (count == 0) return;
        Frame.writeHeader(out, 0, 0, 0, 0, 0, 0, 0);
        if (count > 1) {
            int l4Len = end - l4;
            if (version == 4) {
                out.putShort(l3 + 2, Short.reverseBytes((short) (end - l3)));
                out.putShort(l3 + 10, (short) 0);
                out.putShort(l3 + 10, Checksum.finish(Checksum.sum(out, l3, 20, 0)));
            } else {
                out.putShort(l3 + 4, Short.reverseBytes((short) (end - l3 - 40)));
            }
            long pseudo = version == 4 ? Checksum.pseudoIpv4(out, l3, 6, l4Len) : Checksum.pseudoIpv6(out, l3, 6, l4Len);
            out.putShort(l4 + TCP_CHECKSUM, (short) Checksum.fold(pseudo));
            Frame.writeHeader(out, 0, VirtioNetAbi.F_NEEDS_CSUM, version == 4 ? GsoType.TCPV4.code : GsoType.TCPV6.code,
                    hdrEnd - OUT, mss, l4 - OUT, TCP_CHECKSUM);
        }
        sink.emit(out, OUT, end - OUT);
        count = 0;
    }
}
