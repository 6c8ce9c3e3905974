package dev.j4l.fuse;

/**
 * The answer to statx: the ordinary attributes plus what only statx can report.
 *
 * @param mask the {@code STATX_*} bits that are valid
 * @param btime birth time, nanoseconds since the epoch
 */
public record Statx(Attr attr, int mask, long btime, long attributes, long attributesMask) {
    public static final int STATX_BASIC_STATS = 0x7ff;
    public static final int STATX_BTIME = 0x800;
}
