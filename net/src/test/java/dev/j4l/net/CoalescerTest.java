package dev.j4l.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GRO round trips: segments cut by {@link Segmenter} are merged back into the super-packet they came from. */
class CoalescerTest {
    record Out(byte[] header, byte[] packet) {}

    private static List<byte[]> cut(byte[] superPacket, GsoType t, int mss, int csumStart) {
        List<byte[]> segs = new ArrayList<>();
        Frame f = Frame.of(superPacket, true, new Offload(t, false, mss, 0, true, false, csumStart, 16));
        new Segmenter().segment(f, false, (buf, off, len) -> {
            byte[] p = new byte[len];
            buf.get(off, p, 0, len);
            segs.add(p);
        });
        return segs;
    }

    private static List<Out> merge(List<byte[]> segs, List<Boolean> taken) {
        List<Out> out = new ArrayList<>();
        Coalescer c = new Coalescer((buf, off, len) -> {
            byte[] h = new byte[10], p = new byte[len];
            buf.get(off - 10, h, 0, 10);
            buf.get(off, p, 0, len);
            out.add(new Out(h, p));
        });
        for (byte[] s : segs) taken.add(c.offer(Frame.of(s, true, Offload.NONE)));
        c.flush();
        return out;
    }

    private static void assertRoundTrip(boolean v6) {
        int payload = 5000, mss = 1448, l3 = 14, l4 = v6 ? 54 : 34;
        byte[] original = Packets.build(v6, true, -1, payload, 0x10);
        List<byte[]> segs = cut(original, v6 ? GsoType.TCPV6 : GsoType.TCPV4, mss, l4);
        assertEquals(4, segs.size());
        List<Boolean> taken = new ArrayList<>();
        List<Out> out = merge(segs, taken);
        assertEquals(List.of(true, true, true, true), taken);
        assertEquals(1, out.size(), "one super-packet");
        ByteBuffer h = ByteBuffer.wrap(out.getFirst().header()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, h.get(0), "NEEDS_CSUM");
        assertEquals(v6 ? 4 : 1, h.get(1), "gso_type");
        assertEquals(mss, h.getShort(4), "gso_size");
        assertEquals(l4, h.getShort(6), "csum_start");
        assertEquals(16, h.getShort(8), "csum_offset");
        byte[] merged = out.getFirst().packet();
        assertEquals(original.length, merged.length);
        Frame m = Frame.of(merged, true, new Offload(GsoType.NONE, false, 0, 0, true, false, l4, 16));
        assertTrue(Segmenter.completeChecksum(m));
        byte[] done = m.toByteArray();
        int l4Len = done.length - l4;
        assertEquals(0xffff, Packets.refSum(done, l4, l4Len, Packets.pseudo(done, l3, v6, 6, l4Len)), "TCP checksum");
        if (!v6) assertEquals(0xffff, Packets.refSum(done, l3, 20, 0), "IPv4 header checksum");
        byte[] expected = original.clone(), actual = done.clone();
        // The original's checksum fields were never filled in; compare everything else.
        for (byte[] a : new byte[][] {expected, actual}) {
            a[l4 + 16] = a[l4 + 17] = 0;
            if (!v6) a[l3 + 10] = a[l3 + 11] = 0;
        }
        assertArrayEquals(expected, actual);
    }

    @Test
    void tcpv4SegmentsMergeBackIntoTheSuperPacket() {
        assertRoundTrip(false);
    }

    @Test
    void tcpv6SegmentsMergeBackIntoTheSuperPacket() {
        assertRoundTrip(true);
    }

    @Test
    void aCorruptSegmentIsNeverMerged() {
        byte[] original = Packets.build(false, true, -1, 4000, 0x10);
        List<byte[]> segs = cut(original, GsoType.TCPV4, 1000, 34);
        segs.get(2)[100] ^= 1;
        List<Boolean> taken = new ArrayList<>();
        List<Out> out = merge(segs, taken);
        assertEquals(List.of(true, true, false, true), taken, "the corrupt one is handed back to the caller");
        assertEquals(2, out.size(), "segments before it flushed as one, the one after it alone");
        assertEquals(1, out.get(0).header()[1], "first two merged");
        assertEquals(0, out.get(1).header()[1], "a lone segment leaves unchanged");
    }

    @Test
    void aGapInSequenceStartsANewSuperPacket() {
        byte[] original = Packets.build(false, true, -1, 6000, 0x10);
        List<byte[]> segs = cut(original, GsoType.TCPV4, 1000, 34);
        segs.remove(3);
        List<Boolean> taken = new ArrayList<>();
        List<Out> out = merge(segs, taken);
        assertFalse(taken.contains(false));
        assertEquals(2, out.size());
        assertEquals(34 + 32 + 3000, out.get(0).packet().length);
        assertEquals(34 + 32 + 2000, out.get(1).packet().length);
    }
}
