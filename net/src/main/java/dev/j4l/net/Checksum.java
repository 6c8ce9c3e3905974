package dev.j4l.net;

import dev.j4l.kernel.NativeBuffer;

/**
 * The Internet checksum (RFC 1071) over native memory.
 *
 * <p>Sums are kept in the byte order the buffer reads in (little-endian): the ones-complement sum commutes
 * with swapping the bytes of every word, so reading little-endian and storing the folded result
 * little-endian puts the bytes where the wire wants them. Values that are big-endian numbers on the wire
 * (lengths, protocol numbers) are added with {@link #addWord}.
 */
public final class Checksum {
    private Checksum() {}

    /** Adds the bytes of {@code [offset, offset+length)} to {@code acc}. */
    public static long sum(NativeBuffer b, long offset, int length, long acc) {
        long i = offset;
        long end = offset + length;
        while (end - i >= 8) {
            long v = b.getLong(i);
            acc += (v & 0xffffffffL) + (v >>> 32);
            i += 8;
        }
        if (end - i >= 4) {
            acc += b.getInt(i) & 0xffffffffL;
            i += 4;
        }
        if (end - i >= 2) {
            acc += b.getShort(i) & 0xffff;
            i += 2;
        }
        if (i < end) acc += b.getByte(i) & 0xff;
        return acc;
    }

    /** Adds a 16-bit value that is a big-endian number on the wire (a length, a protocol). */
    public static long addWord(long acc, int bigEndianValue) {
        return acc + (((bigEndianValue & 0xff) << 8) | ((bigEndianValue >>> 8) & 0xff));
    }

    /** Folds a sum to 16 bits (not inverted). */
    public static int fold(long acc) {
        while ((acc >>> 16) != 0) acc = (acc & 0xffff) + (acc >>> 16);
        return (int) acc;
    }

    /** The checksum to store: the inverted fold. */
    public static short finish(long acc) {
        return (short) ~fold(acc);
    }

    /** Sum of the TCP/UDP pseudo-header of the IPv4 header at {@code l3} for {@code l4Length} bytes. */
    public static long pseudoIpv4(NativeBuffer b, int l3, int protocol, int l4Length) {
        long acc = sum(b, l3 + 12, 8, 0);
        acc = addWord(acc, protocol);
        return addWord(acc, l4Length);
    }

    /** Sum of the TCP/UDP pseudo-header of the IPv6 header at {@code l3}. */
    public static long pseudoIpv6(NativeBuffer b, int l3, int protocol, int l4Length) {
        long acc = sum(b, l3 + 8, 32, 0);
        acc = addWord(acc, protocol);
        acc = addWord(acc, l4Length >>> 16);
        return addWord(acc, l4Length & 0xffff);
    }

    /** True when {@code [offset, offset+length)} including its checksum field sums to 0xffff (is valid). */
    public static boolean verifies(NativeBuffer b, int offset, int length, long pseudo) {
        return fold(sum(b, offset, length, pseudo)) == 0xffff;
    }
}
