package dev.j4l.fuse.protocol;

/**
 * Byte offsets and sizes of the FUSE 7.45 structs ({@code include/uapi/linux/fuse.h}), host-endian. Request
 * struct offsets are relative to the start of the struct, which follows the 40-byte in-header.
 */
public final class Wire {
    private Wire() {}

    public static final int KERNEL_VERSION = 7;
    public static final int KERNEL_MINOR = 45;
    /** The oldest minor j4l serves (Linux 4.x era); older kernels are refused at INIT. */
    public static final int MIN_MINOR = 12;
    public static final long ROOT_ID = 1;

    // struct fuse_in_header (40)
    public static final int IN_HEADER = 40;
    public static final int IN_LEN = 0, IN_OPCODE = 4, IN_UNIQUE = 8, IN_NODEID = 16, IN_UID = 24, IN_GID = 28,
            IN_PID = 32, IN_TOTAL_EXTLEN = 36;

    // struct fuse_out_header (16)
    public static final int OUT_HEADER = 16;
    public static final int OUT_LEN = 0, OUT_ERROR = 4, OUT_UNIQUE = 8;

    // struct fuse_attr (88)
    public static final int ATTR_SIZE = 88;
    public static final int ATTR_INO = 0, ATTR_SIZE_F = 8, ATTR_BLOCKS = 16, ATTR_ATIME = 24, ATTR_MTIME = 32,
            ATTR_CTIME = 40, ATTR_ATIMENSEC = 48, ATTR_MTIMENSEC = 52, ATTR_CTIMENSEC = 56, ATTR_MODE = 60,
            ATTR_NLINK = 64, ATTR_UID = 68, ATTR_GID = 72, ATTR_RDEV = 76, ATTR_BLKSIZE = 80, ATTR_FLAGS = 84;

    // struct fuse_entry_out (128; 120 before 7.9)
    public static final int ENTRY_OUT = 128, ENTRY_OUT_COMPAT = 120;
    public static final int ENTRY_NODEID = 0, ENTRY_GENERATION = 8, ENTRY_VALID = 16, ENTRY_ATTR_VALID = 24,
            ENTRY_VALID_NSEC = 32, ENTRY_ATTR_VALID_NSEC = 36, ENTRY_ATTR = 40;

    // struct fuse_attr_out (104; 96 before 7.9)
    public static final int ATTR_OUT = 104, ATTR_OUT_COMPAT = 96;
    public static final int ATTR_OUT_VALID = 0, ATTR_OUT_VALID_NSEC = 8, ATTR_OUT_ATTR = 16;

    // struct fuse_open_out (16)
    public static final int OPEN_OUT = 16;
    public static final int OPEN_FH = 0, OPEN_FLAGS = 8, OPEN_BACKING_ID = 12;

    // struct fuse_getattr_in (16)
    public static final int GETATTR_FLAGS = 0, GETATTR_FH = 8;
    public static final int GETATTR_FH_VALID = 1;

    // struct fuse_setattr_in (88)
    public static final int SETATTR_VALID = 0, SETATTR_FH = 8, SETATTR_SIZE = 16, SETATTR_LOCK_OWNER = 24,
            SETATTR_ATIME = 32, SETATTR_MTIME = 40, SETATTR_CTIME = 48, SETATTR_ATIMENSEC = 56,
            SETATTR_MTIMENSEC = 60, SETATTR_CTIMENSEC = 64, SETATTR_MODE = 68, SETATTR_UID = 76, SETATTR_GID = 80;

    // fuse_mknod_in (16; 8 before 7.12), fuse_mkdir_in (8), fuse_rename_in (8), fuse_rename2_in (16), fuse_link_in (8)
    public static final int MKNOD_IN = 16, MKNOD_IN_COMPAT = 8, MKDIR_IN = 8, RENAME_IN = 8, RENAME2_IN = 16,
            LINK_IN = 8;

    // fuse_open_in (8), fuse_create_in (16)
    public static final int OPEN_IN = 8, CREATE_IN = 16;

    // fuse_read_in / fuse_write_in (40; write_in 24 before 7.9)
    public static final int RW_IN = 40, WRITE_IN_COMPAT = 24;
    public static final int RW_FH = 0, RW_OFFSET = 8, RW_SIZE = 16, RW_FLAGS = 20, RW_LOCK_OWNER = 24,
            RW_OPEN_FLAGS = 32;
    public static final int WRITE_OUT = 8;

    // fuse_release_in (24), fuse_flush_in (24), fuse_fsync_in (16)
    public static final int RELEASE_FH = 0, RELEASE_FLAGS = 8, RELEASE_RELEASE_FLAGS = 12, RELEASE_LOCK_OWNER = 16;
    public static final int RELEASE_FLUSH = 1, RELEASE_FLOCK_UNLOCK = 2;
    public static final int FLUSH_FH = 0, FLUSH_LOCK_OWNER = 16;
    public static final int FSYNC_FH = 0, FSYNC_FLAGS = 8;

