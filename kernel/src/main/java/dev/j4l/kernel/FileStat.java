package dev.j4l.kernel;

/**
 * A file's metadata as {@code statx(2)} reports it. Device numbers are in glibc's {@code dev_t} encoding (what
 * {@code mknod(2)} takes); {@link #rdevMajor()}/{@link #rdevMinor()} split them. {@code blocks} counts 512-byte
 * units. {@code mask} says which fields the filesystem filled ({@code STATX_*}; birth time is often missing).
 */
public record FileStat(
        long dev,
        long ino,
        int mode,
        long nlink,
        int uid,
        int gid,
        long rdev,
        long size,
        int blksize,
        long blocks,
        long atimeSec, int atimeNsec,
        long mtimeSec, int mtimeNsec,
        long ctimeSec, int ctimeNsec,
        long btimeSec, int btimeNsec,
        int mask,
        long mountId) {

    // st_mode: the file type (S_IFMT) and the set-id and sticky bits; the one definition in j4l.
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;
    public static final int S_ISUID = 04000;
    public static final int S_ISGID = 02000;
    public static final int S_ISVTX = 01000;

    public int type() {
        return mode & S_IFMT;
    }

    /** Permission and set-id bits ({@code 07777}). */
    public int permissions() {
        return mode & 07777;
    }

    public boolean isDirectory() {
        return type() == S_IFDIR;
    }

    public boolean isRegularFile() {
        return type() == S_IFREG;
    }

    public boolean isSymbolicLink() {
        return type() == S_IFLNK;
    }

    public int rdevMajor() {
        return Fs.major(rdev);
    }

    public int rdevMinor() {
        return Fs.minor(rdev);
    }
}
