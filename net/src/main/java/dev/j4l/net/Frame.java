package dev.j4l.net;

import static dev.j4l.kernel.abi.VirtioNetAbi.F_DATA_VALID;
import static dev.j4l.kernel.abi.VirtioNetAbi.F_NEEDS_CSUM;
import static dev.j4l.kernel.abi.VirtioNetAbi.GSO_ECN;
import static dev.j4l.kernel.abi.VirtioNetAbi.HDR_CSUM_OFFSET;
import static dev.j4l.kernel.abi.VirtioNetAbi.HDR_CSUM_START;
import static dev.j4l.kernel.abi.VirtioNetAbi.HDR_FLAGS;
import static dev.j4l.kernel.abi.VirtioNetAbi.HDR_GSO_SIZE;
import static dev.j4l.kernel.abi.VirtioNetAbi.HDR_GSO_TYPE;
import static dev.j4l.kernel.abi.VirtioNetAbi.HDR_HDR_LEN;

import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.abi.VirtioNetAbi;

/**
 * One received frame (TAP: an Ethernet frame; TUN: an IP packet) in a worker's preallocated buffer, with
 * its virtio-net header ({@link #VNET_HEADER} bytes) right before it.
 *
 * <p>A frame is valid only on its worker's thread and only until the end of its batch (the
 * {@link FrameHandler#endOfBatch} that follows it): then the worker takes its buffer back for the next read,
 * and the frame, its {@link #buffer()} and every view of that buffer throw {@link IllegalStateException} (on
 * another thread, {@link WrongThreadException}) instead of showing another frame. Copy what must outlive it. Frames from ports without a virtio-net header read as plain packets
 * ({@link Offload#NONE}).
 */
public final class Frame {
    /**
     * Size of the {@code struct virtio_net_hdr} this framework speaks: the kernel ABI's (10 bytes), kept here as
     * an alias for drivers, which see {@code dev.j4l.net} only.
     */
    public static final int VNET_HEADER = VirtioNetAbi.HDR_SIZE;
    /** Room before the header so a VLAN tag can be pushed without moving the payload. */
    static final int HEADROOM = 8;
    /** Largest frame: a 64 KiB GSO packet plus Ethernet and VLAN headers. */
    public static final int MAX_FRAME = 65535 + 14 + 8;
    static final int BUFFER_SIZE = HEADROOM + VNET_HEADER + MAX_FRAME;

    static final int ETH_P_IPV4 = 0x0800, ETH_P_IPV6 = 0x86dd, ETH_P_8021Q = 0x8100, ETH_P_8021AD = 0x88a8;

    /** The worker's buffer the frame was read into: framework code reaches it only after {@link #check()}. */
    final NativeBuffer buf;
    int l2;
    int end;
    Port port;
    boolean ethernet;
    /** The batch it was read in (null for a frame made by {@link #of}, which is its maker's for good). */
    private final Batch batch;
    private final long batchNumber;
    /** The view {@link #buffer()} hands out, lent for the batch. */
    private NativeBuffer lent;

    Frame(NativeBuffer buf, Batch batch) {
        this.buf = buf;
        this.batch = batch;
        this.batchNumber = batch == null ? 0 : batch.number();
    }

    /** Throws unless the frame's batch is current and this is its worker's thread. */
    void check() {
        if (batch != null) batch.check(batchNumber);
    }

    /** A frame over {@code bytes} (a full Ethernet frame or IP packet) with header {@code offload}: for tests. */
    public static Frame of(byte[] bytes, boolean ethernet, Offload offload) {
        Frame f = new Frame(NativeBuffer.allocate(BUFFER_SIZE), null);
        f.l2 = HEADROOM + VNET_HEADER;
        f.end = f.l2 + bytes.length;
        f.ethernet = ethernet;
        f.buf.put(f.l2, bytes, 0, bytes.length);
        f.setOffload(offload);
        return f;
    }

    /** The port the frame came in on (null for a frame made by {@link #of}). */
    public Port port() {
        check();
        return port;
    }

    /**
     * The buffer holding the frame, starting at {@link #offset()}: a view that works only on the worker's thread
     * and until the end of the frame's batch, like the frame.
     */
    public NativeBuffer buffer() {
        check();
        if (batch == null) return buf;
        if (lent == null) lent = batch.lend(buf);
        return lent;
    }

    public int offset() {
        check();
        return l2;
    }

    public int length() {
        check();
        return end - l2;
    }

    /** A copy of the frame's bytes (no header). */
    public byte[] toByteArray() {
        check();
        byte[] b = new byte[length()];
        buf.get(l2, b, 0, b.length);
        return b;
    }

    // ---- virtio-net header

    /** Where the frame's virtio-net header starts. */
    private int header() {
        return l2 - VNET_HEADER;
    }

    public int gsoTypeRaw() {
        check();
        return buf.getByte(header() + HDR_GSO_TYPE) & 0xff;
    }

    public GsoType gsoType() {
        return GsoType.of(gsoTypeRaw());
    }

    public int gsoSize() {
        check();
        return buf.getShort(header() + HDR_GSO_SIZE) & 0xffff;
    }

    public boolean needsChecksum() {
        check();
        return (buf.getByte(header() + HDR_FLAGS) & F_NEEDS_CSUM) != 0;
    }

    public int checksumStart() {
        check();
        return buf.getShort(header() + HDR_CSUM_START) & 0xffff;
    }

