package dev.j4l.kernel.abi;

import java.util.List;

/**
 * {@code include/uapi/linux/io_uring.h} of Linux 6.18, as far as j4l uses it: the SQE (64 bytes, 128 with
 * {@link #SETUP_SQE128}) and CQE, {@code io_uring_params} with its two ring-offset structs, the flags of
 * {@code io_uring_setup}, {@code io_uring_enter} and the features word, the mmap offsets of the rings, the
 * opcodes and register operations j4l issues, the probe structs, and the three system calls. Host-endian;
 * offsets are relative to the start of their struct. Pinned field by field against the header by
 * {@code IoUringAbiTest}.
 */
public final class IoUringAbi {
    private IoUringAbi() {}

    // System call numbers: asm-generic/unistd.h, the same on every architecture since Linux 5.1.
    public static final long SYS_SETUP = 425, SYS_ENTER = 426, SYS_REGISTER = 427;

    // struct io_uring_sqe (64; 128 with IORING_SETUP_SQE128, the extra 64 bytes extending the command area)
    public static final int SQE_SIZE = 64, SQE128_SIZE = 128;
    public static final int SQE_OPCODE = 0, SQE_FLAGS = 1, SQE_IOPRIO = 2, SQE_FD = 4;
    /** The union of {@code off}, {@code addr2} and, for URING_CMD, {@code cmd_op} (u32). */
    public static final int SQE_OFF = 8, SQE_CMD_OP = 8;
    public static final int SQE_ADDR = 16, SQE_LEN = 24;
    /** The union of per-opcode flags ({@code rw_flags}, {@code poll32_events}, {@code uring_cmd_flags}...). */
    public static final int SQE_OP_FLAGS = 28, SQE_POLL32_EVENTS = 28, SQE_URING_CMD_FLAGS = 28;
    public static final int SQE_USER_DATA = 32, SQE_BUF_INDEX = 40, SQE_PERSONALITY = 42, SQE_FILE_INDEX = 44;
    public static final int SQE_ADDR3 = 48;
    /** {@code cmd}: a URING_CMD's command data, 16 bytes in a 64-byte SQE, 80 in a 128-byte one. */
    public static final int SQE_CMD = 48, SQE_CMD_SIZE = 16, SQE128_CMD_SIZE = 80;

    // struct io_uring_cqe (16; 32 with IORING_SETUP_CQE32)
    public static final int CQE_SIZE = 16, CQE32_SIZE = 32;
    public static final int CQE_USER_DATA = 0, CQE_RES = 8, CQE_FLAGS = 12;

    // struct io_uring_params (120)
    public static final int PARAMS_SIZE = 120;
    public static final int PARAMS_SQ_ENTRIES = 0, PARAMS_CQ_ENTRIES = 4, PARAMS_FLAGS = 8, PARAMS_SQ_THREAD_CPU = 12,
            PARAMS_SQ_THREAD_IDLE = 16, PARAMS_FEATURES = 20, PARAMS_WQ_FD = 24;
    /** Where the {@code io_sqring_offsets} and {@code io_cqring_offsets} the kernel fills in start. */
    public static final int PARAMS_SQ_OFF = 40, PARAMS_CQ_OFF = 80;

    // struct io_sqring_offsets (40): offsets into the SQ ring mapping
    public static final int SQRING_OFFSETS_SIZE = 40;
    public static final int SQRING_HEAD = 0, SQRING_TAIL = 4, SQRING_RING_MASK = 8, SQRING_RING_ENTRIES = 12,
            SQRING_FLAGS = 16, SQRING_DROPPED = 20, SQRING_ARRAY = 24, SQRING_USER_ADDR = 32;

    // struct io_cqring_offsets (40): offsets into the CQ ring mapping
    public static final int CQRING_OFFSETS_SIZE = 40;
    public static final int CQRING_HEAD = 0, CQRING_TAIL = 4, CQRING_RING_MASK = 8, CQRING_RING_ENTRIES = 12,
            CQRING_OVERFLOW = 16, CQRING_CQES = 20, CQRING_FLAGS = 24, CQRING_USER_ADDR = 32;

