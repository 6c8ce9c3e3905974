package dev.j4l.fuse;

/**
 * The answer to statx: the ordinary attributes plus what only statx can report.
 *
 * @param mask the {@code STATX_*} bits that are valid ({@link dev.j4l.kernel.Fs#STATX_BASIC_STATS},
 *     {@link dev.j4l.kernel.Fs#STATX_BTIME}, ...)
 * @param btime birth time, nanoseconds since the epoch
 */
public record Statx(Attr attr, int mask, long btime, long attributes, long attributesMask) {}
