package dev.j4l.fuse;

/** Filesystem statistics for {@code statfs(2)} ({@code struct fuse_kstatfs}). */
public record StatFs(long blocks, long bfree, long bavail, long files, long ffree, int bsize, int namelen,
        int frsize) {
    /** What an empty filesystem reports by default: nothing used, nothing free, 255-byte names. */
    public static final StatFs EMPTY = new StatFs(0, 0, 0, 0, 0, 512, 255, 512);
}
