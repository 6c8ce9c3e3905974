package dev.j4l.kernel.abi;

import static dev.j4l.kernel.abi.CStruct.S32;
import static dev.j4l.kernel.abi.CStruct.U16;
import static dev.j4l.kernel.abi.CStruct.U32;
import static dev.j4l.kernel.abi.CStruct.U64;
import static dev.j4l.kernel.abi.CStruct.U8;
import static dev.j4l.kernel.abi.CStruct.array;
import static dev.j4l.kernel.abi.CStruct.f;
import static dev.j4l.kernel.abi.CStruct.off;
import static dev.j4l.kernel.abi.CStruct.struct;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/**
 * {@link UblkAbi} against {@code include/uapi/linux/ublk_cmd.h} of Linux 6.1: the structs transcribed member by
 * member, the command numbers, operations and flags as the header writes them, and every constant checked; the
 * ioctl-encoded numbers against the values later headers define ({@code UBLK_U_CMD_*}, {@code UBLK_U_IO_*}).
 */
class UblkAbiTest {
    static final StructLayout ublksrv_ctrl_cmd = struct("ublksrv_ctrl_cmd",
            f("dev_id", U32), f("queue_id", U16), f("len", U16), f("addr", U64), array("data", 2, U64));

    static final StructLayout ublksrv_ctrl_dev_info = struct("ublksrv_ctrl_dev_info",
            f("nr_hw_queues", U16), f("queue_depth", U16), f("state", U16), f("pad0", U16),
            f("max_io_buf_bytes", U32), f("dev_id", U32), f("ublksrv_pid", S32), f("pad1", U32),
            f("flags", U64), f("ublksrv_flags", U64), f("reserved0", U64), f("reserved1", U64), f("reserved2", U64));

    static final StructLayout ublksrv_io_desc = struct("ublksrv_io_desc",
            f("op_flags", U32), f("nr_sectors", U32), f("start_sector", U64), f("addr", U64));

    static final StructLayout ublksrv_io_cmd = struct("ublksrv_io_cmd",
            f("q_id", U16), f("tag", U16), f("result", S32), f("addr", U64));

    static final StructLayout ublk_param_basic = struct("ublk_param_basic",
            f("attrs", U32), f("logical_bs_shift", U8), f("physical_bs_shift", U8), f("io_opt_shift", U8),
            f("io_min_shift", U8), f("max_sectors", U32), f("chunk_sectors", U32), f("dev_sectors", U64),
            f("virt_boundary_mask", U64));

    static final StructLayout ublk_param_discard = struct("ublk_param_discard",
            f("discard_alignment", U32), f("discard_granularity", U32), f("max_discard_sectors", U32),
            f("max_write_zeroes_sectors", U32), f("max_discard_segments", U16), f("reserved0", U16));

    static final StructLayout ublk_params = struct("ublk_params",
            f("len", U32), f("types", U32), f("basic", ublk_param_basic), f("discard", ublk_param_discard));

