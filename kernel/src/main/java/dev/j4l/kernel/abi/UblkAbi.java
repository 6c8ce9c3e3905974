package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/linux/ublk_cmd.h} of Linux 6.1, the first ublk ABI (the kernel test VM's): the control
 * commands sent to {@code /dev/ublk-control} and the I/O commands sent to {@code /dev/ublkcN}, both as io_uring
 * {@code URING_CMD}s; {@code ublksrv_ctrl_cmd} (in a 128-byte SQE's command area), {@code ublksrv_ctrl_dev_info},
 * {@code ublksrv_io_desc} (the read-only per-tag array mapped from {@code /dev/ublkcN}), {@code ublksrv_io_cmd}
 * and {@code ublk_params} with its basic and discard parts; the operations, request flags, device features and
 * attributes. 6.1 takes the plain command numbers; later kernels also take them ioctl-encoded
 * ({@code UBLK_U_CMD_*}, {@link #F_CMD_IOCTL_ENCODE}), which {@link #ioctlEncoded} makes. Host-endian; offsets are
 * relative to the start of their struct. Pinned field by field against the header by {@code UblkAbiTest}.
 */
public final class UblkAbi {
    private UblkAbi() {}

    // Control commands (cmd_op of a URING_CMD on /dev/ublk-control)
    public static final int CMD_GET_QUEUE_AFFINITY = 0x01, CMD_GET_DEV_INFO = 0x02, CMD_ADD_DEV = 0x04,
            CMD_DEL_DEV = 0x05, CMD_START_DEV = 0x06, CMD_STOP_DEV = 0x07, CMD_SET_PARAMS = 0x08,
            CMD_GET_PARAMS = 0x09, CMD_START_USER_RECOVERY = 0x10, CMD_END_USER_RECOVERY = 0x11;

    // I/O commands (cmd_op of a URING_CMD on /dev/ublkcN)
    public static final int IO_FETCH_REQ = 0x20, IO_COMMIT_AND_FETCH_REQ = 0x21, IO_NEED_GET_DATA = 0x22;

    /** An I/O command's completion: a request is there; {@code NEED_GET_DATA}; the device is stopping (-ENODEV). */
    public static final int IO_RES_OK = 0, IO_RES_NEED_GET_DATA = 1, IO_RES_ABORT = -19;

    /** mmap offset of queue 0's descriptor array on /dev/ublkcN; queue q's is at q times the largest array's size. */
    public static final long CMD_BUF_OFFSET = 0;
    public static final long IO_BUF_OFFSET = 0x80000000L;
    public static final int MAX_QUEUE_DEPTH = 4096;

    // Device features (ublksrv_ctrl_dev_info.flags)
    public static final long F_SUPPORT_ZERO_COPY = 1L, F_URING_CMD_COMP_IN_TASK = 1L << 1, F_NEED_GET_DATA = 1L << 2,
            F_USER_RECOVERY = 1L << 3, F_USER_RECOVERY_REISSUE = 1L << 4;
    /** From Linux 6.3 (not in 6.1's header): the kernel takes ioctl-encoded command numbers. */
    public static final long F_CMD_IOCTL_ENCODE = 1L << 6;

    // Device states
    public static final int S_DEV_DEAD = 0, S_DEV_LIVE = 1, S_DEV_QUIESCED = 2;

    // struct ublksrv_ctrl_cmd (32)
    public static final int CTRL_CMD_SIZE = 32;
    public static final int CTRL_CMD_DEV_ID = 0, CTRL_CMD_QUEUE_ID = 4, CTRL_CMD_LEN = 6, CTRL_CMD_ADDR = 8,
            CTRL_CMD_DATA = 16;

    // struct ublksrv_ctrl_dev_info (64)
    public static final int DEV_INFO_SIZE = 64;
    public static final int DEV_INFO_NR_HW_QUEUES = 0, DEV_INFO_QUEUE_DEPTH = 2, DEV_INFO_STATE = 4,
            DEV_INFO_MAX_IO_BUF_BYTES = 8, DEV_INFO_DEV_ID = 12, DEV_INFO_UBLKSRV_PID = 16, DEV_INFO_FLAGS = 24,
            DEV_INFO_UBLKSRV_FLAGS = 32;

    // Operations (the low 8 bits of ublksrv_io_desc.op_flags)
    public static final int IO_OP_READ = 0, IO_OP_WRITE = 1, IO_OP_FLUSH = 2, IO_OP_DISCARD = 3,
            IO_OP_WRITE_SAME = 4, IO_OP_WRITE_ZEROES = 5;

    // Request flags (op_flags, already shifted)
    public static final int IO_F_FAILFAST_DEV = 1 << 8, IO_F_FAILFAST_TRANSPORT = 1 << 9,
            IO_F_FAILFAST_DRIVER = 1 << 10, IO_F_META = 1 << 11, IO_F_FUA = 1 << 13, IO_F_NOUNMAP = 1 << 15,
            IO_F_SWAP = 1 << 16;

    // struct ublksrv_io_desc (24)
    public static final int IO_DESC_SIZE = 24;
    public static final int IO_DESC_OP_FLAGS = 0, IO_DESC_NR_SECTORS = 4, IO_DESC_START_SECTOR = 8, IO_DESC_ADDR = 16;

    // struct ublksrv_io_cmd (16)
    public static final int IO_CMD_SIZE = 16;
    public static final int IO_CMD_Q_ID = 0, IO_CMD_TAG = 2, IO_CMD_RESULT = 4, IO_CMD_ADDR = 8;

    // struct ublk_param_basic attributes
    public static final int ATTR_READ_ONLY = 1, ATTR_ROTATIONAL = 1 << 1, ATTR_VOLATILE_CACHE = 1 << 2,
            ATTR_FUA = 1 << 3;

    // struct ublk_params (64): len, types, then ublk_param_basic (32) and ublk_param_discard (20)
    public static final int PARAM_TYPE_BASIC = 1, PARAM_TYPE_DISCARD = 1 << 1;
    public static final int PARAMS_SIZE = 64;
    public static final int PARAMS_LEN = 0, PARAMS_TYPES = 4, PARAMS_BASIC = 8, PARAMS_DISCARD = 40;
    public static final int BASIC_ATTRS = 0, BASIC_LOGICAL_BS_SHIFT = 4, BASIC_PHYSICAL_BS_SHIFT = 5,
            BASIC_IO_OPT_SHIFT = 6, BASIC_IO_MIN_SHIFT = 7, BASIC_MAX_SECTORS = 8, BASIC_CHUNK_SECTORS = 12,
            BASIC_DEV_SECTORS = 16, BASIC_VIRT_BOUNDARY_MASK = 24;
    public static final int DISCARD_ALIGNMENT = 0, DISCARD_GRANULARITY = 4, DISCARD_MAX_DISCARD_SECTORS = 8,
            DISCARD_MAX_WRITE_ZEROES_SECTORS = 12, DISCARD_MAX_DISCARD_SEGMENTS = 16;

    /** The ioctl type letter of the encoded numbers, and the _IOC direction bits they use (_IOR, _IOWR). */
    public static final int IOCTL_TYPE = 'u', IOC_READ = 2, IOC_READ_WRITE = 3;

    /**
     * The ioctl-encoded form of a command number ({@code _IOR}/{@code _IOWR('u', nr, struct)}): what Linux 6.3+
     * takes when {@link #F_CMD_IOCTL_ENCODE} is negotiated. {@code dir} is {@link #IOC_READ} or
     * {@link #IOC_READ_WRITE}; {@code size} the struct's ({@link #CTRL_CMD_SIZE} or {@link #IO_CMD_SIZE}).
     */
    public static int ioctlEncoded(int dir, int nr, int size) {
        return (dir << 30) | (size << 16) | (IOCTL_TYPE << 8) | nr;
    }
}
