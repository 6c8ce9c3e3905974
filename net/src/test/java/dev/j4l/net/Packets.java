package dev.j4l.net;

import java.nio.ByteBuffer;

/**
 * Builds test packets byte by byte and checks them with a reference checksum written independently of
 * {@link Checksum} (big-endian 16-bit words over a byte array, as RFC 1071 states it).
 */
final class Packets {
    private Packets() {}

    static final byte[] DST = {2, 0, 0, 0, 0, 2}, SRC = {2, 0, 0, 0, 0, 1};

    static int refSum(byte[] b, int off, int len, int acc) {
        long s = acc;
        for (int i = 0; i + 1 < len; i += 2) s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        if ((len & 1) != 0) s += (b[off + len - 1] & 0xff) << 8;
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }

    static int pseudo(byte[] p, int l3, boolean v6, int proto, int l4Len) {
        int s = v6 ? refSum(p, l3 + 8, 32, 0) : refSum(p, l3 + 12, 8, 0);
        long t = s + proto + (l4Len & 0xffff) + (l4Len >>> 16);
        while ((t >>> 16) != 0) t = (t & 0xffff) + (t >>> 16);
        return (int) t;
    }

    /** Ethernet (optionally VLAN-tagged) + IPv4/IPv6 + TCP (with 12 option bytes) or UDP + payload. */
    static byte[] build(boolean v6, boolean tcp, int vlan, int payloadLen, int tcpFlags) {
        int l2 = vlan >= 0 ? 18 : 14;
        int l3Len = v6 ? 40 : 20;
        int l4Hdr = tcp ? 32 : 8;
        ByteBuffer b = ByteBuffer.allocate(l2 + l3Len + l4Hdr + payloadLen);
        b.put(DST).put(SRC);
        if (vlan >= 0) b.putShort((short) 0x8100).putShort((short) vlan);
        b.putShort((short) (v6 ? 0x86dd : 0x0800));
        int proto = tcp ? 6 : 17;
        int l4Len = l4Hdr + payloadLen;
        if (v6) {
            b.putInt(0x60000000).putShort((short) l4Len).put((byte) proto).put((byte) 64);
            b.put(new byte[] {(byte) 0xfd, 0, 0, (byte) 0x91, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
            b.put(new byte[] {(byte) 0xfd, 0, 0, (byte) 0x91, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
        } else {
            b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4Len)).putShort((short) 0x1234)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) proto).putShort((short) 0)
                    .put(new byte[] {10, 91, 0, 1}).put(new byte[] {10, 91, 0, 2});
        }
        if (tcp) {
            b.putShort((short) 40000).putShort((short) 5201).putInt(0xfffff000).putInt(0x55)
                    .put((byte) (8 << 4)).put((byte) tcpFlags).putShort((short) 500).putShort((short) 0)
                    .putShort((short) 0);
            b.put(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}); // NOP NOP timestamps
        } else {
            b.putShort((short) 5000).putShort((short) 5201).putShort((short) l4Len).putShort((short) 0);
        }
        for (int i = 0; i < payloadLen; i++) b.put((byte) (i * 7 + 3));
        return b.array();
    }
}