    @Test
    void everyConstantIsTheHeaders() {
        new CStruct.Pins(UblkAbi.class)
                // #define UBLK_CMD_GET_QUEUE_AFFINITY 0x01 ... UBLK_CMD_END_USER_RECOVERY 0x11
                .pin("CMD_GET_QUEUE_AFFINITY", 0x01).pin("CMD_GET_DEV_INFO", 0x02).pin("CMD_ADD_DEV", 0x04)
                .pin("CMD_DEL_DEV", 0x05).pin("CMD_START_DEV", 0x06).pin("CMD_STOP_DEV", 0x07)
                .pin("CMD_SET_PARAMS", 0x08).pin("CMD_GET_PARAMS", 0x09).pin("CMD_START_USER_RECOVERY", 0x10)
                .pin("CMD_END_USER_RECOVERY", 0x11)
                .pin("IO_FETCH_REQ", 0x20).pin("IO_COMMIT_AND_FETCH_REQ", 0x21).pin("IO_NEED_GET_DATA", 0x22)
                // UBLK_IO_RES_ABORT is (-ENODEV); ENODEV is 19 (asm-generic/errno-base.h)
                .pin("IO_RES_OK", 0).pin("IO_RES_NEED_GET_DATA", 1).pin("IO_RES_ABORT", -19)
                .pin("CMD_BUF_OFFSET", 0).pin("IO_BUF_OFFSET", 0x80000000L).pin("MAX_QUEUE_DEPTH", 4096)
                .pin("F_SUPPORT_ZERO_COPY", 1L << 0).pin("F_URING_CMD_COMP_IN_TASK", 1L << 1)
                .pin("F_NEED_GET_DATA", 1L << 2).pin("F_USER_RECOVERY", 1L << 3).pin("F_USER_RECOVERY_REISSUE", 1L << 4)
                .pin("F_CMD_IOCTL_ENCODE", 1L << 6) // Linux 6.3's header
                .pin("S_DEV_DEAD", 0).pin("S_DEV_LIVE", 1).pin("S_DEV_QUIESCED", 2)
                .pin("CTRL_CMD_SIZE", ublksrv_ctrl_cmd.byteSize())
                .pin("CTRL_CMD_DEV_ID", off(ublksrv_ctrl_cmd, "dev_id"))
                .pin("CTRL_CMD_QUEUE_ID", off(ublksrv_ctrl_cmd, "queue_id"))
                .pin("CTRL_CMD_LEN", off(ublksrv_ctrl_cmd, "len")).pin("CTRL_CMD_ADDR", off(ublksrv_ctrl_cmd, "addr"))
                .pin("CTRL_CMD_DATA", off(ublksrv_ctrl_cmd, "data"))
                .pin("DEV_INFO_SIZE", ublksrv_ctrl_dev_info.byteSize())
                .pin("DEV_INFO_NR_HW_QUEUES", off(ublksrv_ctrl_dev_info, "nr_hw_queues"))
                .pin("DEV_INFO_QUEUE_DEPTH", off(ublksrv_ctrl_dev_info, "queue_depth"))
                .pin("DEV_INFO_STATE", off(ublksrv_ctrl_dev_info, "state"))
                .pin("DEV_INFO_MAX_IO_BUF_BYTES", off(ublksrv_ctrl_dev_info, "max_io_buf_bytes"))
                .pin("DEV_INFO_DEV_ID", off(ublksrv_ctrl_dev_info, "dev_id"))
                .pin("DEV_INFO_UBLKSRV_PID", off(ublksrv_ctrl_dev_info, "ublksrv_pid"))
                .pin("DEV_INFO_FLAGS", off(ublksrv_ctrl_dev_info, "flags"))
                .pin("DEV_INFO_UBLKSRV_FLAGS", off(ublksrv_ctrl_dev_info, "ublksrv_flags"))
                .pin("IO_OP_READ", 0).pin("IO_OP_WRITE", 1).pin("IO_OP_FLUSH", 2).pin("IO_OP_DISCARD", 3)
                .pin("IO_OP_WRITE_SAME", 4).pin("IO_OP_WRITE_ZEROES", 5)
                .pin("IO_F_FAILFAST_DEV", 1 << 8).pin("IO_F_FAILFAST_TRANSPORT", 1 << 9)
                .pin("IO_F_FAILFAST_DRIVER", 1 << 10).pin("IO_F_META", 1 << 11).pin("IO_F_FUA", 1 << 13)
                .pin("IO_F_NOUNMAP", 1 << 15).pin("IO_F_SWAP", 1 << 16)
                .pin("IO_DESC_SIZE", ublksrv_io_desc.byteSize())
                .pin("IO_DESC_OP_FLAGS", off(ublksrv_io_desc, "op_flags"))
                .pin("IO_DESC_NR_SECTORS", off(ublksrv_io_desc, "nr_sectors"))
                .pin("IO_DESC_START_SECTOR", off(ublksrv_io_desc, "start_sector"))
                .pin("IO_DESC_ADDR", off(ublksrv_io_desc, "addr"))
                .pin("IO_CMD_SIZE", ublksrv_io_cmd.byteSize())
                .pin("IO_CMD_Q_ID", off(ublksrv_io_cmd, "q_id")).pin("IO_CMD_TAG", off(ublksrv_io_cmd, "tag"))
                .pin("IO_CMD_RESULT", off(ublksrv_io_cmd, "result")).pin("IO_CMD_ADDR", off(ublksrv_io_cmd, "addr"))
                .pin("ATTR_READ_ONLY", 1 << 0).pin("ATTR_ROTATIONAL", 1 << 1).pin("ATTR_VOLATILE_CACHE", 1 << 2)
                .pin("ATTR_FUA", 1 << 3)
                .pin("PARAM_TYPE_BASIC", 1 << 0).pin("PARAM_TYPE_DISCARD", 1 << 1)
                .pin("PARAMS_SIZE", ublk_params.byteSize())
                .pin("PARAMS_LEN", off(ublk_params, "len")).pin("PARAMS_TYPES", off(ublk_params, "types"))
                .pin("PARAMS_BASIC", off(ublk_params, "basic")).pin("PARAMS_DISCARD", off(ublk_params, "discard"))
                .pin("BASIC_ATTRS", off(ublk_param_basic, "attrs"))
                .pin("BASIC_LOGICAL_BS_SHIFT", off(ublk_param_basic, "logical_bs_shift"))
                .pin("BASIC_PHYSICAL_BS_SHIFT", off(ublk_param_basic, "physical_bs_shift"))
                .pin("BASIC_IO_OPT_SHIFT", off(ublk_param_basic, "io_opt_shift"))
                .pin("BASIC_IO_MIN_SHIFT", off(ublk_param_basic, "io_min_shift"))
                .pin("BASIC_MAX_SECTORS", off(ublk_param_basic, "max_sectors"))
                .pin("BASIC_CHUNK_SECTORS", off(ublk_param_basic, "chunk_sectors"))
                .pin("BASIC_DEV_SECTORS", off(ublk_param_basic, "dev_sectors"))
                .pin("BASIC_VIRT_BOUNDARY_MASK", off(ublk_param_basic, "virt_boundary_mask"))
                .pin("DISCARD_ALIGNMENT", off(ublk_param_discard, "discard_alignment"))
                .pin("DISCARD_GRANULARITY", off(ublk_param_discard, "discard_granularity"))
                .pin("DISCARD_MAX_DISCARD_SECTORS", off(ublk_param_discard, "max_discard_sectors"))
                .pin("DISCARD_MAX_WRITE_ZEROES_SECTORS", off(ublk_param_discard, "max_write_zeroes_sectors"))
                .pin("DISCARD_MAX_DISCARD_SEGMENTS", off(ublk_param_discard, "max_discard_segments"))
                .pin("IOCTL_TYPE", 'u').pin("IOC_READ", 2).pin("IOC_READ_WRITE", 3)
                .check();
    }

