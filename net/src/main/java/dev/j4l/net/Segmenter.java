package dev.j4l.net;

import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.abi.VirtioNetAbi;

/**
 * User-space GSO: cuts a TCP (IPv4/IPv6) or UDP ({@code UDP_L4}) super-packet into the packets the wire
 * would carry, and completes partial checksums.
 *
 * <p>Each segment gets the super-packet's headers with its own lengths, IPv4 id (incremented per segment),
 * TCP sequence number, flags (FIN and PSH only on the last segment, CWR only on the first) and checksums —
 * complete, or, when the destination takes partial checksums, the pseudo-header sum with {@code NEEDS_CSUM}
 * so the kernel finishes it. One instance per worker: it owns the output buffer.
 */
public final class Segmenter {
    /** Receives each segment: the packet is {@code [offset, offset+length)}, its header the 10 bytes before. */
    @FunctionalInterface
    public interface Sink {
        void emit(NativeBuffer buffer, int offset, int length);
    }

    private static final int OUT = Frame.VNET_HEADER;
    private final NativeBuffer out = NativeBuffer.allocate(Frame.BUFFER_SIZE);

    /**
     * Segments {@code f} into {@code sink}. Returns the number of segments, or -1 when the frame is not a
     * super-packet this class can cut (unknown GSO kind, IPv6 extension headers, malformed headers).
     */
    public int segment(Frame f, boolean partialChecksum, Sink sink) {
        f.check();
        int raw = f.gsoTypeRaw();
        int type = raw & ~VirtioNetAbi.GSO_ECN;
        if (type != VirtioNetAbi.GSO_TCPV4 && type != VirtioNetAbi.GSO_TCPV6 && type != VirtioNetAbi.GSO_UDP_L4) {
            return -1;
        }
        int mss = f.gsoSize();
        if (mss == 0) return -1;
        NativeBuffer b = f.buf;
        int l3 = f.l3();
        if (l3 < 0 || l3 + 20 > f.end) return -1;
        int version = (b.getByte(l3) & 0xff) >>> 4;
        int l4, proto;
        if (version == 4) {
            int ihl = (b.getByte(l3) & 0x0f) * 4;
            if (ihl < 20) return -1;
            l4 = l3 + ihl;
            proto = b.getByte(l3 + 9) & 0xff;
        } else if (version == 6) {
            l4 = l3 + 40;
            proto = b.getByte(l3 + 6) & 0xff;
        } else {
            return -1;
        }
        boolean tcp = type != VirtioNetAbi.GSO_UDP_L4;
        if (proto != (tcp ? 6 : 17)) return -1;
        int hdrEnd = tcp ? l4 + ((b.getByte(l4 + 12) & 0xff) >>> 4) * 4 : l4 + 8;
        if (hdrEnd > f.end || (tcp && hdrEnd < l4 + 20)) return -1;
        int payload = f.end - hdrEnd;
        int headers = hdrEnd - f.l2;
        int l3Off = l3 - f.l2, l4Off = l4 - f.l2;
        int ipId = version == 4 ? Short.reverseBytes(b.getShort(l3 + 4)) & 0xffff : 0;
        int seq = tcp ? Integer.reverseBytes(b.getInt(l4 + 4)) : 0;
        int tcpFlags = tcp ? b.getByte(l4 + 13) & 0xff : 0;
        int count = 0;
        for (int done = 0; done < payload || (payload == 0 && count == 0); done += mss) {
            int chunk = Math.min(mss, payload - done);
            boolean first = done == 0, last = done + chunk >= payload;
            int p3 = OUT + l3Off, p4 = OUT + l4Off;
            out.copyFrom(OUT, b, f.l2, headers);
            out.copyFrom(OUT + headers, b, hdrEnd + done, chunk);
            int l4Len = hdrEnd - l4 + chunk;
            if (version == 4) {
                out.putShort(p3 + 2, Short.reverseBytes((short) (p4 - p3 + l4Len)));
                out.putShort(p3 + 4, Short.reverseBytes((short) (ipId + count)));
                out.putShort(p3 + 10, (short) 0);
                out.putShort(p3 + 10, Checksum.finish(Checksum.sum(out, p3, p4 - p3, 0)));
            } else {
                out.putShort(p3 + 4, Short.reverseBytes((short) l4Len));
            }
            int csumField;
            if (tcp) {
                out.putInt(p4 + 4, Integer.reverseBytes(seq + done));
                int fl = tcpFlags;
                if (!last) fl &= ~(0x01 | 0x08); // FIN, PSH
                if (!first) fl &= ~0x80; // CWR
                out.putByte(p4 + 13, (byte) fl);
                csumField = p4 + 16;
            } else {
                out.putShort(p4 + 4, Short.reverseBytes((short) l4Len));
                csumField = p4 + 6;
            }
            long pseudo = version == 4 ? Checksum.pseudoIpv4(out, p3, proto, l4Len)
                    : Checksum.pseudoIpv6(out, p3, proto, l4Len);
            out.putShort(csumField, (short) 0);
            if (partialChecksum) {
                out.putShort(csumField, (short) Checksum.fold(pseudo));
                Frame.writeHeader(out, 0, VirtioNetAbi.F_NEEDS_CSUM, VirtioNetAbi.GSO_NONE, 0, 0, p4 - OUT,
                        csumField - p4);
            } else {
                Frame.writeHeader(out, 0, 0, VirtioNetAbi.GSO_NONE, 0, 0, 0, 0);
                short c = Checksum.finish(Checksum.sum(out, p4, l4Len, pseudo));
                out.putShort(csumField, !tcp && c == 0 ? (short) -1 : c);
            }
            sink.emit(out, OUT, headers + chunk);
            count++;
            if (payload == 0) break;
        }
        return count;
    }

    /**
     * Completes a {@code NEEDS_CSUM} checksum in place and clears the flag. Returns false when the header's
     * offsets point outside the frame.
     */
    public static boolean completeChecksum(Frame f) {
        f.check();
        int start = f.l2 + f.checksumStart();
        int field = start + f.checksumOffset();
        if (field + 2 > f.end || start >= f.end) return false;
        f.buf.putShort(field, Checksum.finish(Checksum.sum(f.buf, start, f.end - start, 0)));
        int h = f.l2 - Frame.VNET_HEADER;
        f.buf.putByte(h + VirtioNetAbi.HDR_FLAGS, (byte) (f.buf.getByte(h + VirtioNetAbi.HDR_FLAGS) & ~VirtioNetAbi.F_NEEDS_CSUM));
        f.buf.putShort(h + VirtioNetAbi.HDR_CSUM_START, (short) 0);
        f.buf.putShort(h + VirtioNetAbi.HDR_CSUM_OFFSET, (short) 0);
        return true;
    }
}
