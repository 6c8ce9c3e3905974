package dev.j4l.block;

/**
 * How a range of a device is stored, as a driver reports it through {@link BlockDriver#extents}. The constants
 * are in order of what a transport may assume, least first: where a transport has to describe a block that is
 * partly one and partly another (it answers in whole blocks), it takes the lesser of the two.
 */
public enum Allocation {
    /** Storage is allocated and holds data (or the driver does not know): always a safe answer. */
    DATA,
    /** Storage is allocated and reads as zeroes (zeroes written with {@code noHole}, say). */
    ZERO,
    /** No storage is allocated and the range reads as zeroes; a write there may need space (and fail with ENOSPC). */
    HOLE;

    /** What a transport may assume of a block that is partly {@code this} and partly {@code other}. */
    public Allocation meet(Allocation other) {
        return compareTo(other) <= 0 ? this : other;
    }

    /** Whether the range reads as zeroes. */
    public boolean readsAsZeroes() {
        return this != DATA;
    }
}
