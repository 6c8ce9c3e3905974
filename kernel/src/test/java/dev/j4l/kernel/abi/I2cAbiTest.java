package dev.j4l.kernel.abi;

import static dev.j4l.kernel.abi.CStruct.U16;
import static dev.j4l.kernel.abi.CStruct.U32;
import static dev.j4l.kernel.abi.CStruct.U64;
import static dev.j4l.kernel.abi.CStruct.U8;
import static dev.j4l.kernel.abi.CStruct.array;
import static dev.j4l.kernel.abi.CStruct.f;
import static dev.j4l.kernel.abi.CStruct.off;
import static dev.j4l.kernel.abi.CStruct.struct;
import static dev.j4l.kernel.abi.CStruct.union;

import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import org.junit.jupiter.api.Test;

/**
 * {@link I2cAbi} against {@code include/uapi/linux/i2c-dev.h} and {@code include/uapi/linux/i2c.h} of Linux 6.1:
 * the structs transcribed member by member (LP64: a pointer is 8 bytes, written {@code U64} here), the ioctl
 * numbers and flags as the headers write them.
 */
class I2cAbiTest {
    static final int I2C_SMBUS_BLOCK_MAX = 32;

    static final UnionLayout i2c_smbus_data = union("i2c_smbus_data",
            f("byte", U8), f("word", U16), array("block", I2C_SMBUS_BLOCK_MAX + 2, U8));

    static final StructLayout i2c_smbus_ioctl_data = struct("i2c_smbus_ioctl_data",
            f("read_write", U8), f("command", U8), f("size", U32), f("data", U64));

    static final StructLayout i2c_msg = struct("i2c_msg",
            f("addr", U16), f("flags", U16), f("len", U16), f("buf", U64));

    static final StructLayout i2c_rdwr_ioctl_data = struct("i2c_rdwr_ioctl_data", f("msgs", U64), f("nmsgs", U32));

    @Test
    void everyConstantIsTheHeaders() {
        new CStruct.Pins(I2cAbi.class)
                // i2c-dev.h: #define I2C_SLAVE 0x0703 ... I2C_SMBUS 0x0720
                .pin("I2C_SLAVE", 0x0703).pin("I2C_SLAVE_FORCE", 0x0706).pin("I2C_FUNCS", 0x0705)
                .pin("I2C_RDWR", 0x0707).pin("I2C_SMBUS", 0x0720)
                .pin("RDWR_IOCTL_MAX_MSGS", 42)
                // drivers/i2c/i2c-dev.c, i2cdev_ioctl_rdwr: if (msgs[i].len > 8192) res = -EINVAL
                .pin("RDWR_MAX_MESSAGE_LENGTH", 8192)
                .pin("SMBUS_IOCTL_SIZE", i2c_smbus_ioctl_data.byteSize())
                .pin("SMBUS_IOCTL_READ_WRITE", off(i2c_smbus_ioctl_data, "read_write"))
                .pin("SMBUS_IOCTL_COMMAND", off(i2c_smbus_ioctl_data, "command"))
                .pin("SMBUS_IOCTL_KIND", off(i2c_smbus_ioctl_data, "size"))
                .pin("SMBUS_IOCTL_DATA", off(i2c_smbus_ioctl_data, "data"))
                .pin("SMBUS_BLOCK_MAX", I2C_SMBUS_BLOCK_MAX)
                .pin("SMBUS_DATA_SIZE", i2c_smbus_data.byteSize())
                .pin("SMBUS_DATA_ALIGN", i2c_smbus_data.byteAlignment())
                .pin("RDWR_IOCTL_SIZE", i2c_rdwr_ioctl_data.byteSize())
                .pin("RDWR_IOCTL_MSGS", off(i2c_rdwr_ioctl_data, "msgs"))
                .pin("RDWR_IOCTL_NMSGS", off(i2c_rdwr_ioctl_data, "nmsgs"))
                .pin("MSG_SIZE", i2c_msg.byteSize())
                .pin("MSG_ADDR", off(i2c_msg, "addr")).pin("MSG_FLAGS", off(i2c_msg, "flags"))
                .pin("MSG_LEN", off(i2c_msg, "len")).pin("MSG_BUF", off(i2c_msg, "buf"))
                // i2c.h: #define I2C_M_RD 0x0001 ...
                .pin("MessageFlags.RD", 0x0001).pin("MessageFlags.TEN", 0x0010)
                .pin("MessageFlags.RECV_LEN", 0x0400).pin("MessageFlags.NO_RD_ACK", 0x0800)
                .pin("MessageFlags.IGNORE_NAK", 0x1000).pin("MessageFlags.REV_DIR_ADDR", 0x2000)
                .pin("MessageFlags.NOSTART", 0x4000).pin("MessageFlags.STOP", 0x8000)
                // #define I2C_SMBUS_READ 1, I2C_SMBUS_WRITE 0; I2C_SMBUS_QUICK 0 ... I2C_SMBUS_I2C_BLOCK_DATA 8
                .pin("SMBUS_READ", 1).pin("SMBUS_WRITE", 0)
                .pin("SmbusKind.QUICK", 0).pin("SmbusKind.BYTE", 1).pin("SmbusKind.BYTE_DATA", 2)
                .pin("SmbusKind.WORD_DATA", 3).pin("SmbusKind.PROC_CALL", 4).pin("SmbusKind.BLOCK_DATA", 5)
                .pin("SmbusKind.I2C_BLOCK_BROKEN", 6).pin("SmbusKind.BLOCK_PROC_CALL", 7)
                .pin("SmbusKind.I2C_BLOCK_DATA", 8)
                // #define I2C_FUNC_I2C 0x00000001 ... I2C_FUNC_SMBUS_HOST_NOTIFY 0x10000000
                .pin("Functionality.I2C", 0x00000001).pin("Functionality.TEN_BIT_ADDR", 0x00000002)
                .pin("Functionality.PROTOCOL_MANGLING", 0x00000004).pin("Functionality.SMBUS_PEC", 0x00000008)
                .pin("Functionality.NOSTART", 0x00000010).pin("Functionality.SLAVE", 0x00000020)
                .pin("Functionality.SMBUS_BLOCK_PROC_CALL", 0x00008000)
                .pin("Functionality.SMBUS_QUICK", 0x00010000)
                .pin("Functionality.SMBUS_READ_BYTE", 0x00020000).pin("Functionality.SMBUS_WRITE_BYTE", 0x00040000)
                .pin("Functionality.SMBUS_READ_BYTE_DATA", 0x00080000)
                .pin("Functionality.SMBUS_WRITE_BYTE_DATA", 0x00100000)
                .pin("Functionality.SMBUS_READ_WORD_DATA", 0x00200000)
                .pin("Functionality.SMBUS_WRITE_WORD_DATA", 0x00400000)
                .pin("Functionality.SMBUS_PROC_CALL", 0x00800000)
                .pin("Functionality.SMBUS_READ_BLOCK_DATA", 0x01000000)
                .pin("Functionality.SMBUS_WRITE_BLOCK_DATA", 0x02000000)
                .pin("Functionality.SMBUS_READ_I2C_BLOCK", 0x04000000)
                .pin("Functionality.SMBUS_WRITE_I2C_BLOCK", 0x08000000)
                .pin("Functionality.SMBUS_HOST_NOTIFY", 0x10000000)
                .check();
    }
}