    // io_uring_setup(2) flags
    public static final int SETUP_IOPOLL = 1, SETUP_SQPOLL = 1 << 1, SETUP_SQ_AFF = 1 << 2, SETUP_CQSIZE = 1 << 3,
            SETUP_CLAMP = 1 << 4, SETUP_ATTACH_WQ = 1 << 5, SETUP_R_DISABLED = 1 << 6, SETUP_SUBMIT_ALL = 1 << 7,
            SETUP_COOP_TASKRUN = 1 << 8, SETUP_TASKRUN_FLAG = 1 << 9, SETUP_SQE128 = 1 << 10,
            SETUP_CQE32 = 1 << 11, SETUP_SINGLE_ISSUER = 1 << 12, SETUP_DEFER_TASKRUN = 1 << 13,
            SETUP_NO_MMAP = 1 << 14, SETUP_REGISTERED_FD_ONLY = 1 << 15, SETUP_NO_SQARRAY = 1 << 16,
            SETUP_HYBRID_IOPOLL = 1 << 17, SETUP_CQE_MIXED = 1 << 18;

    // The SQ ring's flags word
    public static final int SQ_NEED_WAKEUP = 1, SQ_CQ_OVERFLOW = 1 << 1, SQ_TASKRUN = 1 << 2;

    // io_uring_enter(2) flags
    public static final int ENTER_GETEVENTS = 1, ENTER_SQ_WAKEUP = 1 << 1, ENTER_SQ_WAIT = 1 << 2,
            ENTER_EXT_ARG = 1 << 3, ENTER_REGISTERED_RING = 1 << 4, ENTER_ABS_TIMER = 1 << 5,
            ENTER_EXT_ARG_REG = 1 << 6, ENTER_NO_IOWAIT = 1 << 7;

    // io_uring_params.features
    public static final int FEAT_SINGLE_MMAP = 1, FEAT_NODROP = 1 << 1, FEAT_SUBMIT_STABLE = 1 << 2,
            FEAT_RW_CUR_POS = 1 << 3, FEAT_CUR_PERSONALITY = 1 << 4, FEAT_FAST_POLL = 1 << 5,
            FEAT_POLL_32BITS = 1 << 6, FEAT_SQPOLL_NONFIXED = 1 << 7, FEAT_EXT_ARG = 1 << 8,
            FEAT_NATIVE_WORKERS = 1 << 9, FEAT_RSRC_TAGS = 1 << 10, FEAT_CQE_SKIP = 1 << 11,
            FEAT_LINKED_FILE = 1 << 12, FEAT_REG_REG_RING = 1 << 13, FEAT_RECVSEND_BUNDLE = 1 << 14,
            FEAT_MIN_TIMEOUT = 1 << 15, FEAT_RW_ATTR = 1 << 16, FEAT_NO_IOWAIT = 1 << 17;

    // mmap(2) offsets of the three mappings of a ring
    public static final long OFF_SQ_RING = 0L, OFF_CQ_RING = 0x8000000L, OFF_SQES = 0x10000000L;

    // The opcodes j4l submits (enum io_uring_op)
    public static final int OP_POLL_ADD = 6, OP_URING_CMD = 46;

    /**
     * {@code enum io_uring_op} by number, without the {@code IORING_OP_} prefix: Linux 6.18's, then the two that
     * came after it with {@code IORING_SETUP_SQE_MIXED} ({@code NOP128}, {@code URING_CMD128}), so a probe of a
     * newer kernel names them too.
     */
    public static final List<String> OP_NAMES = List.of("NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED",
            "WRITE_FIXED", "POLL_ADD", "POLL_REMOVE", "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT",
            "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL", "LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE",
            "FILES_UPDATE", "STATX", "READ", "WRITE", "FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL",
            "SPLICE", "PROVIDE_BUFFERS", "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT",
            "SYMLINKAT", "LINKAT", "MSG_RING", "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET",
            "URING_CMD", "SEND_ZC", "SENDMSG_ZC", "READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE",
            "FUTEX_WAITV", "FIXED_FD_INSTALL", "FTRUNCATE", "BIND", "LISTEN", "RECV_ZC", "EPOLL_WAIT",
            "READV_FIXED", "WRITEV_FIXED", "PIPE", "NOP128", "URING_CMD128");

    // The io_uring_register(2) operations j4l issues (enum io_uring_register_op)
    public static final int REGISTER_PROBE = 8;

    // struct io_uring_probe (16, then ops_len x struct io_uring_probe_op (8))
    public static final int PROBE_SIZE = 16, PROBE_LAST_OP = 0, PROBE_OPS_LEN = 1, PROBE_OPS = 16;
    public static final int PROBE_OP_SIZE = 8, PROBE_OP_OP = 0, PROBE_OP_FLAGS = 2;
    /** {@code IO_URING_OP_SUPPORTED}: the probe_op flag of an opcode this kernel runs. */
    public static final int OP_SUPPORTED = 1;
}
