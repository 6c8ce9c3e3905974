package dev.j4l.fuse;

import dev.j4l.kernel.FileStat;

/**
 * {@code st_mode} file type bits and their directory-entry types ({@code DT_*}), for drivers building
 * {@link Attr}s. The bits are the kernel module's ({@link FileStat}), named again here so a driver finds them
 * beside the operations on them.
 */
public final class FileMode {
    private FileMode() {}

    public static final int S_IFMT = FileStat.S_IFMT;
    public static final int S_IFSOCK = FileStat.S_IFSOCK;
    public static final int S_IFLNK = FileStat.S_IFLNK;
    public static final int S_IFREG = FileStat.S_IFREG;
    public static final int S_IFBLK = FileStat.S_IFBLK;
    public static final int S_IFDIR = FileStat.S_IFDIR;
    public static final int S_IFCHR = FileStat.S_IFCHR;
    public static final int S_IFIFO = FileStat.S_IFIFO;
    public static final int S_ISUID = FileStat.S_ISUID;
    public static final int S_ISGID = FileStat.S_ISGID;
    public static final int S_ISVTX = FileStat.S_ISVTX;

    public static boolean isDirectory(int mode) {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public static boolean isRegular(int mode) {
        return (mode & S_IFMT) == S_IFREG;
    }

    public static boolean isSymlink(int mode) {
        return (mode & S_IFMT) == S_IFLNK;
    }

    /** The {@code DT_*} value a directory entry carries for this mode. */
    public static int direntType(int mode) {
        return (mode & S_IFMT) >>> 12;
    }
}
