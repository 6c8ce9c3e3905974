package dev.j4l.fuse.protocol;

/**
 * Every request opcode of FUSE ABI 7.45 ({@code enum fuse_opcode}), with what the framework needs to know
 * about it: the number, whether the kernel expects a reply at all, whether a successful reply instantiates a
 * node (adds to its lookup count), and what an ENOSYS answer means to the kernel. This is the one opcode
 * table; unknown numbers decode to null and are answered with ENOSYS.
 */
public enum FuseOpcode {
    LOOKUP(1, Reply.ENTRY, "error to the caller"),
    FORGET(2, Reply.NONE, "-"),
    GETATTR(3, Reply.ATTR, "error to the caller"),
    SETATTR(4, Reply.ATTR, "error to the caller"),
    READLINK(5, Reply.DATA, "error to the caller"),
    SYMLINK(6, Reply.ENTRY, "error to the caller"),
    MKNOD(8, Reply.ENTRY, "error to the caller"),
    MKDIR(9, Reply.ENTRY, "error to the caller"),
    UNLINK(10, Reply.EMPTY, "error to the caller"),
    RMDIR(11, Reply.EMPTY, "error to the caller"),
    RENAME(12, Reply.EMPTY, "error to the caller"),
    LINK(13, Reply.ENTRY, "error to the caller"),
    OPEN(14, Reply.OPEN, "error (or 'no open needed' with NO_OPEN_SUPPORT)"),
    READ(15, Reply.DATA, "error to the caller"),
    WRITE(16, Reply.FIXED, "error to the caller"),
    STATFS(17, Reply.FIXED, "error to the caller"),
    RELEASE(18, Reply.EMPTY, "ignored"),
    FSYNC(20, Reply.EMPTY, "success, never sent again"),
    SETXATTR(21, Reply.EMPTY, "EOPNOTSUPP from then on"),
    GETXATTR(22, Reply.DATA, "EOPNOTSUPP from then on"),
    LISTXATTR(23, Reply.DATA, "EOPNOTSUPP from then on"),
    REMOVEXATTR(24, Reply.EMPTY, "EOPNOTSUPP from then on"),
    FLUSH(25, Reply.EMPTY, "success, never sent again"),
    INIT(26, Reply.FIXED, "connection fails"),
    OPENDIR(27, Reply.OPEN, "error (or 'no opendir needed' with NO_OPENDIR_SUPPORT)"),
    READDIR(28, Reply.DATA, "error to the caller"),
    RELEASEDIR(29, Reply.EMPTY, "ignored"),
    FSYNCDIR(30, Reply.EMPTY, "success, never sent again"),
    GETLK(31, Reply.FIXED, "only sent with POSIX_LOCKS negotiated"),
    SETLK(32, Reply.EMPTY, "only sent with POSIX_LOCKS/FLOCK_LOCKS negotiated"),
    SETLKW(33, Reply.EMPTY, "only sent with POSIX_LOCKS/FLOCK_LOCKS negotiated"),
    ACCESS(34, Reply.EMPTY, "success from then on"),
    CREATE(35, Reply.CREATED, "kernel uses MKNOD + OPEN from then on"),
    INTERRUPT(36, Reply.NONE, "interrupts disabled for the connection"),
    BMAP(37, Reply.FIXED, "never sent again (fuseblk only)"),
    DESTROY(38, Reply.EMPTY, "-"),
    IOCTL(39, Reply.DATA, "error to the caller"),
    POLL(40, Reply.FIXED, "always ready from then on"),
    NOTIFY_REPLY(41, Reply.NONE, "-"),
    BATCH_FORGET(42, Reply.NONE, "-"),
    FALLOCATE(43, Reply.EMPTY, "EOPNOTSUPP from then on"),
    READDIRPLUS(44, Reply.DATA, "error to the caller"),
    RENAME2(45, Reply.EMPTY, "EINVAL for flagged renames from then on"),
    LSEEK(46, Reply.FIXED, "generic lseek from then on"),
    COPY_FILE_RANGE(47, Reply.FIXED, "generic copy from then on"),
    SETUPMAPPING(48, Reply.EMPTY, "DAX only"),
    REMOVEMAPPING(49, Reply.EMPTY, "DAX only"),
    SYNCFS(50, Reply.EMPTY, "never sent again"),
    TMPFILE(51, Reply.CREATED, "never sent again"),
    STATX(52, Reply.FIXED, "served from GETATTR from then on"),
    COPY_FILE_RANGE_64(53, Reply.FIXED, "32-bit COPY_FILE_RANGE from then on"),
    CUSE_INIT(4096, Reply.FIXED, "-");

    /** The shape of a successful reply. */
    public enum Reply {
        /** The kernel expects no reply at all (writing one fails). */
        NONE,
        /** Header only. */
        EMPTY,
        /** A fixed-size struct. */
        FIXED,
        /** Variable-length data. */
        DATA,
        /** {@code fuse_entry_out}: instantiates a node. */
        ENTRY,
        /** {@code fuse_attr_out}. */
        ATTR,
        /** {@code fuse_open_out}. */
        OPEN,
        /** {@code fuse_entry_out} + {@code fuse_open_out}: instantiates a node. */
        CREATED
    }

    private static final FuseOpcode[] BY_NUMBER = new FuseOpcode[64];

    static {
        for (FuseOpcode o : values()) if (o.number < BY_NUMBER.length) BY_NUMBER[o.number] = o;
    }

    private final int number;
    private final Reply reply;
    private final String enosys;

    FuseOpcode(int number, Reply reply, String enosys) {
        this.number = number;
        this.reply = reply;
        this.enosys = enosys;
    }

    public int number() {
        return number;
    }

    public Reply reply() {
        return reply;
    }

    /** What the kernel does with an ENOSYS answer (fs/fuse no_* flags). */
    public String enosysMeaning() {
        return enosys;
    }

    /** True when a successful reply carries an entry the kernel counts as a lookup. */
    public boolean countsLookup() {
        return reply == Reply.ENTRY || reply == Reply.CREATED || this == READDIRPLUS;
    }

    /** The opcode with this number, or null for numbers ABI 7.45 does not define. */
    public static FuseOpcode of(int number) {
        if (number >= 0 && number < BY_NUMBER.length) return BY_NUMBER[number];
        return number == CUSE_INIT.number ? CUSE_INIT : null;
    }
}
