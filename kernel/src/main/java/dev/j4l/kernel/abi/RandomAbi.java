package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/linux/random.h} of Linux 6.18, as far as feeding the kernel's pool uses it: the ioctls
 * {@code RNDGETENTCNT} and {@code RNDADDENTROPY} of {@code /dev/random} and {@code /dev/urandom}, and the layout
 * of {@code struct rand_pool_info}. Pinned against the header by {@code RandomAbiTest}.
 */
public final class RandomAbi {
    private RandomAbi() {}

    /** {@code _IOR('R', 0x00, int)}: the kernel writes the entropy count, in bits, to an int. */
    public static final long RNDGETENTCNT = 0x80045200L;
    /**
     * {@code _IOW('R', 0x03, int[2])}: the kernel reads a {@code rand_pool_info} header, then {@code buf_size}
     * bytes after it, mixes them into the pool and credits {@code entropy_count} bits (CAP_SYS_ADMIN only).
     */
    public static final long RNDADDENTROPY = 0x40085203L;

    // struct rand_pool_info (8, then buf_size bytes in the flexible member buf)
    public static final int POOL_INFO_SIZE = 8;
    public static final int POOL_INFO_ENTROPY_COUNT = 0, POOL_INFO_BUF_SIZE = 4, POOL_INFO_BUF = 8;
}
