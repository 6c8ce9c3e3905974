package dev.j4l.fuse;

/**
 * The answer to open, opendir and create ({@code struct fuse_open_out}).
 *
 * <p>{@code handle} is the driver's own object for this open file; the framework hands the same object back
 * on every read, write, flush and release of it, and forgets it after release. A {@link BackingId} makes the
 * open a passthrough open: the kernel then serves reads and writes from the backing file directly, and the
 * framework closes the id at release.
 *
 * @param flags {@code FOPEN_*} bits below
 */
public record Opened<H>(H handle, int flags, BackingId backing) {
    public static final int DIRECT_IO = 1;
    public static final int KEEP_CACHE = 1 << 1;
    public static final int NONSEEKABLE = 1 << 2;
    public static final int CACHE_DIR = 1 << 3;
    public static final int STREAM = 1 << 4;
    public static final int NOFLUSH = 1 << 5;
    public static final int PARALLEL_DIRECT_WRITES = 1 << 6;
    /** Set by the framework when {@code backing} is present; drivers do not set it. */
    public static final int PASSTHROUGH = 1 << 7;

    private static final Opened<?> NONE = new Opened<>(null, 0, null);

    /** Success without a handle. */
    @SuppressWarnings("unchecked")
    public static <H> Opened<H> none() {
        return (Opened<H>) NONE;
    }

    public static <H> Opened<H> of(H handle) {
        return new Opened<>(handle, 0, null);
    }

    public static <H> Opened<H> of(H handle, int flags) {
        return new Opened<>(handle, flags, null);
    }

    /** A passthrough open; see {@link FuseConnection#openBacking}. */
    public static <H> Opened<H> passthrough(H handle, BackingId backing) {
        return new Opened<>(handle, 0, backing);
    }

    public Opened<H> withFlags(int moreFlags) {
        return new Opened<>(handle, flags | moreFlags, backing);
    }
}