    /** {@code UBLK_U_CMD_ADD_DEV} is {@code _IOWR('u', 0x04, struct ublksrv_ctrl_cmd)} and so on (Linux 6.3+). */
    @Test
    void ioctlEncodedNumbersAreTheLaterHeaders() {
        // _IOC(dir, type, nr, size) = dir << 30 | size << 16 | type << 8 | nr (asm-generic/ioctl.h)
        assertEquals(0xC0207504, UblkAbi.ioctlEncoded(UblkAbi.IOC_READ_WRITE, UblkAbi.CMD_ADD_DEV, UblkAbi.CTRL_CMD_SIZE));
        assertEquals(0x80207502, UblkAbi.ioctlEncoded(UblkAbi.IOC_READ, UblkAbi.CMD_GET_DEV_INFO, UblkAbi.CTRL_CMD_SIZE));
        assertEquals(0xC0107520, UblkAbi.ioctlEncoded(UblkAbi.IOC_READ_WRITE, UblkAbi.IO_FETCH_REQ, UblkAbi.IO_CMD_SIZE));
        assertEquals(0xC0107521,
                UblkAbi.ioctlEncoded(UblkAbi.IOC_READ_WRITE, UblkAbi.IO_COMMIT_AND_FETCH_REQ, UblkAbi.IO_CMD_SIZE));
    }
}
