package dev.j4l.net;

/**
 * A frame's virtio-net header as typed values: what the kernel says about segmentation and checksums.
 *
 * @param gso            segmentation kind; {@link GsoType#NONE} for an ordinary packet
 * @param ecn            the ECN bit of gso_type (CWR goes on the first segment only)
 * @param gsoSize        payload bytes per segment (the MSS for TCP)
 * @param headerLength   bytes of headers before the payload, as the sender computed them (a hint)
 * @param needsChecksum  {@code NEEDS_CSUM}: the L4 checksum holds only the pseudo-header sum and must be
 *                       completed over {@code [checksumStart, end)} and stored at {@code checksumStart +
 *                       checksumOffset}
 * @param dataValid      {@code DATA_VALID}: the kernel already verified the checksum
 * @param checksumStart  offset from the frame's first byte where checksumming starts
 * @param checksumOffset offset of the checksum field from {@code checksumStart}
 */
public record Offload(GsoType gso, boolean ecn, int gsoSize, int headerLength, boolean needsChecksum,
        boolean dataValid, int checksumStart, int checksumOffset) {
    /** A plain packet: nothing to segment, checksum complete. */
    public static final Offload NONE = new Offload(GsoType.NONE, false, 0, 0, false, false, 0, 0);
}
