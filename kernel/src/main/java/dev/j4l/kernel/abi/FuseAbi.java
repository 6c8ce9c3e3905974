package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/linux/fuse.h} of Linux 6.18 (FUSE 7.45): every struct offset and size, the INIT
 * capability bits, the notification codes and the FUSE-over-io_uring structs, host-endian. Offsets of a
 * request struct are relative to the start of that struct (which follows the 40-byte in-header); offsets of a
 * reply struct are relative to the start of the payload (which follows the 16-byte out-header). Pinned field
 * by field against the header by {@code FuseAbiTest}.
 */
public final class FuseAbi {
    private FuseAbi() {}

    public static final int KERNEL_VERSION = 7;
    public static final int KERNEL_MINOR = 45;
    /** The oldest minor j4l serves (Linux 4.x era); older kernels are refused at INIT. */
    public static final int MIN_MINOR = 12;
    public static final long ROOT_ID = 1;
    /** {@code FUSE_MIN_READ_BUFFER}: the smallest buffer a read of {@code /dev/fuse} may offer. */
    public static final int MIN_READ_BUFFER = 8192;
    /**
     * {@code FUSE_INIT} of {@code enum fuse_opcode}: the first request of every connection, which the kernel
     * module reads itself when it probes the running kernel. The other opcodes are the FUSE framework's.
     */
    public static final int OPCODE_INIT = 26;

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

    // struct fuse_entry_out (128; FUSE_COMPAT_ENTRY_OUT_SIZE 120 before 7.9)
    public static final int ENTRY_OUT = 128, ENTRY_OUT_COMPAT = 120;
    public static final int ENTRY_NODEID = 0, ENTRY_GENERATION = 8, ENTRY_VALID = 16, ENTRY_ATTR_VALID = 24,
            ENTRY_VALID_NSEC = 32, ENTRY_ATTR_VALID_NSEC = 36, ENTRY_ATTR = 40;

    // struct fuse_attr_out (104; FUSE_COMPAT_ATTR_OUT_SIZE 96 before 7.9)
    public static final int ATTR_OUT = 104, ATTR_OUT_COMPAT = 96;
    public static final int ATTR_OUT_VALID = 0, ATTR_OUT_VALID_NSEC = 8, ATTR_OUT_DUMMY = 12, ATTR_OUT_ATTR = 16;

    // struct fuse_open_out (16)
    public static final int OPEN_OUT = 16;
    public static final int OPEN_FH = 0, OPEN_FLAGS = 8, OPEN_BACKING_ID = 12;

    // struct fuse_forget_in (8), fuse_batch_forget_in (8) followed by count x fuse_forget_one (16)
    public static final int FORGET_IN = 8, FORGET_NLOOKUP = 0;
    public static final int BATCH_FORGET_IN = 8, BATCH_FORGET_COUNT = 0;
    public static final int FORGET_ONE = 16, FORGET_ONE_NODEID = 0, FORGET_ONE_NLOOKUP = 8;

    // struct fuse_getattr_in (16)
    public static final int GETATTR_IN = 16;
    public static final int GETATTR_FLAGS = 0, GETATTR_FH = 8;
    public static final int GETATTR_FH_VALID = 1;

    // struct fuse_setattr_in (88)
    public static final int SETATTR_IN = 88;
    public static final int SETATTR_VALID = 0, SETATTR_FH = 8, SETATTR_SIZE = 16, SETATTR_LOCK_OWNER = 24,
            SETATTR_ATIME = 32, SETATTR_MTIME = 40, SETATTR_CTIME = 48, SETATTR_ATIMENSEC = 56,
            SETATTR_MTIMENSEC = 60, SETATTR_CTIMENSEC = 64, SETATTR_MODE = 68, SETATTR_UID = 76, SETATTR_GID = 80;

