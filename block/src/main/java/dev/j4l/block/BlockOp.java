package dev.j4l.block;

/** The operations a transport forwards to a {@link BlockDriver} (and an {@link AsyncBlockDriver} is submitted), named as logs name them. */
public enum BlockOp {
    READ("read"),
    WRITE("write"),
    FLUSH("flush"),
    DISCARD("discard"),
    WRITE_ZEROES("write-zeroes"),
    /** {@link BlockDriver#extents}: how a range is stored. */
    EXTENTS("extents");

    private final String label;

    BlockOp(String label) {
        this.label = label;
    }

    /** Whether the operation addresses a range of the device (all but flush). */
    public boolean ranged() {
        return this != FLUSH;
    }

    /** Whether the operation changes the device (refused on a read-only one). */
    public boolean modifies() {
        return this != READ && this != FLUSH && this != EXTENTS;
    }

    @Override
    public String toString() {
        return label;
    }
}
