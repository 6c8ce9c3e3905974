package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/linux/i2c-dev.h} with the parts of {@code include/uapi/linux/i2c.h} it uses, Linux 6.1: the
 * ioctls of {@code /dev/i2c-N}, the layouts of {@code struct i2c_smbus_ioctl_data}, {@code union i2c_smbus_data},
 * {@code struct i2c_rdwr_ioctl_data} and {@code struct i2c_msg} (LP64), the message flags, the SMBus transaction
 * kinds and the adapter functionality bits. Pinned against the headers by {@code I2cAbiTest}.
 */
public final class I2cAbi {
    private I2cAbi() {}

    // ioctls of /dev/i2c-N (i2c-dev.h). They predate _IOC: plain numbers, the argument's kind fixed by the driver.
    /** Sets the client's 7-bit (or 10-bit) address; the argument is the address, by value. EBUSY if a kernel driver has it. */
    public static final long I2C_SLAVE = 0x0703;
    /** {@link #I2C_SLAVE}, even when a kernel driver has the address. */
    public static final long I2C_SLAVE_FORCE = 0x0706;
    /** The kernel writes the adapter's functionality bits ({@code I2C_FUNC_*}) to an {@code unsigned long}. */
    public static final long I2C_FUNCS = 0x0705;
    /** Combined transfers: a {@code struct i2c_rdwr_ioctl_data} naming an array of {@code struct i2c_msg}. */
    public static final long I2C_RDWR = 0x0707;
    /** One SMBus transaction: a {@code struct i2c_smbus_ioctl_data} naming a {@code union i2c_smbus_data}. */
    public static final long I2C_SMBUS = 0x0720;

    /** The most messages one {@link #I2C_RDWR} takes ({@code I2C_RDWR_IOCTL_MAX_MSGS}). */
    public static final int RDWR_IOCTL_MAX_MSGS = 42;
    /**
     * The longest message {@link #I2C_RDWR} takes: not in the header but in {@code drivers/i2c/i2c-dev.c}
     * ({@code i2cdev_ioctl_rdwr} refuses a longer {@code len} with EINVAL, "a sane amount").
     */
    public static final int RDWR_MAX_MESSAGE_LENGTH = 8192;

    // struct i2c_smbus_ioctl_data { __u8 read_write; __u8 command; __u32 size; union i2c_smbus_data *data; }
    public static final int SMBUS_IOCTL_SIZE = 16;
    public static final int SMBUS_IOCTL_READ_WRITE = 0, SMBUS_IOCTL_COMMAND = 1, SMBUS_IOCTL_KIND = 4, SMBUS_IOCTL_DATA = 8;

    // union i2c_smbus_data { __u8 byte; __u16 word; __u8 block[I2C_SMBUS_BLOCK_MAX + 2]; }
    /** {@code I2C_SMBUS_BLOCK_MAX}: the most data bytes of an SMBus block transfer. */
    public static final int SMBUS_BLOCK_MAX = 32;
    /** The union's size: a length byte, 32 data bytes and one for PEC. */
    public static final int SMBUS_DATA_SIZE = 34;
    public static final int SMBUS_DATA_ALIGN = 2;

    // struct i2c_rdwr_ioctl_data { struct i2c_msg *msgs; __u32 nmsgs; }
    public static final int RDWR_IOCTL_SIZE = 16;
    public static final int RDWR_IOCTL_MSGS = 0, RDWR_IOCTL_NMSGS = 8;

    // struct i2c_msg { __u16 addr; __u16 flags; __u16 len; __u8 *buf; }
    public static final int MSG_SIZE = 16;
    public static final int MSG_ADDR = 0, MSG_FLAGS = 2, MSG_LEN = 4, MSG_BUF = 8;

    /** {@code I2C_M_*}: the flags of a {@code struct i2c_msg}. */
    public static final class MessageFlags {
        private MessageFlags() {}

        public static final int RD = 0x0001;
        public static final int TEN = 0x0010;
        public static final int RECV_LEN = 0x0400;
        public static final int NO_RD_ACK = 0x0800;
        public static final int IGNORE_NAK = 0x1000;
        public static final int REV_DIR_ADDR = 0x2000;
        public static final int NOSTART = 0x4000;
        public static final int STOP = 0x8000;
    }

    /** {@code I2C_SMBUS_READ}, {@code I2C_SMBUS_WRITE}: {@code read_write} of an SMBus transaction. */
    public static final int SMBUS_READ = 1, SMBUS_WRITE = 0;

    /** {@code I2C_SMBUS_*}: the {@code size} of an SMBus transaction, i.e. its kind. */
    public static final class SmbusKind {
        private SmbusKind() {}

        public static final int QUICK = 0;
        public static final int BYTE = 1;
        public static final int BYTE_DATA = 2;
        public static final int WORD_DATA = 3;
        public static final int PROC_CALL = 4;
        public static final int BLOCK_DATA = 5;
        public static final int I2C_BLOCK_BROKEN = 6;
        public static final int BLOCK_PROC_CALL = 7;
        public static final int I2C_BLOCK_DATA = 8;
    }

    /** {@code I2C_FUNC_*}: what an adapter can do, as {@link #I2C_FUNCS} reports it. */
    public static final class Functionality {
        private Functionality() {}

        public static final long I2C = 0x00000001L;
        public static final long TEN_BIT_ADDR = 0x00000002L;
        public static final long PROTOCOL_MANGLING = 0x00000004L;
        public static final long SMBUS_PEC = 0x00000008L;
        public static final long NOSTART = 0x00000010L;
        public static final long SLAVE = 0x00000020L;
        public static final long SMBUS_BLOCK_PROC_CALL = 0x00008000L;
        public static final long SMBUS_QUICK = 0x00010000L;
        public static final long SMBUS_READ_BYTE = 0x00020000L;
        public static final long SMBUS_WRITE_BYTE = 0x00040000L;
        public static final long SMBUS_READ_BYTE_DATA = 0x00080000L;
        public static final long SMBUS_WRITE_BYTE_DATA = 0x00100000L;
        public static final long SMBUS_READ_WORD_DATA = 0x00200000L;
        public static final long SMBUS_WRITE_WORD_DATA = 0x00400000L;
        public static final long SMBUS_PROC_CALL = 0x00800000L;
        public static final long SMBUS_READ_BLOCK_DATA = 0x01000000L;
        public static final long SMBUS_WRITE_BLOCK_DATA = 0x02000000L;
        public static final long SMBUS_READ_I2C_BLOCK = 0x04000000L;
        public static final long SMBUS_WRITE_I2C_BLOCK = 0x08000000L;
        public static final long SMBUS_HOST_NOTIFY = 0x10000000L;
    }
}
