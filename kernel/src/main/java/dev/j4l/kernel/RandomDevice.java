package dev.j4l.kernel;

import dev.j4l.kernel.abi.RandomAbi;
import dev.j4l.kernel.raw.Ioctl;
import dev.j4l.kernel.raw.Native;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The kernel's random pool as an entropy daemon sees it: {@code /dev/random} (or {@code /dev/urandom}, the same
 * pool) with its two ioctls, the entropy count ({@code RNDGETENTCNT}) and adding bytes with an entropy credit
 * ({@code RNDADDENTROPY}, which needs CAP_SYS_ADMIN).
 *
 * <p>Both ioctls are {@link RandomAbi}'s, made only on the descriptor this object opened and checked to be the
 * character device 1:8 or 1:9 (the kernel's random devices), whatever path was named. The
 * {@code rand_pool_info} argument is built here, in memory this object owns, from the caller's bytes: its
 * {@code buf_size} is the number of bytes copied, at most {@link #MAX_ADD_BYTES}, and the ioctl checks the
 * argument holds the header and that many bytes before the kernel sees it.
 */
public final class RandomDevice implements AutoCloseable {
    public static final String RANDOM = "/dev/random", URANDOM = "/dev/urandom";
    /** The most bytes one {@link #addEntropy} call hands the kernel. */
    public static final int MAX_ADD_BYTES = 4096;

    static final Ioctl GET_ENTROPY_COUNT = Ioctl.buffer("RNDGETENTCNT", RandomAbi.RNDGETENTCNT, Integer.BYTES);
    static final Ioctl ADD_ENTROPY = Ioctl.sizedBuffer("RNDADDENTROPY", RandomAbi.RNDADDENTROPY,
            RandomAbi.POOL_INFO_SIZE, RandomAbi.POOL_INFO_BUF_SIZE, MAX_ADD_BYTES);

    /** MEM_MAJOR (include/uapi/linux/major.h); minors 8 and 9 are random and urandom (drivers/char/mem.c). */
    private static final int MEM_MAJOR = 1, RANDOM_MINOR = 8, URANDOM_MINOR = 9;

    private final OwnedFd fd;
    /** The rand_pool_info argument: header and MAX_ADD_BYTES; filled and passed under this object's lock. */
    private final NativeBuffer poolInfo = NativeBuffer.allocate(RandomAbi.POOL_INFO_SIZE + MAX_ADD_BYTES);

    private RandomDevice(OwnedFd fd) {
        this.fd = fd;
    }

    /** Opens {@code /dev/random}. */
    public static RandomDevice open() throws KernelException {
        return open(RANDOM);
    }

    /**
     * Opens {@code path}, which must be the kernel's random or urandom device (character device 1:8 or 1:9).
     *
     * @throws KernelException with {@code EINVAL} when it is another file
     */
    public static RandomDevice open(String path) throws KernelException {
        return new RandomDevice(DeviceNode.open(path, Fs.O_RDONLY, FileStat.S_IFCHR, MEM_MAJOR, "random ioctl",
                "/dev/random or /dev/urandom (char 1:8 or 1:9)", RANDOM_MINOR, URANDOM_MINOR));
    }

    /** The pool's entropy count in bits ({@code RNDGETENTCNT}); on kernels since 5.18 256 once the pool is initialized. */
    public int entropyCount() throws KernelException {
        MemorySegment count = Native.scratch().allocate(Integer.BYTES, Integer.BYTES);
        fd.ioctl(GET_ENTROPY_COUNT, count);
        return count.get(ValueLayout.JAVA_INT, 0);
    }

    /**
     * Mixes {@code bytes[offset, offset+length)} into the pool and credits {@code entropyBits} of entropy
     * ({@code RNDADDENTROPY}).
     *
     * @throws IllegalArgumentException when {@code length} is above {@link #MAX_ADD_BYTES} or the credit is
     *     negative or above 8 bits a byte; nothing reaches the kernel then
     * @throws KernelException with {@code EPERM} without CAP_SYS_ADMIN
     */
    public void addEntropy(byte[] bytes, int offset, int length, int entropyBits) throws KernelException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        checkAdd(length, entropyBits);
        synchronized (poolInfo) {
            poolInfo.put(RandomAbi.POOL_INFO_BUF, bytes, offset, length);
            add(length, entropyBits);
        }
    }

    /** {@link #addEntropy(byte[], int, int, int)} from {@code src[offset, offset+length)} (checked, as any access). */
    public void addEntropy(NativeBuffer src, long offset, int length, int entropyBits) throws KernelException {
        checkAdd(length, entropyBits);
        synchronized (poolInfo) {
            poolInfo.copyFrom(RandomAbi.POOL_INFO_BUF, src, offset, length);
            add(length, entropyBits);
        }
    }

    private static void checkAdd(int length, int entropyBits) {
        if (length < 0 || length > MAX_ADD_BYTES) {
            throw new IllegalArgumentException("RNDADDENTROPY: " + length + " bytes, outside 0.." + MAX_ADD_BYTES);
        }
        if (entropyBits < 0 || entropyBits > 8L * length) {
            throw new IllegalArgumentException("RNDADDENTROPY: " + entropyBits + " bits credited for " + length + " bytes");
        }
    }

    /** Called holding poolInfo's lock, with the bytes in place. */
    private void add(int length, int entropyBits) throws KernelException {
        poolInfo.putInt(RandomAbi.POOL_INFO_ENTROPY_COUNT, entropyBits);
        poolInfo.putInt(RandomAbi.POOL_INFO_BUF_SIZE, length);
        // The argument is exactly the header and the bytes copied; Ioctl checks buf_size against it again.
        fd.ioctl(ADD_ENTROPY, poolInfo.segment(0, RandomAbi.POOL_INFO_SIZE + length));
    }

    /** The path this device was opened by. */
    public String path() {
        return fd.description();
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "RandomDevice[" + fd.description() + "]";
    }
}
