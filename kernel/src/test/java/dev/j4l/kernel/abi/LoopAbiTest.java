package dev.j4l.kernel.abi;

import static dev.j4l.kernel.abi.CStruct.U32;
import static dev.j4l.kernel.abi.CStruct.U64;
import static dev.j4l.kernel.abi.CStruct.U8;
import static dev.j4l.kernel.abi.CStruct.array;
import static dev.j4l.kernel.abi.CStruct.f;
import static dev.j4l.kernel.abi.CStruct.off;
import static dev.j4l.kernel.abi.CStruct.struct;

import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/**
 * {@link LoopAbi} against {@code include/uapi/linux/loop.h} of Linux 6.18: the structs transcribed member by
 * member, the ioctl numbers and flags as the header writes them, and every constant of {@code LoopAbi} checked.
 */
class LoopAbiTest {
    static final int LO_NAME_SIZE = 64, LO_KEY_SIZE = 32;

    static final StructLayout loop_info64 = struct("loop_info64",
            f("lo_device", U64), f("lo_inode", U64), f("lo_rdevice", U64), f("lo_offset", U64),
            f("lo_sizelimit", U64), f("lo_number", U32), f("lo_encrypt_type", U32),
            f("lo_encrypt_key_size", U32), f("lo_flags", U32), array("lo_file_name", LO_NAME_SIZE, U8),
            array("lo_crypt_name", LO_NAME_SIZE, U8), array("lo_encrypt_key", LO_KEY_SIZE, U8),
            array("lo_init", 2, U64));

    static final StructLayout loop_config = struct("loop_config",
            f("fd", U32), f("block_size", U32), f("info", loop_info64), array("__reserved", 8, U64));

    // #define LOOP_CLR_FD 0x4C01 ... (loop.h writes the numbers in hex)
    static final long LOOP_CLR_FD = 0x4C01, LOOP_GET_STATUS64 = 0x4C05, LOOP_SET_CAPACITY = 0x4C07,
            LOOP_CONFIGURE = 0x4C0A, LOOP_CTL_GET_FREE = 0x4C82;
    static final long LO_FLAGS_READ_ONLY = 1, LO_FLAGS_AUTOCLEAR = 4, LO_FLAGS_PARTSCAN = 8, LO_FLAGS_DIRECT_IO = 16;

    @Test
    void everyConstantIsTheHeaders() {
        new CStruct.Pins(LoopAbi.class)
                .pin("LOOP_CLR_FD", LOOP_CLR_FD).pin("LOOP_GET_STATUS64", LOOP_GET_STATUS64)
                .pin("LOOP_SET_CAPACITY", LOOP_SET_CAPACITY).pin("LOOP_CONFIGURE", LOOP_CONFIGURE)
                .pin("LOOP_CTL_GET_FREE", LOOP_CTL_GET_FREE)
                .pin("LO_FLAGS_READ_ONLY", LO_FLAGS_READ_ONLY).pin("LO_FLAGS_AUTOCLEAR", LO_FLAGS_AUTOCLEAR)
                .pin("LO_FLAGS_PARTSCAN", LO_FLAGS_PARTSCAN).pin("LO_FLAGS_DIRECT_IO", LO_FLAGS_DIRECT_IO)
                .pin("LO_NAME_SIZE", LO_NAME_SIZE)
                .pin("INFO64_SIZE", loop_info64.byteSize())
                .pin("INFO64_DEVICE", off(loop_info64, "lo_device")).pin("INFO64_INODE", off(loop_info64, "lo_inode"))
                .pin("INFO64_RDEVICE", off(loop_info64, "lo_rdevice"))
                .pin("INFO64_OFFSET", off(loop_info64, "lo_offset"))
                .pin("INFO64_SIZELIMIT", off(loop_info64, "lo_sizelimit"))
                .pin("INFO64_NUMBER", off(loop_info64, "lo_number")).pin("INFO64_FLAGS", off(loop_info64, "lo_flags"))
                .pin("INFO64_FILE_NAME", off(loop_info64, "lo_file_name"))
                .pin("CONFIG_SIZE", loop_config.byteSize())
                .pin("CONFIG_FD", off(loop_config, "fd")).pin("CONFIG_BLOCK_SIZE", off(loop_config, "block_size"))
                .pin("CONFIG_INFO", off(loop_config, "info"))
                .check();
    }
}