    public int checksumOffset() {
        check();
        return buf.getShort(header() + HDR_CSUM_OFFSET) & 0xffff;
    }

    /** The header as a record (allocates; the hot path reads the fields directly). */
    public Offload offload() {
        check();
        int flags = buf.getByte(header() + HDR_FLAGS) & 0xff;
        int raw = gsoTypeRaw();
        GsoType t = GsoType.of(raw);
        if (flags == 0 && raw == 0) return Offload.NONE;
        return new Offload(t == null ? GsoType.NONE : t, (raw & GSO_ECN) != 0, gsoSize(), headerLength(),
                (flags & F_NEEDS_CSUM) != 0, (flags & F_DATA_VALID) != 0, checksumStart(), checksumOffset());
    }

    public void setOffload(Offload o) {
        check();
        writeHeader(buf, header(), (o.needsChecksum() ? F_NEEDS_CSUM : 0) | (o.dataValid() ? F_DATA_VALID : 0),
                o.gso().code | (o.ecn() ? GSO_ECN : 0), o.headerLength(), o.gsoSize(), o.checksumStart(),
                o.checksumOffset());
    }

    void clearHeader() {
        writeHeader(buf, header(), 0, 0, 0, 0, 0, 0);
    }

    /** hdr_len: the bytes of headers (Ethernet, IP, L4) before the payload of a super-packet. */
    private int headerLength() {
        return buf.getShort(header() + HDR_HDR_LEN) & 0xffff;
    }

    /** Writes a whole virtio-net header at {@code at} of {@code b} (for frames and for packets built in place). */
    static void writeHeader(NativeBuffer b, int at, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart,
            int csumOffset) {
        b.putByte(at + HDR_FLAGS, (byte) flags);
        b.putByte(at + HDR_GSO_TYPE, (byte) gsoType);
        b.putShort(at + HDR_HDR_LEN, (short) hdrLen);
        b.putShort(at + HDR_GSO_SIZE, (short) gsoSize);
        b.putShort(at + HDR_CSUM_START, (short) csumStart);
        b.putShort(at + HDR_CSUM_OFFSET, (short) csumOffset);
    }

    // ---- Ethernet

    /** True for a TAP frame (Ethernet header first), false for a TUN packet. */
    public boolean isEthernet() {
        check();
        return ethernet;
    }

    /** Destination MAC as a 48-bit number (first byte most significant). */
    public long destinationMac() {
        check();
        return mac(l2);
    }

    public long sourceMac() {
        check();
        return mac(l2 + 6);
    }

    private long mac(int at) {
        long hi = Integer.reverseBytes(buf.getInt(at)) & 0xffffffffL;
        int lo = Short.reverseBytes(buf.getShort(at + 4)) & 0xffff;
        return (hi << 16) | lo;
    }

    /** True for broadcast and multicast destinations (group bit set). */
    public static boolean isGroup(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    /** EtherType at offset 12 (0x8100 for a VLAN-tagged frame). */
    public int etherType() {
        check();
        return Short.reverseBytes(buf.getShort(l2 + 12)) & 0xffff;
    }

    /** The 802.1Q VLAN id, or -1 for an untagged frame. */
    public int vlanId() {
        check();
        if (length() < 18 || etherType() != ETH_P_8021Q) return -1;
        return Short.reverseBytes(buf.getShort(l2 + 14)) & 0x0fff;
    }

    /** Inserts an 802.1Q tag with {@code vid} after the MAC addresses; header offsets follow. */
    public void pushVlan(int vid) {
        check();
        if (l2 - VNET_HEADER < 4) throw new IllegalStateException("no headroom for a VLAN tag");
        buf.copyFrom(l2 - VNET_HEADER - 4, buf, l2 - VNET_HEADER, VNET_HEADER + 12);
        l2 -= 4;
        buf.putShort(l2 + 12, Short.reverseBytes((short) ETH_P_8021Q));
        buf.putShort(l2 + 14, Short.reverseBytes((short) (vid & 0x0fff)));
        shiftHeaderOffsets(4);
    }

    /** Removes the 802.1Q tag of a tagged frame. */
    public void popVlan() {
        check();
        if (vlanId() < 0) throw new IllegalStateException("frame has no VLAN tag");
        buf.copyFrom(l2 - VNET_HEADER + 4, buf, l2 - VNET_HEADER, VNET_HEADER + 12);
        l2 += 4;
        shiftHeaderOffsets(-4);
    }

    private void shiftHeaderOffsets(int by) {
        if (needsChecksum()) buf.putShort(header() + HDR_CSUM_START, (short) (checksumStart() + by));
        int hl = headerLength();
        if (hl != 0) buf.putShort(header() + HDR_HDR_LEN, (short) (hl + by));
    }

    /** Offset of the IP header, or -1 when the frame carries something else. */
    int l3() {
        if (!ethernet) return l2;
        int type = etherType();
        int at = l2 + 14;
        if (type == ETH_P_8021Q || type == ETH_P_8021AD) {
            if (end < at + 4) return -1;
            type = Short.reverseBytes(buf.getShort(at + 2)) & 0xffff;
            at += 4;
        }
        return type == ETH_P_IPV4 || type == ETH_P_IPV6 ? at : -1;
    }

    @Override
    public String toString() {
        if (batch != null && !batch.isCurrent(batchNumber)) return "Frame[of an ended batch]";
        return "Frame[" + length() + " bytes from " + (port == null ? "-" : port.name()) + ", " + offload() + "]";
    }
}