    // struct fuse_mknod_in (16; FUSE_COMPAT_MKNOD_IN_SIZE 8 before 7.12)
    public static final int MKNOD_IN = 16, MKNOD_IN_COMPAT = 8;
    public static final int MKNOD_MODE = 0, MKNOD_RDEV = 4, MKNOD_UMASK = 8;
    // struct fuse_mkdir_in (8)
    public static final int MKDIR_IN = 8;
    public static final int MKDIR_MODE = 0, MKDIR_UMASK = 4;
    // struct fuse_rename_in (8), fuse_rename2_in (16), fuse_link_in (8)
    public static final int RENAME_IN = 8, RENAME2_IN = 16, LINK_IN = 8;
    public static final int RENAME_NEWDIR = 0, RENAME2_FLAGS = 8, LINK_OLDNODEID = 0;

    // struct fuse_open_in (8), fuse_create_in (16)
    public static final int OPEN_IN = 8, CREATE_IN = 16;
    public static final int OPEN_IN_FLAGS = 0, OPEN_IN_OPEN_FLAGS = 4;
    public static final int CREATE_FLAGS = 0, CREATE_MODE = 4, CREATE_UMASK = 8, CREATE_OPEN_FLAGS = 12;

    // struct fuse_read_in / fuse_write_in (40; FUSE_COMPAT_WRITE_IN_SIZE 24 before 7.9), fuse_write_out (8)
    public static final int RW_IN = 40, WRITE_IN_COMPAT = 24;
    public static final int RW_FH = 0, RW_OFFSET = 8, RW_SIZE = 16, RW_FLAGS = 20, RW_LOCK_OWNER = 24,
            RW_OPEN_FLAGS = 32;
    public static final int WRITE_OUT = 8, WRITE_OUT_SIZE = 0;

    // struct fuse_release_in (24), fuse_flush_in (24), fuse_fsync_in (16)
    public static final int RELEASE_IN = 24, FLUSH_IN = 24, FSYNC_IN = 16;
    public static final int RELEASE_FH = 0, RELEASE_FLAGS = 8, RELEASE_RELEASE_FLAGS = 12, RELEASE_LOCK_OWNER = 16;
    public static final int RELEASE_FLUSH = 1, RELEASE_FLOCK_UNLOCK = 2;
    public static final int FLUSH_FH = 0, FLUSH_LOCK_OWNER = 16;
    public static final int FSYNC_FH = 0, FSYNC_FLAGS = 8;
    public static final int FSYNC_FDATASYNC = 1;

    // struct fuse_kstatfs (80; FUSE_COMPAT_STATFS_SIZE 48 before 7.4), the whole of fuse_statfs_out
    public static final int STATFS_OUT = 80, STATFS_OUT_COMPAT = 48;
    public static final int STATFS_BLOCKS = 0, STATFS_BFREE = 8, STATFS_BAVAIL = 16, STATFS_FILES = 24,
            STATFS_FFREE = 32, STATFS_BSIZE = 40, STATFS_NAMELEN = 44, STATFS_FRSIZE = 48, STATFS_PADDING = 52;

    // struct fuse_setxattr_in (16 with FUSE_SETXATTR_EXT, else FUSE_COMPAT_SETXATTR_IN_SIZE 8),
    // fuse_getxattr_in (8), fuse_getxattr_out (8)
    public static final int SETXATTR_IN_EXT = 16, SETXATTR_IN_COMPAT = 8, GETXATTR_IN = 8, GETXATTR_OUT = 8;
    public static final int SETXATTR_SIZE = 0, SETXATTR_FLAGS = 4, SETXATTR_SETXATTR_FLAGS = 8;
    public static final int GETXATTR_SIZE = 0, GETXATTR_OUT_SIZE = 0;

    // struct fuse_file_lock (24); fuse_lk_in (48) = fh, owner, lk, lk_flags; fuse_lk_out (24) = lk
    public static final int LK_IN = 48, LK_OUT = 24;
    public static final int LK_FH = 0, LK_OWNER = 8, LK_LK = 16, LK_FLAGS = 40;
    public static final int FILE_LOCK_START = 0, FILE_LOCK_END = 8, FILE_LOCK_TYPE = 16, FILE_LOCK_PID = 20;
    public static final int LK_START = LK_LK + FILE_LOCK_START, LK_END = LK_LK + FILE_LOCK_END,
            LK_TYPE = LK_LK + FILE_LOCK_TYPE, LK_PID = LK_LK + FILE_LOCK_PID;
    public static final int LK_FLOCK = 1;

