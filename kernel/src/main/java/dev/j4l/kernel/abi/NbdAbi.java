package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/linux/nbd.h} of Linux 6.1, as far as handing a connected socket to the kernel's NBD client
 * uses it: the ioctl numbers of {@code /dev/nbdN} (all {@code _IO(0xab, n)}: their argument is a value, never an
 * address) and the transmission flags the client reads. Pinned against the header by {@code NbdAbiTest}.
 */
public final class NbdAbi {
    private NbdAbi() {}

    // ioctls of /dev/nbdN
    public static final int NBD_SET_SOCK = 0xab00, NBD_SET_BLKSIZE = 0xab01, NBD_SET_SIZE = 0xab02,
            NBD_DO_IT = 0xab03, NBD_CLEAR_SOCK = 0xab04, NBD_CLEAR_QUE = 0xab05, NBD_SET_SIZE_BLOCKS = 0xab07,
            NBD_DISCONNECT = 0xab08, NBD_SET_TIMEOUT = 0xab09, NBD_SET_FLAGS = 0xab0a;

    // Transmission flags (the server's, as NBD_SET_FLAGS passes them): what the client may send
    public static final int NBD_FLAG_HAS_FLAGS = 1, NBD_FLAG_READ_ONLY = 1 << 1, NBD_FLAG_SEND_FLUSH = 1 << 2,
            NBD_FLAG_SEND_FUA = 1 << 3, NBD_FLAG_SEND_TRIM = 1 << 5, NBD_FLAG_CAN_MULTI_CONN = 1 << 8;

    /** Block major of NBD devices (NBD_MAJOR in include/uapi/linux/major.h). */
    public static final int NBD_MAJOR = 43;
}
