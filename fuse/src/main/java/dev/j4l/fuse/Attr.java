package dev.j4l.fuse;

/**
 * The attributes of an inode as the kernel caches them ({@code struct fuse_attr}).
 *
 * <p>Times are nanoseconds since the epoch. {@code ino} is what {@code stat} reports; 0 means "use the node id
 * the framework assigned". Attributes are immutable: a driver can keep the current {@code Attr} of each node
 * and return it from {@code getattr} without allocating, replacing it when something changes.
 *
 * @param mode file type and permission bits, as in {@code st_mode} ({@link FileMode})
 * @param rdev device number for character and block devices ({@code makedev} encoding)
 */
public record Attr(long ino, long size, long blocks, long atime, long mtime, long ctime, int mode, int nlink,
        int uid, int gid, int rdev, int blksize) {

    public boolean isDirectory() {
        return FileMode.isDirectory(mode);
    }

    public boolean isRegularFile() {
        return FileMode.isRegular(mode);
    }

    public boolean isSymlink() {
        return FileMode.isSymlink(mode);
    }

    public Attr withSize(long newSize) {
        return toBuilder().size(newSize).blocks((newSize + 511) / 512).build();
    }

    public Attr withNlink(int n) {
        return toBuilder().nlink(n).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A file of the given mode owned by {@code uid:gid} with all three times set to {@code nowNanos}. */
    public static Attr of(int mode, int uid, int gid, long nowNanos) {
        return builder().mode(mode).uid(uid).gid(gid).nlink(FileMode.isDirectory(mode) ? 2 : 1)
                .atime(nowNanos).mtime(nowNanos).ctime(nowNanos).build();
    }

    /** Mutable builder; unset fields are 0 except {@code nlink} (1) and {@code blksize} (4096). */
    public static final class Builder {
        private long ino, size, blocks, atime, mtime, ctime;
        private int mode, nlink = 1, uid, gid, rdev, blksize = 4096;

        Builder() {}

        Builder(Attr a) {
            ino = a.ino; size = a.size; blocks = a.blocks; atime = a.atime; mtime = a.mtime; ctime = a.ctime;
            mode = a.mode; nlink = a.nlink; uid = a.uid; gid = a.gid; rdev = a.rdev; blksize = a.blksize;
        }

        public Builder ino(long v) { ino = v; return this; }
        public Builder size(long v) { size = v; return this; }
        public Builder blocks(long v) { blocks = v; return this; }
        public Builder atime(long epochNanos) { atime = epochNanos; return this; }
        public Builder mtime(long epochNanos) { mtime = epochNanos; return this; }
        public Builder ctime(long epochNanos) { ctime = epochNanos; return this; }
        public Builder mode(int v) { mode = v; return this; }
        public Builder nlink(int v) { nlink = v; return this; }
        public Builder uid(int v) { uid = v; return this; }
        public Builder gid(int v) { gid = v; return this; }
        public Builder rdev(int v) { rdev = v; return this; }
        public Builder blksize(int v) { blksize = v; return this; }

        public Attr build() {
            return new Attr(ino, size, blocks, atime, mtime, ctime, mode, nlink, uid, gid, rdev, blksize);
        }
    }
}