    // struct fuse_access_in (8), fuse_interrupt_in (8)
    public static final int ACCESS_IN = 8, ACCESS_MASK = 0;
    public static final int INTERRUPT_IN = 8, INTERRUPT_UNIQUE = 0;

    // struct fuse_init_in (64; 16 before 7.36) / fuse_init_out (64; 24 before 7.23, 8 before 7.5)
    public static final int INIT_IN = 64, INIT_IN_COMPAT = 16;
    public static final int INIT_MAJOR = 0, INIT_MINOR = 4, INIT_MAX_READAHEAD = 8, INIT_FLAGS = 12,
            INIT_FLAGS2 = 16;
    public static final int INIT_OUT = 64, INIT_OUT_COMPAT_23 = 24, INIT_OUT_COMPAT_5 = 8;
    public static final int INITO_MAX_BACKGROUND = 16, INITO_CONGESTION = 18, INITO_MAX_WRITE = 20,
            INITO_TIME_GRAN = 24, INITO_MAX_PAGES = 28, INITO_MAP_ALIGNMENT = 30, INITO_FLAGS2 = 32,
            INITO_MAX_STACK_DEPTH = 36, INITO_REQUEST_TIMEOUT = 40;

    // CUSE: CUSE_INIT of enum fuse_opcode, the first request on a /dev/cuse descriptor; struct cuse_init_in (16)
    // and cuse_init_out (72), the latter followed in the reply by "KEY=VALUE\0" device info (DEVNAME=...), at
    // most CUSE_INIT_INFO_MAX bytes.
    public static final int OPCODE_CUSE_INIT = 4096;
    public static final int CUSE_INIT_IN = 16, CUSE_INIT_OUT = 72;
    public static final int CUSE_MAJOR = 0, CUSE_MINOR = 4, CUSE_FLAGS = 12;
    public static final int CUSEO_MAX_READ = 16, CUSEO_MAX_WRITE = 20, CUSEO_DEV_MAJOR = 24, CUSEO_DEV_MINOR = 28;
    /** {@code CUSE_UNRESTRICTED_IOCTL}: the only {@code cuse_init_in/out} flag. */
    public static final int CUSE_UNRESTRICTED_IOCTL = 1;
    public static final int CUSE_INIT_INFO_MAX = 4096;

    // struct fuse_dirent (24 + name, 8-aligned), fuse_direntplus (entry_out 128 + dirent)
    public static final int DIRENT = 24, DIRENTPLUS = ENTRY_OUT + DIRENT;
    public static final int DIRENT_INO = 0, DIRENT_OFF = 8, DIRENT_NAMELEN = 16, DIRENT_TYPE = 20,
            DIRENT_NAME = 24;
    /**
     * Longest name j4l takes or gives: the kernel's {@code FUSE_NAME_LOW_MAX} (fs/fuse/fuse_i.h, not this header),
     * its limit until INIT. A connection that negotiates {@code max_pages > 1} lets the kernel send names up to
     * {@code PATH_MAX - 1} bytes; j4l answers those with ENAMETOOLONG.
     */
    public static final int NAME_MAX = 1024;

