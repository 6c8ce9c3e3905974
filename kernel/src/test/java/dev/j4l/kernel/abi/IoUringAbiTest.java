package dev.j4l.kernel.abi;

import static dev.j4l.kernel.abi.CStruct.S32;
import static dev.j4l.kernel.abi.CStruct.U16;
import static dev.j4l.kernel.abi.CStruct.U32;
import static dev.j4l.kernel.abi.CStruct.U64;
import static dev.j4l.kernel.abi.CStruct.U8;
import static dev.j4l.kernel.abi.CStruct.anonymousStruct;
import static dev.j4l.kernel.abi.CStruct.anonymousPackedUnion;
import static dev.j4l.kernel.abi.CStruct.anonymousUnion;
import static dev.j4l.kernel.abi.CStruct.array;
import static dev.j4l.kernel.abi.CStruct.f;
import static dev.j4l.kernel.abi.CStruct.off;
import static dev.j4l.kernel.abi.CStruct.struct;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link IoUringAbi} against {@code include/uapi/linux/io_uring.h} of Linux 6.18: the structs j4l touches
 * transcribed member by member (names and C types as the header spells them, unions included, C's natural
 * alignment), the header's flags, opcodes and mmap offsets copied as written there, and every constant of
 * {@code IoUringAbi} checked against them. A constant of {@code IoUringAbi} that nothing here checks fails.
 */
class IoUringAbiTest {
    /** {@code __kernel_rwf_t}: an int. */
    private static final ValueLayout KERNEL_RWF_T = S32;

    static final StructLayout io_uring_sqe = struct("io_uring_sqe",
            f("opcode", U8),
            f("flags", U8),
            f("ioprio", U16),
            f("fd", S32),
            anonymousUnion(f("off", U64), f("addr2", U64), anonymousStruct(f("cmd_op", U32), f("__pad1", U32))),
            anonymousUnion(f("addr", U64), f("splice_off_in", U64), anonymousStruct(f("level", U32), f("optname", U32))),
            f("len", U32),
            anonymousUnion(f("rw_flags", KERNEL_RWF_T), f("fsync_flags", U32), f("poll_events", U16),
                    f("poll32_events", U32), f("sync_range_flags", U32), f("msg_flags", U32), f("timeout_flags", U32),
                    f("accept_flags", U32), f("cancel_flags", U32), f("open_flags", U32), f("statx_flags", U32),
                    f("fadvise_advice", U32), f("splice_flags", U32), f("rename_flags", U32), f("unlink_flags", U32),
                    f("hardlink_flags", U32), f("xattr_flags", U32), f("msg_ring_flags", U32),
                    f("uring_cmd_flags", U32), f("waitid_flags", U32), f("futex_flags", U32),
                    f("install_fd_flags", U32), f("nop_flags", U32), f("pipe_flags", U32)),
            f("user_data", U64),
            anonymousPackedUnion(f("buf_index", U16), f("buf_group", U16)),
            f("personality", U16),
            anonymousUnion(f("splice_fd_in", S32), f("file_index", U32), f("zcrx_ifq_idx", U32), f("optlen", U32),
                    anonymousStruct(f("addr_len", U16), array("__pad3", 1, U16))),
            anonymousUnion(anonymousStruct(f("addr3", U64), array("__pad2", 1, U64)), f("optval", U64),
                    array("cmd", 0, U8)));

    static final StructLayout io_uring_cqe = struct("io_uring_cqe",
            f("user_data", U64), f("res", S32), f("flags", U32), array("big_cqe", 0, U64));

    static final StructLayout io_sqring_offsets = struct("io_sqring_offsets",
            f("head", U32), f("tail", U32), f("ring_mask", U32), f("ring_entries", U32), f("flags", U32),
            f("dropped", U32), f("array", U32), f("resv1", U32), f("user_addr", U64));

    static final StructLayout io_cqring_offsets = struct("io_cqring_offsets",
            f("head", U32), f("tail", U32), f("ring_mask", U32), f("ring_entries", U32), f("overflow", U32),
            f("cqes", U32), f("flags", U32), f("resv1", U32), f("user_addr", U64));

    static final StructLayout io_uring_params = struct("io_uring_params",
            f("sq_entries", U32), f("cq_entries", U32), f("flags", U32), f("sq_thread_cpu", U32),
            f("sq_thread_idle", U32), f("features", U32), f("wq_fd", U32), array("resv", 3, U32),
            f("sq_off", io_sqring_offsets), f("cq_off", io_cqring_offsets));

