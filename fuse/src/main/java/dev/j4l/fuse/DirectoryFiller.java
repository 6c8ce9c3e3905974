package dev.j4l.fuse;

/**
 * Packs directory entries into a readdir reply. Each {@code add} returns false when the entry did not fit;
 * the driver then stops, and the kernel asks again from that entry's offset.
 *
 * <p>{@code nextOffset} is the cookie the kernel passes back to continue after the entry: non-zero and
 * stable for the open directory (0 means "from the start"). Names must be non-empty, at most 1024 bytes (as
 * {@link dev.j4l.kernel.FileNames} encodes them) and free of '/' and NUL.
 */
public interface DirectoryFiller<N> {
    /**
     * True for READDIRPLUS, where entries carry full attributes and instantiate nodes in the kernel (the
     * framework counts these lookups). Drivers may ignore it: both {@code add} forms work in both modes.
     */
    boolean plus();

    /** An entry without attributes; in plus mode it is listed but not instantiated. */
    boolean add(String name, long ino, int mode, long nextOffset);

    /**
     * The current entry of {@code dir} as the kernel listed it — inode, type, offset and name bytes copied
     * unchanged, no String made — without attributes (in plus mode listed but not instantiated). The fast path
     * for a driver mirroring a real directory: its offsets are the source directory's own.
     */
    boolean add(dev.j4l.kernel.DirectoryReader dir) throws dev.j4l.kernel.KernelException;

    /** An entry with its node and attributes. */
    boolean add(String name, Entry<N> entry, long nextOffset);
}
