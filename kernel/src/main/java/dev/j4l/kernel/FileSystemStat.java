package dev.j4l.kernel;

/**
 * A filesystem's capacity as {@code statfs(2)} reports it. Block counts are in units of {@code frsize}
 * (fragment size), which on Linux equals {@code bsize} for almost every filesystem.
 */
public record FileSystemStat(
        long type,
        long bsize,
        long blocks,
        long bfree,
        long bavail,
        long files,
        long ffree,
        long fsid,
        long namelen,
        long frsize,
        long flags) {

    /** {@code f_type} magic numbers worth recognising. */
    public static final long TMPFS_MAGIC = 0x01021994L;
    public static final long FUSE_SUPER_MAGIC = 0x65735546L;
    public static final long EXT4_SUPER_MAGIC = 0xEF53L;
    public static final long PROC_SUPER_MAGIC = 0x9fa0L;
}