    static final StructLayout io_uring_probe_op = struct("io_uring_probe_op",
            f("op", U8), f("resv", U8), f("flags", U16), f("resv2", U32));

    static final StructLayout io_uring_probe = struct("io_uring_probe",
            f("last_op", U8), f("ops_len", U8), f("resv", U16), array("resv2", 3, U32),
            array("ops", 0, io_uring_probe_op));

    /** Every struct above, for comparing the transcription with a C compiler's view of the header. */
    static final StructLayout[] STRUCTS = {io_uring_sqe, io_uring_cqe, io_sqring_offsets, io_cqring_offsets,
        io_uring_params, io_uring_probe_op, io_uring_probe};

    // ---- the header's numbers

    static final long IORING_SETUP_IOPOLL = 1L << 0, IORING_SETUP_SQPOLL = 1L << 1, IORING_SETUP_SQ_AFF = 1L << 2,
            IORING_SETUP_CQSIZE = 1L << 3, IORING_SETUP_CLAMP = 1L << 4, IORING_SETUP_ATTACH_WQ = 1L << 5,
            IORING_SETUP_R_DISABLED = 1L << 6, IORING_SETUP_SUBMIT_ALL = 1L << 7, IORING_SETUP_COOP_TASKRUN = 1L << 8,
            IORING_SETUP_TASKRUN_FLAG = 1L << 9, IORING_SETUP_SQE128 = 1L << 10, IORING_SETUP_CQE32 = 1L << 11,
            IORING_SETUP_SINGLE_ISSUER = 1L << 12, IORING_SETUP_DEFER_TASKRUN = 1L << 13,
            IORING_SETUP_NO_MMAP = 1L << 14, IORING_SETUP_REGISTERED_FD_ONLY = 1L << 15,
            IORING_SETUP_NO_SQARRAY = 1L << 16, IORING_SETUP_HYBRID_IOPOLL = 1L << 17,
            IORING_SETUP_CQE_MIXED = 1L << 18;

    static final long IORING_SQ_NEED_WAKEUP = 1L << 0, IORING_SQ_CQ_OVERFLOW = 1L << 1, IORING_SQ_TASKRUN = 1L << 2;

    static final long IORING_ENTER_GETEVENTS = 1L << 0, IORING_ENTER_SQ_WAKEUP = 1L << 1,
            IORING_ENTER_SQ_WAIT = 1L << 2, IORING_ENTER_EXT_ARG = 1L << 3, IORING_ENTER_REGISTERED_RING = 1L << 4,
            IORING_ENTER_ABS_TIMER = 1L << 5, IORING_ENTER_EXT_ARG_REG = 1L << 6, IORING_ENTER_NO_IOWAIT = 1L << 7;

    static final long IORING_FEAT_SINGLE_MMAP = 1L << 0, IORING_FEAT_NODROP = 1L << 1,
            IORING_FEAT_SUBMIT_STABLE = 1L << 2, IORING_FEAT_RW_CUR_POS = 1L << 3,
            IORING_FEAT_CUR_PERSONALITY = 1L << 4, IORING_FEAT_FAST_POLL = 1L << 5, IORING_FEAT_POLL_32BITS = 1L << 6,
            IORING_FEAT_SQPOLL_NONFIXED = 1L << 7, IORING_FEAT_EXT_ARG = 1L << 8,
            IORING_FEAT_NATIVE_WORKERS = 1L << 9, IORING_FEAT_RSRC_TAGS = 1L << 10, IORING_FEAT_CQE_SKIP = 1L << 11,
            IORING_FEAT_LINKED_FILE = 1L << 12, IORING_FEAT_REG_REG_RING = 1L << 13,
            IORING_FEAT_RECVSEND_BUNDLE = 1L << 14, IORING_FEAT_MIN_TIMEOUT = 1L << 15,
            IORING_FEAT_RW_ATTR = 1L << 16, IORING_FEAT_NO_IOWAIT = 1L << 17;

    static final long IORING_OFF_SQ_RING = 0L, IORING_OFF_CQ_RING = 0x8000000L, IORING_OFF_SQES = 0x10000000L;

    static final long IORING_REGISTER_PROBE = 8;
    static final long IO_URING_OP_SUPPORTED = 1L << 0;