    // struct fuse_ioctl_in (32), fuse_ioctl_out (16)
    public static final int IOCTL_IN = 32, IOCTL_OUT = 16;
    public static final int IOCTL_FH = 0, IOCTL_FLAGS = 8, IOCTL_CMD = 12, IOCTL_ARG = 16, IOCTL_IN_SIZE = 24,
            IOCTL_OUT_SIZE = 28;
    public static final int IOCTL_OUT_RESULT = 0, IOCTL_OUT_FLAGS = 4, IOCTL_OUT_IN_IOVS = 8,
            IOCTL_OUT_OUT_IOVS = 12;
    /** FUSE_IOCTL_* flags of fuse_ioctl_in/out: a 32-bit caller's compat ioctl; unrestricted (CUSE only). */
    public static final int IOCTL_COMPAT = 1, IOCTL_UNRESTRICTED = 1 << 1;
    /** The reply asks the kernel to send the ioctl again with the data of the iovecs that follow it. */
    public static final int IOCTL_RETRY = 1 << 2;
    /** The caller is 32-bit (its pointers and longs are 4 bytes). */
    public static final int IOCTL_32BIT = 1 << 3;
    // struct fuse_ioctl_iovec (16), FUSE_IOCTL_MAX_IOV
    public static final int IOCTL_IOVEC = 16, IOCTL_IOVEC_BASE = 0, IOCTL_IOVEC_LEN = 8, IOCTL_MAX_IOV = 256;

    // struct fuse_poll_in (24), fuse_poll_out (8)
    public static final int POLL_IN = 24, POLL_OUT = 8;
    public static final int POLL_FH = 0, POLL_KH = 8, POLL_FLAGS = 16, POLL_EVENTS = 20, POLL_OUT_REVENTS = 0;
    public static final int POLL_SCHEDULE_NOTIFY = 1;

    // struct fuse_fallocate_in (32), fuse_lseek_in (24), fuse_lseek_out (8)
    public static final int FALLOCATE_IN = 32, LSEEK_IN = 24, LSEEK_OUT = 8;
    public static final int FALLOC_FH = 0, FALLOC_OFFSET = 8, FALLOC_LENGTH = 16, FALLOC_MODE = 24;
    public static final int LSEEK_FH = 0, LSEEK_OFFSET = 8, LSEEK_WHENCE = 16, LSEEK_OUT_OFFSET = 0;

    // struct fuse_copy_file_range_in (56); the reply is fuse_write_out, or fuse_copy_file_range_out (8) for _64
    public static final int COPY_FILE_RANGE_IN = 56, COPY_FILE_RANGE_OUT = 8;
    public static final int CFR_FH_IN = 0, CFR_OFF_IN = 8, CFR_NODEID_OUT = 16, CFR_FH_OUT = 24, CFR_OFF_OUT = 32,
            CFR_LEN = 40, CFR_FLAGS = 48;
    public static final int CFR_OUT_BYTES_COPIED = 0;

    // struct fuse_bmap_in (16), fuse_bmap_out (8), fuse_syncfs_in (8)
    public static final int BMAP_IN = 16, BMAP_OUT = 8, SYNCFS_IN = 8;
    public static final int BMAP_BLOCK = 0, BMAP_BLOCKSIZE = 8, BMAP_OUT_BLOCK = 0;

    // struct fuse_statx_in (24); fuse_statx_out (288) = attr_valid, attr_valid_nsec, flags, spare[2], fuse_statx
    public static final int STATX_IN = 24;
    public static final int STATX_GETATTR_FLAGS = 0, STATX_FH = 8, STATX_SX_FLAGS = 16, STATX_SX_MASK = 20;
    public static final int STATX_OUT = 288, STATX_OUT_ATTR_VALID = 0, STATX_OUT_ATTR_VALID_NSEC = 8,
            STATX_OUT_FLAGS = 12, STATX_STAT = 32;
    // struct fuse_statx (256) and fuse_sx_time (16)
    public static final int SX_SIZE = 256;
    public static final int SX_MASK = 0, SX_BLKSIZE = 4, SX_ATTRIBUTES = 8, SX_NLINK = 16, SX_UID = 20, SX_GID = 24,
            SX_MODE = 28, SX_INO = 32, SX_SIZE_F = 40, SX_BLOCKS = 48, SX_ATTRIBUTES_MASK = 56, SX_ATIME = 64,
            SX_BTIME = 80, SX_CTIME = 96, SX_MTIME = 112, SX_RDEV_MAJOR = 128, SX_RDEV_MINOR = 132,
            SX_DEV_MAJOR = 136, SX_DEV_MINOR = 140;
    public static final int SX_TIME = 16, SX_TIME_SEC = 0, SX_TIME_NSEC = 8;

