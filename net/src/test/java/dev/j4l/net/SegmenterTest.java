package dev.j4l.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmenterTest {
    record Seg(byte[] header, byte[] packet) {}

    private static List<Seg> segment(Frame f, boolean partial) {
        List<Seg> out = new ArrayList<>();
        int n = new Segmenter().segment(f, partial, (buf, off, len) -> {
            byte[] h = new byte[10], p = new byte[len];
            buf.get(off - 10, h, 0, 10);
            buf.get(off, p, 0, len);
            out.add(new Seg(h, p));
        });
        assertEquals(n, out.size());
        return out;
    }

    private static Offload gso(GsoType t, int mss, int csumStart, int csumOffset) {
        return new Offload(t, false, mss, 0, true, false, csumStart, csumOffset);
    }

    @Test
    void tcpv4SuperPacketBecomesValidSegments() {
        int payload = 3000, mss = 1448;
        byte[] p = Packets.build(false, true, -1, payload, 0x18 | 0x01 | 0x80); // PSH ACK FIN CWR
        Frame f = Frame.of(p, true, gso(GsoType.TCPV4, mss, 34, 16));
        List<Seg> segs = segment(f, false);
        assertEquals(3, segs.size());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            byte[] s = segs.get(i).packet();
            ByteBuffer b = ByteBuffer.wrap(s);
            int chunk = i < 2 ? mss : payload - 2 * mss;
            assertEquals(14 + 20 + 32 + chunk, s.length);
            assertEquals(20 + 32 + chunk, b.getShort(16) & 0xffff, "IPv4 total length");
            assertEquals(0x1234 + i, b.getShort(18) & 0xffff, "IPv4 id increments");
            assertEquals(0xffff, Packets.refSum(s, 14, 20, 0), "IPv4 header checksum");
            assertEquals(0xfffff000 + i * mss, b.getInt(14 + 20 + 4), "sequence number");
            int flags = s[14 + 20 + 13] & 0xff;
            assertEquals(i == 2, (flags & 0x01) != 0, "FIN only on the last segment");
            assertEquals(i == 2, (flags & 0x08) != 0, "PSH only on the last segment");
            assertEquals(i == 0, (flags & 0x80) != 0, "CWR only on the first segment");
            assertTrue((flags & 0x10) != 0, "ACK on every segment");
            int l4Len = 32 + chunk;
            assertEquals(0xffff, Packets.refSum(s, 34, l4Len, Packets.pseudo(s, 14, false, 6, l4Len)), "TCP checksum");
            assertArrayEquals(new byte[10], segs.get(i).header(), "plain packets carry an empty header");
            joined.write(s, 66, chunk);
        }
        byte[] expected = new byte[payload];
        System.arraycopy(p, 66, expected, 0, payload);
        assertArrayEquals(expected, joined.toByteArray(), "payload survives in order");
    }

    @Test
    void tcpv6WithPartialChecksumsLeavesThemToTheKernelCorrectly() {
        int payload = 4000, mss = 1400;
        byte[] p = Packets.build(true, true, -1, payload, 0x10);
        Frame f = Frame.of(p, true, gso(GsoType.TCPV6, mss, 54, 16));
        List<Seg> segs = segment(f, true);
        assertEquals(3, segs.size());
        for (int i = 0; i < 3; i++) {
            byte[] s = segs.get(i).packet();
            ByteBuffer h = ByteBuffer.wrap(segs.get(i).header()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int chunk = Math.min(mss, payload - i * mss);
            int l4Len = 32 + chunk;
            assertEquals(l4Len, ByteBuffer.wrap(s).getShort(18) & 0xffff, "IPv6 payload length");
            assertEquals(1, h.get(0), "NEEDS_CSUM");
            assertEquals(0, h.get(1), "no GSO");
            assertEquals(54, h.getShort(6), "csum_start at the TCP header");
            assertEquals(16, h.getShort(8), "csum_offset of the TCP checksum");
            // The field holds the pseudo-header sum; completing it must give a valid checksum.
            Frame seg = Frame.of(s, true, new Offload(GsoType.NONE, false, 0, 0, true, false, 54, 16));
            assertTrue(Segmenter.completeChecksum(seg));
            byte[] done = seg.toByteArray();
            assertEquals(0xffff, Packets.refSum(done, 54, l4Len, Packets.pseudo(done, 14, true, 6, l4Len)));
            assertFalse(seg.needsChecksum(), "completion clears NEEDS_CSUM");
        }
    }

    @Test
    void udpL4SuperPacketBecomesDatagrams() {
        int payload = 2500, size = 1000;
        byte[] p = Packets.build(false, false, -1, payload, 0);
        Frame f = Frame.of(p, true, gso(GsoType.UDP_L4, size, 34, 6));
        List<Seg> segs = segment(f, false);
        assertEquals(3, segs.size());
        for (int i = 0; i < 3; i++) {
            byte[] s = segs.get(i).packet();
            int chunk = Math.min(size, payload - i * size);
            ByteBuffer b = ByteBuffer.wrap(s);
            assertEquals(8 + chunk, b.getShort(38) & 0xffff, "UDP length");
            assertEquals(0x1234 + i, b.getShort(18) & 0xffff);
            assertEquals(0xffff, Packets.refSum(s, 14, 20, 0));
            assertEquals(0xffff, Packets.refSum(s, 34, 8 + chunk, Packets.pseudo(s, 14, false, 17, 8 + chunk)));
        }
    }

    @Test
    void vlanTaggedSuperPacketsAreCutBehindTheTag() {
        byte[] p = Packets.build(false, true, 42, 2000, 0x10);
        Frame f = Frame.of(p, true, gso(GsoType.TCPV4, 1000, 38, 16));
        List<Seg> segs = segment(f, false);
        assertEquals(2, segs.size());
        for (Seg seg : segs) {
            byte[] s = seg.packet();
            assertEquals(0x8100, ByteBuffer.wrap(s).getShort(12) & 0xffff);
            assertEquals(0xffff, Packets.refSum(s, 18, 20, 0));
            int l4Len = s.length - 38;
            assertEquals(0xffff, Packets.refSum(s, 38, l4Len, Packets.pseudo(s, 18, false, 6, l4Len)));
        }
    }

    @Test
    void checksumCompletionOfAPlainPacket() {
        byte[] p = Packets.build(false, false, -1, 333, 0);
        // What the kernel hands over with NEEDS_CSUM: the pseudo-header sum in the checksum field.
        int pseudo = Packets.pseudo(p, 14, false, 17, 8 + 333);
        p[40] = (byte) (pseudo >>> 8);
        p[41] = (byte) pseudo;
        Frame f = Frame.of(p, true, new Offload(GsoType.NONE, false, 0, 0, true, false, 34, 6));
        assertTrue(Segmenter.completeChecksum(f));
        byte[] done = f.toByteArray();
        assertEquals(0xffff, Packets.refSum(done, 34, 341, Packets.pseudo(done, 14, false, 17, 341)));
        Frame bad = Frame.of(p, true, new Offload(GsoType.NONE, false, 0, 0, true, false, 34, 5000));
        assertFalse(Segmenter.completeChecksum(bad), "offsets outside the frame are refused");
    }

    @Test
    void refusesWhatItCannotCut() {
        byte[] p = Packets.build(true, true, -1, 3000, 0x10);
        assertEquals(-1, new Segmenter().segment(Frame.of(p, true, gso(GsoType.TCPV6, 0, 54, 16)), false, (b, o, l) -> { }),
                "gso_size 0");
        p[20] = 0; // IPv6 next header: hop-by-hop options
        assertEquals(-1, new Segmenter().segment(Frame.of(p, true, gso(GsoType.TCPV6, 1000, 54, 16)), false, (b, o, l) -> { }),
                "extension headers");
        byte[] u = Packets.build(false, false, -1, 3000, 0);
        assertEquals(-1, new Segmenter().segment(Frame.of(u, true, gso(GsoType.TCPV4, 1000, 34, 16)), false, (b, o, l) -> { }),
                "TCP GSO over a UDP packet");
    }

    @Test
    void vlanPushAndPopKeepHeaderOffsetsRight() {
        byte[] p = Packets.build(false, true, -1, 100, 0x10);
        Frame f = Frame.of(p, true, gso(GsoType.NONE, 0, 34, 16));
        f.pushVlan(7);
        assertEquals(7, f.vlanId());
        assertEquals(38, f.checksumStart());
        assertEquals(p.length + 4, f.length());
        assertEquals(Packets.DST[5], f.toByteArray()[5]);
        f.popVlan();
        assertEquals(-1, f.vlanId());
        assertEquals(34, f.checksumStart());
        assertArrayEquals(p, f.toByteArray());
        assertEquals(0x020000000002L, f.destinationMac());
        assertEquals(0x020000000001L, f.sourceMac());
    }
}
