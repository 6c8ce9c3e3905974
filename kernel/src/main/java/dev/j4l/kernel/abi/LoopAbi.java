package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/linux/loop.h} of Linux 6.18, as far as attaching a file to a loop device uses it: the
 * ioctl numbers of {@code /dev/loopN} and {@code /dev/loop-control}, the {@code LO_FLAGS_*}, and the layouts of
 * {@code struct loop_info64} and {@code struct loop_config}. Pinned against the header by {@code LoopAbiTest}.
 */
public final class LoopAbi {
    private LoopAbi() {}

    // ioctls of /dev/loopN ('L' requests, encoded without size: the kernel's loop driver copies the struct)
    public static final int LOOP_CLR_FD = 0x4C01, LOOP_GET_STATUS64 = 0x4C05, LOOP_SET_CAPACITY = 0x4C07,
            LOOP_CONFIGURE = 0x4C0A;
    // ioctls of /dev/loop-control
    public static final int LOOP_CTL_GET_FREE = 0x4C82;

    // lo_flags
    public static final int LO_FLAGS_READ_ONLY = 1, LO_FLAGS_AUTOCLEAR = 4, LO_FLAGS_PARTSCAN = 8,
            LO_FLAGS_DIRECT_IO = 16;

    /** LO_NAME_SIZE: the backing file name's field, NUL-terminated (so at most 63 bytes of it). */
    public static final int LO_NAME_SIZE = 64;

    // struct loop_info64 (232)
    public static final int INFO64_SIZE = 232;
    public static final int INFO64_DEVICE = 0, INFO64_INODE = 8, INFO64_RDEVICE = 16, INFO64_OFFSET = 24,
            INFO64_SIZELIMIT = 32, INFO64_NUMBER = 40, INFO64_FLAGS = 52, INFO64_FILE_NAME = 56;

    // struct loop_config (304): the backing descriptor, the logical block size, a loop_info64, reserved
    public static final int CONFIG_SIZE = 304;
    public static final int CONFIG_FD = 0, CONFIG_BLOCK_SIZE = 4, CONFIG_INFO = 8;
}