    // Notifications: enum fuse_notify_code, and the body each carries after an out-header whose unique is 0
    public static final int NOTIFY_POLL = 1, NOTIFY_INVAL_INODE = 2, NOTIFY_INVAL_ENTRY = 3, NOTIFY_STORE = 4,
            NOTIFY_RETRIEVE = 5, NOTIFY_DELETE = 6, NOTIFY_RESEND = 7, NOTIFY_INC_EPOCH = 8, NOTIFY_PRUNE = 9;
    /** fuse_notify_poll_wakeup_out (8). */
    public static final int NOTIFY_POLL_OUT = 8, NOTIFY_POLL_KH = 0;
    /** fuse_notify_inval_inode_out (24). */
    public static final int NOTIFY_INVAL_INODE_OUT = 24, NOTIFY_INVAL_INODE_INO = 0, NOTIFY_INVAL_INODE_OFF = 8,
            NOTIFY_INVAL_INODE_LEN = 16;
    /** fuse_notify_inval_entry_out (16), then the name and its NUL. */
    public static final int NOTIFY_INVAL_ENTRY_OUT = 16, NOTIFY_INVAL_ENTRY_PARENT = 0,
            NOTIFY_INVAL_ENTRY_NAMELEN = 8, NOTIFY_INVAL_ENTRY_FLAGS = 12;
    public static final int EXPIRE_ONLY = 1;
    /** fuse_notify_delete_out (24), then the name and its NUL. */
    public static final int NOTIFY_DELETE_OUT = 24, NOTIFY_DELETE_PARENT = 0, NOTIFY_DELETE_CHILD = 8,
            NOTIFY_DELETE_NAMELEN = 16;
    /** fuse_notify_store_out (24), then the data. */
    public static final int NOTIFY_STORE_OUT = 24, NOTIFY_STORE_NODEID = 0, NOTIFY_STORE_OFFSET = 8,
            NOTIFY_STORE_SIZE = 16;
    /** fuse_notify_retrieve_out (32). */
    public static final int NOTIFY_RETRIEVE_OUT = 32, NOTIFY_RETRIEVE_UNIQUE = 0, NOTIFY_RETRIEVE_NODEID = 8,
            NOTIFY_RETRIEVE_OFFSET = 16, NOTIFY_RETRIEVE_SIZE = 24;
    /** fuse_notify_retrieve_in (40), the body of the kernel's NOTIFY_REPLY, then the data. */
    public static final int RETRIEVE_IN = 40, RETRIEVE_IN_OFFSET = 8, RETRIEVE_IN_SIZE = 16;
    /** fuse_notify_prune_out (16), then {@code count} node ids (u64). */
    public static final int NOTIFY_PRUNE_OUT = 16, NOTIFY_PRUNE_COUNT = 0;

    // FUSE-over-io_uring: struct fuse_uring_req_header (288) = in_out[128], op_in[128], fuse_uring_ent_in_out (32)
    public static final int URING_REQ_HEADER = 288, URING_IN_OUT = 0, URING_OP_IN = 128, URING_ENT = 256;
    public static final int URING_IN_OUT_SIZE = 128, URING_OP_IN_SIZE = 128;
    public static final int URING_ENT_FLAGS = 0, URING_ENT_COMMIT_ID = 8, URING_ENT_PAYLOAD_SZ = 16;
    /** struct fuse_uring_cmd_req (24): the SQE command area of a REGISTER or COMMIT_AND_FETCH. */
    public static final int URING_CMD_REQ = 24, URING_CMD_FLAGS = 0, URING_CMD_COMMIT_ID = 8, URING_CMD_QID = 16;
    public static final int URING_CMD_REGISTER = 1, URING_CMD_COMMIT_AND_FETCH = 2;