    // fuse_kstatfs (80; 48 before 7.4)
    public static final int STATFS_OUT = 80, STATFS_OUT_COMPAT = 48;

    // fuse_setxattr_in (16 with SETXATTR_EXT, else 8), fuse_getxattr_in/out (8)
    public static final int SETXATTR_IN_EXT = 16, SETXATTR_IN_COMPAT = 8, GETXATTR_IN = 8, GETXATTR_OUT = 8;

    // fuse_lk_in (48): fh, owner, lk{start, end, type, pid}, lk_flags; fuse_lk_out (24)
    public static final int LK_FH = 0, LK_OWNER = 8, LK_START = 16, LK_END = 24, LK_TYPE = 32, LK_PID = 36,
            LK_FLAGS = 40;
    public static final int LK_OUT = 24;
    public static final int LK_FLOCK = 1;

    // fuse_access_in (8), fuse_interrupt_in (8), fuse_forget_in (8), fuse_batch_forget_in (8) + n x 16
    public static final int FORGET_ONE = 16;

    // fuse_init_in (64) / fuse_init_out (64; 24 before 7.23, 8 before 7.5)
    public static final int INIT_MAJOR = 0, INIT_MINOR = 4, INIT_MAX_READAHEAD = 8, INIT_FLAGS = 12,
            INIT_FLAGS2 = 16;
    public static final int INIT_OUT = 64, INIT_OUT_COMPAT_23 = 24, INIT_OUT_COMPAT_5 = 8;
    public static final int INITO_MAX_BACKGROUND = 16, INITO_CONGESTION = 18, INITO_MAX_WRITE = 20,
            INITO_TIME_GRAN = 24, INITO_MAX_PAGES = 28, INITO_FLAGS2 = 32, INITO_MAX_STACK_DEPTH = 36,
            INITO_REQUEST_TIMEOUT = 40;

    // fuse_dirent (24 + name, 8-aligned), fuse_direntplus (entry_out 128 + dirent)
    public static final int DIRENT = 24, DIRENTPLUS = ENTRY_OUT + DIRENT;
    public static final int NAME_MAX = 1024;
    /** Longest path the kernel passes, with its NUL: symlink targets are at most PATH_MAX - 1 bytes. */
    public static final int PATH_MAX = 4096;

    // fuse_ioctl_in (32), fuse_ioctl_out (16)
    public static final int IOCTL_FH = 0, IOCTL_FLAGS = 8, IOCTL_CMD = 12, IOCTL_ARG = 16, IOCTL_IN_SIZE = 24,
            IOCTL_OUT_SIZE = 28, IOCTL_IN = 32, IOCTL_OUT = 16;

    // fuse_poll_in (24), fuse_poll_out (8)
    public static final int POLL_FH = 0, POLL_KH = 8, POLL_FLAGS = 16, POLL_EVENTS = 20, POLL_OUT = 8;
    public static final int POLL_SCHEDULE_NOTIFY = 1;

    // fuse_fallocate_in (32), fuse_lseek_in (24), fuse_lseek_out (8)
    public static final int FALLOC_FH = 0, FALLOC_OFFSET = 8, FALLOC_LENGTH = 16, FALLOC_MODE = 24;
    public static final int LSEEK_FH = 0, LSEEK_OFFSET = 8, LSEEK_WHENCE = 16, LSEEK_OUT = 8;

    // fuse_copy_file_range_in (56), out 8
    public static final int CFR_FH_IN = 0, CFR_OFF_IN = 8, CFR_NODEID_OUT = 16, CFR_FH_OUT = 24, CFR_OFF_OUT = 32,
            CFR_LEN = 40, CFR_FLAGS = 48;

    // fuse_statx_in (24), fuse_statx_out (288) = attr_valid, nsec, flags, spare[2], fuse_statx (256) @32
    public static final int STATX_GETATTR_FLAGS = 0, STATX_FH = 8, STATX_SX_FLAGS = 16, STATX_SX_MASK = 20;
    public static final int STATX_OUT = 288, STATX_STAT = 32;

    // fuse_notify_retrieve_in (40) in NOTIFY_REPLY: offset @8, size @16, data @40
    public static final int RETRIEVE_IN = 40, RETRIEVE_IN_OFFSET = 8, RETRIEVE_IN_SIZE = 16;

    // notify codes (enum fuse_notify_code) and body sizes
    public static final int NOTIFY_POLL = 1, NOTIFY_INVAL_INODE = 2, NOTIFY_INVAL_ENTRY = 3, NOTIFY_STORE = 4,
            NOTIFY_RETRIEVE = 5, NOTIFY_DELETE = 6;
    public static final int EXPIRE_ONLY = 1;

    /** Round up to the 8-byte record alignment of dirents. */
    public static int align8(int n) {
        return (n + 7) & ~7;
    }
}
