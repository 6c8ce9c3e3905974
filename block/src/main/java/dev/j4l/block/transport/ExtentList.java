package dev.j4l.block.transport;

import dev.j4l.block.Allocation;
import java.util.Objects;

/**
 * The extents a driver reported for one range, as a transport can send them: in whole blocks (a block two
 * reported extents share gets the lesser allocation), neighbours with the same allocation merged, at most a
 * given number. A request slot owns one and reuses it from request to request, so answering allocates nothing.
 * Filled through {@link LentExtents} by {@link DriverCall#extents}; not thread-safe.
 */
public final class ExtentList {
    private static final Allocation[] KINDS = Allocation.values();

    private final long[] lengths;
    private final byte[] kinds;
    private int count;
    private int max;
    private long rangeLength;
    private int blockSize;
    /** Bytes reported so far, from the range's start. */
    private long reported;
    /** Bytes in whole blocks so far: the extents in the list end here. */
    private long aligned;
    /** The lesser allocation of the reports inside the block at {@link #aligned}, while one is partly reported. */
    private Allocation partial;
    private boolean full;

    /** A list holding at most {@code capacity} extents. */
    public ExtentList(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        lengths = new long[capacity];
        kinds = new byte[capacity];
    }

    /** Starts a new range of {@code length} bytes (a multiple of {@code blockSize}), keeping at most {@code max} extents. */
    public void reset(long length, int blockSize, int max) {
        if (length <= 0 || blockSize <= 0 || length % blockSize != 0) {
            throw new IllegalArgumentException("range of " + length + " bytes in blocks of " + blockSize);
        }
        this.max = Objects.checkIndex(max - 1, lengths.length) + 1;
        this.rangeLength = length;
        this.blockSize = blockSize;
        count = 0;
        reported = 0;
        aligned = 0;
        partial = null;
        full = false;
    }

    /** Makes the list one {@link Allocation#DATA} extent over a whole range: what is true of any range. */
    public void allData(long length, int blockSize) {
        reset(length, blockSize, 1);
        finish(true);
    }

    /** Takes the driver's next extent; returns whether more are wanted. */
    boolean add(long length, Allocation allocation) {
        if (length <= 0) throw new IllegalArgumentException("extent of " + length + " bytes");
        Objects.requireNonNull(allocation, "allocation");
        if (full) return false;
        long end = reported + Math.min(length, rangeLength - reported);
        reported = end;
        if (partial != null) {
            // The block at `aligned` began in an earlier extent: it is the lesser of both.
            partial = partial.meet(allocation);
            if (end < aligned + blockSize) return true;
            if (!append(blockSize, partial)) return false;
            partial = null;
        }
        long whole = (end - aligned) / blockSize * blockSize;
        if (whole > 0 && !append(whole, allocation)) return false;
        if (end > aligned) partial = allocation;
        if (reported == rangeLength) full = true;
        return !full;
    }

    /** Appends whole blocks, merged into the last extent when alike; false (and full) when the list has no room. */
    private boolean append(long length, Allocation allocation) {
        if (count > 0 && kinds[count - 1] == allocation.ordinal()) {
            lengths[count - 1] += length;
        } else if (count < max) {
            lengths[count] = length;
            kinds[count] = (byte) allocation.ordinal();
            count++;
        } else {
            full = true;
            return false;
        }
        aligned += length;
        return true;
    }

    /**
     * Ends the driver's report. A block left partly reported is dropped (nothing is known of its rest); if
     * nothing is left, or {@code coverAll} asks for the whole range, what the driver did not describe is added
     * as {@link Allocation#DATA} (always true), in the last extent or one more beyond {@code max}.
     */
    void finish(boolean coverAll) {
        partial = null;
        full = true;
        if (count == 0 || (coverAll && aligned < rangeLength)) {
            long rest = rangeLength - aligned;
            if (count > 0 && kinds[count - 1] == Allocation.DATA.ordinal()) {
                lengths[count - 1] += rest;
            } else if (count < lengths.length) {
                lengths[count] = rest;
                kinds[count] = (byte) Allocation.DATA.ordinal();
                count++;
            } else {
                // No room even past max: the last extent becomes data, which is true of anything.
                lengths[count - 1] += rest;
                kinds[count - 1] = (byte) Allocation.DATA.ordinal();
            }
            aligned = rangeLength;
        }
    }

    /** Extents in the list. */
    public int count() {
        return count;
    }

    /** Bytes of extent {@code i}: a multiple of the block size. */
    public long length(int i) {
        return lengths[Objects.checkIndex(i, count)];
    }

    public Allocation allocation(int i) {
        return KINDS[kinds[Objects.checkIndex(i, count)]];
    }

    /** Bytes the extents cover, from the range's start. */
    public long covered() {
        return aligned;
    }
}