    /** struct fuse_backing_map (16): the argument of FUSE_DEV_IOC_BACKING_OPEN. */
    public static final int BACKING_MAP = 16, BACKING_MAP_FD = 0, BACKING_MAP_FLAGS = 4;

    // The device ioctls (FUSE_DEV_IOC_MAGIC 229), as the header's _IOR/_IOW/_IO encode them
    /** {@code _IOR(229, 0, uint32_t)}: attach a descriptor to the session whose descriptor number it reads. */
    public static final long DEV_IOC_CLONE = 0x8004E500L;
    /** {@code _IOW(229, 1, struct fuse_backing_map)}: register a passthrough backing file, returns its id. */
    public static final long DEV_IOC_BACKING_OPEN = 0x4010E501L;
    /** {@code _IOW(229, 2, uint32_t)}: drop a backing id. */
    public static final long DEV_IOC_BACKING_CLOSE = 0x4004E502L;
    /** {@code _IO(229, 3)}: make mount(2) wait for the INIT reply (Linux 6.18). */
    public static final long DEV_IOC_SYNC_INIT = 0xE503L;

    /** Round up to the 8-byte record alignment of dirents. */
    public static int align8(int n) {
        return (n + 7) & ~7;
    }

    /** The INIT capability bits as one 64-bit set ({@code flags | flags2 << 32}). */
    public static final class InitFlags {
        private InitFlags() {}

        public static final long ASYNC_READ = 1L;
        public static final long POSIX_LOCKS = 1L << 1;
        public static final long FILE_OPS = 1L << 2;
        public static final long ATOMIC_O_TRUNC = 1L << 3;
        public static final long EXPORT_SUPPORT = 1L << 4;
        public static final long BIG_WRITES = 1L << 5;
        public static final long DONT_MASK = 1L << 6;
        public static final long SPLICE_WRITE = 1L << 7;
        public static final long SPLICE_MOVE = 1L << 8;
        public static final long SPLICE_READ = 1L << 9;
        public static final long FLOCK_LOCKS = 1L << 10;
        public static final long HAS_IOCTL_DIR = 1L << 11;
        public static final long AUTO_INVAL_DATA = 1L << 12;
        public static final long DO_READDIRPLUS = 1L << 13;
        public static final long READDIRPLUS_AUTO = 1L << 14;
        public static final long ASYNC_DIO = 1L << 15;
        public static final long WRITEBACK_CACHE = 1L << 16;
        public static final long NO_OPEN_SUPPORT = 1L << 17;
        public static final long PARALLEL_DIROPS = 1L << 18;
        public static final long HANDLE_KILLPRIV = 1L << 19;
        public static final long POSIX_ACL = 1L << 20;
        public static final long ABORT_ERROR = 1L << 21;
        public static final long MAX_PAGES = 1L << 22;
        public static final long CACHE_SYMLINKS = 1L << 23;
        public static final long NO_OPENDIR_SUPPORT = 1L << 24;
        public static final long EXPLICIT_INVAL_DATA = 1L << 25;
        public static final long MAP_ALIGNMENT = 1L << 26;
        public static final long SUBMOUNTS = 1L << 27;
        public static final long HANDLE_KILLPRIV_V2 = 1L << 28;
        public static final long SETXATTR_EXT = 1L << 29;
        public static final long INIT_EXT = 1L << 30;
        public static final long INIT_RESERVED = 1L << 31;
        public static final long SECURITY_CTX = 1L << 32;
        public static final long HAS_INODE_DAX = 1L << 33;
        public static final long CREATE_SUPP_GROUP = 1L << 34;
        public static final long HAS_EXPIRE_ONLY = 1L << 35;
        public static final long DIRECT_IO_ALLOW_MMAP = 1L << 36;
        public static final long PASSTHROUGH = 1L << 37;
        public static final long NO_EXPORT_SUPPORT = 1L << 38;
        public static final long HAS_RESEND = 1L << 39;
        public static final long ALLOW_IDMAP = 1L << 40;
        public static final long OVER_IO_URING = 1L << 41;
        public static final long REQUEST_TIMEOUT = 1L << 42;
    }
}