    /** {@code enum io_uring_op} of Linux 6.18, in order (IORING_OP_LAST follows PIPE). */
    static final List<String> IO_URING_OP = List.of("NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED",
            "POLL_ADD", "POLL_REMOVE", "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT", "TIMEOUT_REMOVE", "ACCEPT",
            "ASYNC_CANCEL", "LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ",
            "WRITE", "FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL", "SPLICE", "PROVIDE_BUFFERS",
            "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT", "SYMLINKAT", "LINKAT", "MSG_RING",
            "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC", "SENDMSG_ZC",
            "READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_WAITV", "FIXED_FD_INSTALL", "FTRUNCATE",
            "BIND", "LISTEN", "RECV_ZC", "EPOLL_WAIT", "READV_FIXED", "WRITEV_FIXED", "PIPE");
    /** The opcodes the header gained after 6.18, with IORING_SETUP_SQE_MIXED, appended in that order. */
    static final List<String> IO_URING_OP_AFTER = List.of("NOP128", "URING_CMD128");

    /** Syscall numbers of include/uapi/asm-generic/unistd.h (x86_64's table uses the same three). */
    static final long NR_IO_URING_SETUP = 425, NR_IO_URING_ENTER = 426, NR_IO_URING_REGISTER = 427;

    @Test
    void everyConstantIsTheHeaders() {
        CStruct.Pins p = new CStruct.Pins(IoUringAbi.class);
        p.pin("SYS_SETUP", NR_IO_URING_SETUP).pin("SYS_ENTER", NR_IO_URING_ENTER)
                .pin("SYS_REGISTER", NR_IO_URING_REGISTER);

        p.pin("SQE_SIZE", io_uring_sqe.byteSize()).pin("SQE128_SIZE", 2 * io_uring_sqe.byteSize())
                .pin("SQE_OPCODE", off(io_uring_sqe, "opcode")).pin("SQE_FLAGS", off(io_uring_sqe, "flags"))
                .pin("SQE_IOPRIO", off(io_uring_sqe, "ioprio")).pin("SQE_FD", off(io_uring_sqe, "fd"))
                .pin("SQE_OFF", off(io_uring_sqe, "off")).pin("SQE_CMD_OP", off(io_uring_sqe, "cmd_op"))
                .pin("SQE_ADDR", off(io_uring_sqe, "addr")).pin("SQE_LEN", off(io_uring_sqe, "len"))
                .pin("SQE_OP_FLAGS", off(io_uring_sqe, "rw_flags"))
                .pin("SQE_POLL32_EVENTS", off(io_uring_sqe, "poll32_events"))
                .pin("SQE_URING_CMD_FLAGS", off(io_uring_sqe, "uring_cmd_flags"))
                .pin("SQE_USER_DATA", off(io_uring_sqe, "user_data"))
                .pin("SQE_BUF_INDEX", off(io_uring_sqe, "buf_index"))
                .pin("SQE_PERSONALITY", off(io_uring_sqe, "personality"))
                .pin("SQE_FILE_INDEX", off(io_uring_sqe, "file_index")).pin("SQE_ADDR3", off(io_uring_sqe, "addr3"))
                .pin("SQE_CMD", off(io_uring_sqe, "cmd"))
                // "If the ring is initialized with IORING_SETUP_SQE128, then this field is used for 80 bytes of
                // arbitrary command data": cmd runs to the end of the SQE, 64 bytes longer with SQE128.
                .pin("SQE_CMD_SIZE", io_uring_sqe.byteSize() - off(io_uring_sqe, "cmd"))
                .pin("SQE128_CMD_SIZE", 80);
        assertEquals(80, 2 * io_uring_sqe.byteSize() - off(io_uring_sqe, "cmd"));

        // "If the ring is initialized with IORING_SETUP_CQE32, then this field contains 16-bytes of padding,
        // doubling the size of the CQE."
        p.pin("CQE_SIZE", io_uring_cqe.byteSize()).pin("CQE32_SIZE", 2 * io_uring_cqe.byteSize())
                .pin("CQE_USER_DATA", off(io_uring_cqe, "user_data")).pin("CQE_RES", off(io_uring_cqe, "res"))
                .pin("CQE_FLAGS", off(io_uring_cqe, "flags"));

        p.pin("PARAMS_SIZE", io_uring_params.byteSize())
                .pin("PARAMS_SQ_ENTRIES", off(io_uring_params, "sq_entries"))
                .pin("PARAMS_CQ_ENTRIES", off(io_uring_params, "cq_entries"))
                .pin("PARAMS_FLAGS", off(io_uring_params, "flags"))
                .pin("PARAMS_SQ_THREAD_CPU", off(io_uring_params, "sq_thread_cpu"))
                .pin("PARAMS_SQ_THREAD_IDLE", off(io_uring_params, "sq_thread_idle"))
                .pin("PARAMS_FEATURES", off(io_uring_params, "features"))
                .pin("PARAMS_WQ_FD", off(io_uring_params, "wq_fd"))
                .pin("PARAMS_SQ_OFF", off(io_uring_params, "sq_off"))
                .pin("PARAMS_CQ_OFF", off(io_uring_params, "cq_off"));

        p.pin("SQRING_OFFSETS_SIZE", io_sqring_offsets.byteSize())
                .pin("SQRING_HEAD", off(io_sqring_offsets, "head")).pin("SQRING_TAIL", off(io_sqring_offsets, "tail"))
                .pin("SQRING_RING_MASK", off(io_sqring_offsets, "ring_mask"))
                .pin("SQRING_RING_ENTRIES", off(io_sqring_offsets, "ring_entries"))
                .pin("SQRING_FLAGS", off(io_sqring_offsets, "flags"))
                .pin("SQRING_DROPPED", off(io_sqring_offsets, "dropped"))
                .pin("SQRING_ARRAY", off(io_sqring_offsets, "array"))
                .pin("SQRING_USER_ADDR", off(io_sqring_offsets, "user_addr"));
        p.pin("CQRING_OFFSETS_SIZE", io_cqring_offsets.byteSize())
                .pin("CQRING_HEAD", off(io_cqring_offsets, "head")).pin("CQRING_TAIL", off(io_cqring_offsets, "tail"))
                .pin("CQRING_RING_MASK", off(io_cqring_offsets, "ring_mask"))
                .pin("CQRING_RING_ENTRIES", off(io_cqring_offsets, "ring_entries"))
                .pin("CQRING_OVERFLOW", off(io_cqring_offsets, "overflow"))
                .pin("CQRING_CQES", off(io_cqring_offsets, "cqes")).pin("CQRING_FLAGS", off(io_cqring_offsets, "flags"))
                .pin("CQRING_USER_ADDR", off(io_cqring_offsets, "user_addr"));

        p.pin("SETUP_IOPOLL", IORING_SETUP_IOPOLL).pin("SETUP_SQPOLL", IORING_SETUP_SQPOLL)
                .pin("SETUP_SQ_AFF", IORING_SETUP_SQ_AFF).pin("SETUP_CQSIZE", IORING_SETUP_CQSIZE)
                .pin("SETUP_CLAMP", IORING_SETUP_CLAMP).pin("SETUP_ATTACH_WQ", IORING_SETUP_ATTACH_WQ)
                .pin("SETUP_R_DISABLED", IORING_SETUP_R_DISABLED).pin("SETUP_SUBMIT_ALL", IORING_SETUP_SUBMIT_ALL)
                .pin("SETUP_COOP_TASKRUN", IORING_SETUP_COOP_TASKRUN)
                .pin("SETUP_TASKRUN_FLAG", IORING_SETUP_TASKRUN_FLAG).pin("SETUP_SQE128", IORING_SETUP_SQE128)
                .pin("SETUP_CQE32", IORING_SETUP_CQE32).pin("SETUP_SINGLE_ISSUER", IORING_SETUP_SINGLE_ISSUER)
                .pin("SETUP_DEFER_TASKRUN", IORING_SETUP_DEFER_TASKRUN).pin("SETUP_NO_MMAP", IORING_SETUP_NO_MMAP)
                .pin("SETUP_REGISTERED_FD_ONLY", IORING_SETUP_REGISTERED_FD_ONLY)
                .pin("SETUP_NO_SQARRAY", IORING_SETUP_NO_SQARRAY)
                .pin("SETUP_HYBRID_IOPOLL", IORING_SETUP_HYBRID_IOPOLL).pin("SETUP_CQE_MIXED", IORING_SETUP_CQE_MIXED);
        p.pin("SQ_NEED_WAKEUP", IORING_SQ_NEED_WAKEUP).pin("SQ_CQ_OVERFLOW", IORING_SQ_CQ_OVERFLOW)
                .pin("SQ_TASKRUN", IORING_SQ_TASKRUN);
        p.pin("ENTER_GETEVENTS", IORING_ENTER_GETEVENTS).pin("ENTER_SQ_WAKEUP", IORING_ENTER_SQ_WAKEUP)
                .pin("ENTER_SQ_WAIT", IORING_ENTER_SQ_WAIT).pin("ENTER_EXT_ARG", IORING_ENTER_EXT_ARG)
                .pin("ENTER_REGISTERED_RING", IORING_ENTER_REGISTERED_RING)
                .pin("ENTER_ABS_TIMER", IORING_ENTER_ABS_TIMER).pin("ENTER_EXT_ARG_REG", IORING_ENTER_EXT_ARG_REG)
                .pin("ENTER_NO_IOWAIT", IORING_ENTER_NO_IOWAIT);
        p.pin("FEAT_SINGLE_MMAP", IORING_FEAT_SINGLE_MMAP).pin("FEAT_NODROP", IORING_FEAT_NODROP)
                .pin("FEAT_SUBMIT_STABLE", IORING_FEAT_SUBMIT_STABLE).pin("FEAT_RW_CUR_POS", IORING_FEAT_RW_CUR_POS)
                .pin("FEAT_CUR_PERSONALITY", IORING_FEAT_CUR_PERSONALITY).pin("FEAT_FAST_POLL", IORING_FEAT_FAST_POLL)
                .pin("FEAT_POLL_32BITS", IORING_FEAT_POLL_32BITS)
                .pin("FEAT_SQPOLL_NONFIXED", IORING_FEAT_SQPOLL_NONFIXED).pin("FEAT_EXT_ARG", IORING_FEAT_EXT_ARG)
                .pin("FEAT_NATIVE_WORKERS", IORING_FEAT_NATIVE_WORKERS).pin("FEAT_RSRC_TAGS", IORING_FEAT_RSRC_TAGS)
                .pin("FEAT_CQE_SKIP", IORING_FEAT_CQE_SKIP).pin("FEAT_LINKED_FILE", IORING_FEAT_LINKED_FILE)
                .pin("FEAT_REG_REG_RING", IORING_FEAT_REG_REG_RING)
                .pin("FEAT_RECVSEND_BUNDLE", IORING_FEAT_RECVSEND_BUNDLE)
                .pin("FEAT_MIN_TIMEOUT", IORING_FEAT_MIN_TIMEOUT).pin("FEAT_RW_ATTR", IORING_FEAT_RW_ATTR)
                .pin("FEAT_NO_IOWAIT", IORING_FEAT_NO_IOWAIT);

        p.pin("OFF_SQ_RING", IORING_OFF_SQ_RING).pin("OFF_CQ_RING", IORING_OFF_CQ_RING).pin("OFF_SQES", IORING_OFF_SQES);

        p.pin("OP_POLL_ADD", IO_URING_OP.indexOf("POLL_ADD")).pin("OP_URING_CMD", IO_URING_OP.indexOf("URING_CMD"));
        p.pin("REGISTER_PROBE", IORING_REGISTER_PROBE);

        p.pin("PROBE_SIZE", io_uring_probe.byteSize()).pin("PROBE_LAST_OP", off(io_uring_probe, "last_op"))
                .pin("PROBE_OPS_LEN", off(io_uring_probe, "ops_len")).pin("PROBE_OPS", off(io_uring_probe, "ops"))
                .pin("PROBE_OP_SIZE", io_uring_probe_op.byteSize()).pin("PROBE_OP_OP", off(io_uring_probe_op, "op"))
                .pin("PROBE_OP_FLAGS", off(io_uring_probe_op, "flags")).pin("OP_SUPPORTED", IO_URING_OP_SUPPORTED);
        p.check();
    }

    @Test
    void opcodeNamesInTheHeadersOrder() {
        List<String> all = new java.util.ArrayList<>(IO_URING_OP);
        all.addAll(IO_URING_OP_AFTER);
        assertEquals(all, IoUringAbi.OP_NAMES);
    }

    @Test
    void compilerSizes() {
        // What gcc's sizeof says of the header's structs: a check of CStruct's C rules, unions and packing included.
        assertEquals(64, io_uring_sqe.byteSize());
        assertEquals(16, io_uring_cqe.byteSize());
        assertEquals(120, io_uring_params.byteSize());
        assertEquals(16, io_uring_probe.byteSize());
        assertEquals(8, io_uring_probe_op.byteSize());
    }
}
