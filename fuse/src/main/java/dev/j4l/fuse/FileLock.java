package dev.j4l.fuse;

/**
 * A POSIX record lock ({@code struct fuse_file_lock}): byte range {@code [start, end]} (end inclusive,
 * {@link #TO_END} for "to end of file"), type, and the pid of the owner.
 */
public record FileLock(long start, long end, int type, int pid) {
    public static final int F_RDLCK = 0;
    public static final int F_WRLCK = 1;
    public static final int F_UNLCK = 2;
    public static final long TO_END = Long.MAX_VALUE;

    /** The answer to getlk when nothing conflicts. */
    public static FileLock unlocked(FileLock asked) {
        return new FileLock(asked.start, asked.end, F_UNLCK, 0);
    }
}
