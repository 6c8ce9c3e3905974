package dev.j4l.fuse.path;

/**
 * Collects a directory's entries for {@link PathFilesystem#readdir}. The framework takes the whole listing
 * in one call and pages it to the kernel itself, so offsets never concern the driver.
 *
 * <p>Lent for the readdir call: usable on the call's thread until it returns; then every use throws
 * {@link IllegalStateException} (or {@link WrongThreadException} from another thread).
 */
public interface PathFiller {
    /**
     * Adds an entry whose type is unknown until it is looked up ({@code DT_UNKNOWN}).
     *
     * @throws IllegalArgumentException for an empty name or one holding '/' or NUL or longer than 1024 bytes;
     *     {@code .} and {@code ..} are skipped (the framework lists them)
     */
    default void add(String name) {
        add(name, 0);
    }

    /** Adds an entry of the type in {@code mode} ({@code S_IFDIR}, ... of {@link dev.j4l.fuse.FileMode}; 0 = unknown). */
    void add(String name, int mode);
}
