package dev.j4l.kernel.ublk;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.abi.UblkAbi;
import java.time.Duration;

/**
 * A ublk device of this process: {@code /dev/ublkcN}, whose queues a daemon serves, and once started the block
 * device {@code /dev/ublkbN}. The life of one:
 *
 * <ol>
 *   <li>{@link #add} asks {@code /dev/ublk-control} for a device (ADD_DEV), sets its parameters (SET_PARAMS) and
 *       opens {@code /dev/ublkcN} (which the kernel lets one process open at a time);
 *   <li>each queue's thread makes its {@link UblkQueue} with {@link #queue} and fetches (FETCH_REQ for every tag);
 *   <li>{@link #start} (START_DEV, with this process's pid) makes the block device once every queue has fetched;
 *   <li>{@link #stop} (STOP_DEV) removes the block device and ends every queue's fetches (they complete with
 *       ABORT); then the queues are closed, and {@link #close} closes {@code /dev/ublkcN} and deletes the device
 *       (DEL_DEV).
 * </ol>
 *
 * If the process dies instead, the kernel notices within five seconds (ublk's monitor) and stops the device: its
 * I/O then fails, and {@link #removeDead} deletes it from another process.
 *
 * <p>Linux 6.1 copies each request's data between the block layer and the tag's buffer of the daemon (no user
 * copy, no zero copy): a write's data is in the buffer when its fetch completes, a read's is taken from the buffer
 * when the daemon commits it.
 */
public final class UblkDevice implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.kernel");
    /** The largest buffer of one request (UBLK_IO_BUF_BITS of later headers: 32 MiB); 6.1 has no other limit. */
    public static final int MAX_IO_BYTES = 1 << 25;
    private static final int PAGE = 4096;

    /**
     * What the kernel made of a device.
     *
     * @param state {@link UblkAbi#S_DEV_DEAD}, {@code LIVE} or {@code QUIESCED}
     * @param pid the daemon's pid given at START_DEV (-1 before and after)
     * @param features the {@code UBLK_F_*} flags the kernel granted
     */
    public record Info(int id, int queues, int depth, int maxIoBytes, int state, int pid, long features) {
        public boolean live() {
            return state == UblkAbi.S_DEV_LIVE;
        }
    }

    /**
     * A device's geometry and capabilities (SET_PARAMS).
     *
     * @param size bytes, a multiple of {@code logicalBlock}
     * @param logicalBlock a power of two from 512 to 4096
     * @param physicalBlock a power-of-two multiple of {@code logicalBlock}
     * @param volatileCache the device has a cache: the kernel sends FLUSH, and FUA writes
     * @param maxDiscardBytes 0 when the device does not discard
     * @param maxWriteZeroesBytes 0 when the device does not zero ranges
     */
    public record Params(long size, int logicalBlock, int physicalBlock, boolean readOnly, boolean volatileCache,
            long maxDiscardBytes, long maxWriteZeroesBytes) {
        public Params {
            if (logicalBlock < 512 || logicalBlock > PAGE || Integer.bitCount(logicalBlock) != 1) {
                throw new IllegalArgumentException("logical block size must be a power of two from 512 to 4096: " + logicalBlock);
            }
            if (physicalBlock < logicalBlock || Integer.bitCount(physicalBlock) != 1) {
                throw new IllegalArgumentException("physical block size " + physicalBlock + " is not a power-of-two multiple of " + logicalBlock);
            }
            if (size <= 0 || size % logicalBlock != 0) throw new IllegalArgumentException("size " + size + " is not a positive multiple of " + logicalBlock);
            if (maxDiscardBytes < 0 || maxWriteZeroesBytes < 0) throw new IllegalArgumentException("negative limit");
        }

        void encode(NativeBuffer b) {
            int sectorsMax = 0xffff_ffff;
            b.putInt(UblkAbi.PARAMS_LEN, UblkAbi.PARAMS_SIZE);
            b.putInt(UblkAbi.PARAMS_TYPES, UblkAbi.PARAM_TYPE_BASIC | UblkAbi.PARAM_TYPE_DISCARD);
            int basic = UblkAbi.PARAMS_BASIC;
            int attrs = (readOnly ? UblkAbi.ATTR_READ_ONLY : 0)
                    | (volatileCache ? UblkAbi.ATTR_VOLATILE_CACHE | UblkAbi.ATTR_FUA : 0);
            b.putInt(basic + UblkAbi.BASIC_ATTRS, attrs);
            byte logical = (byte) Integer.numberOfTrailingZeros(logicalBlock);
            byte physical = (byte) Integer.numberOfTrailingZeros(physicalBlock);
            b.putByte(basic + UblkAbi.BASIC_LOGICAL_BS_SHIFT, logical);
            b.putByte(basic + UblkAbi.BASIC_PHYSICAL_BS_SHIFT, physical);
            b.putByte(basic + UblkAbi.BASIC_IO_OPT_SHIFT, physical);
            b.putByte(basic + UblkAbi.BASIC_IO_MIN_SHIFT, physical);
            b.putLong(basic + UblkAbi.BASIC_DEV_SECTORS, size >>> 9);
            int discard = UblkAbi.PARAMS_DISCARD;
            // Discard and write-zeroes limits travel in one struct; the kernel insists on a granularity.
            b.putInt(discard + UblkAbi.DISCARD_GRANULARITY, physicalBlock);
            b.putInt(discard + UblkAbi.DISCARD_MAX_DISCARD_SECTORS,
                    (int) Math.min(maxDiscardBytes >>> 9, Integer.toUnsignedLong(sectorsMax) & ~7L));
            b.putInt(discard + UblkAbi.DISCARD_MAX_WRITE_ZEROES_SECTORS,
                    (int) Math.min(maxWriteZeroesBytes >>> 9, Integer.toUnsignedLong(sectorsMax) & ~7L));
            b.putShort(discard + UblkAbi.DISCARD_MAX_DISCARD_SEGMENTS, (short) (maxDiscardBytes > 0 ? 1 : 0));
        }

        /** The basic part's request size limit, from the device's buffer size. */
        void limit(NativeBuffer b, int maxIoBytes) {
            b.putInt(UblkAbi.PARAMS_BASIC + UblkAbi.BASIC_MAX_SECTORS, maxIoBytes >>> 9);
        }
    }

    private final UblkControl control;
    private final Info info;
    private final OwnedFd charDev;
    private final UblkQueue[] queues;
    private final boolean encoded;
    private volatile boolean started, stopped, closed;

    private UblkDevice(UblkControl control, Info info, OwnedFd charDev, boolean encoded) {
        this.control = control;
        this.info = info;
        this.charDev = charDev;
        this.queues = new UblkQueue[info.queues()];
        this.encoded = encoded;
    }

    /** Whether this kernel has ublk ({@code /dev/ublk-control} exists). */
    public static boolean available() {
        return UblkControl.available();
    }

    /**
     * Adds a device with {@code queues} queues (the kernel gives at most one per CPU) of {@code depth} requests,
     * each request at most {@code maxIoBytes} (rounded down to pages), and sets its parameters.
     *
     * @throws KernelException when there is no ublk, no privilege (CAP_SYS_ADMIN), or the kernel refuses a value
     */
    public static UblkDevice add(int queues, int depth, int maxIoBytes, Params params) throws KernelException {
        if (queues < 1 || queues > 4096) throw new IllegalArgumentException("queues out of range: " + queues);
        if (depth < 1 || depth > UblkAbi.MAX_QUEUE_DEPTH) throw new IllegalArgumentException("depth out of range: " + depth);
        if (maxIoBytes < PAGE || maxIoBytes > MAX_IO_BYTES) {
            throw new IllegalArgumentException("request size must be from 4096 to " + MAX_IO_BYTES + ": " + maxIoBytes);
        }
        UblkControl control = UblkControl.open();
        Info info = null;
        try {
            info = control.add(queues, depth, maxIoBytes & -PAGE, 0);
            if (info.queues() < 1 || info.depth() != depth || info.maxIoBytes() < PAGE || info.maxIoBytes() > MAX_IO_BYTES) {
                throw new KernelException("ADD_DEV", "ublk device " + info.id() + " (unexpected answer " + info + ")", Errno.EPROTO);
            }
            control.setParams(info.id(), params, info.maxIoBytes());
            String path = "/dev/ublkc" + info.id();
            OwnedFd fd = UblkControl.openDevice(path, Fs.O_RDWR, "/sys/class/ublk-char/ublkc" + info.id() + "/dev",
                    "a ublk character device");
            return new UblkDevice(control, info, fd, (info.features() & UblkAbi.F_CMD_IOCTL_ENCODE) != 0);
        } catch (KernelException | RuntimeException e) {
            if (info != null) {
                try {
                    control.delete(info.id(), Duration.ofSeconds(5));
                } catch (KernelException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            control.close();
            throw e;
        }
    }

    public Info info() {
        return info;
    }

    public int id() {
        return info.id();
    }

    /** {@code /dev/ublkbN}: there once {@link #start} has returned, until {@link #stop}. */
    public String blockPath() {
        return "/dev/ublkb" + info.id();
    }

    /** {@code /dev/ublkcN}. */
    public String charPath() {
        return "/dev/ublkc" + info.id();
    }

    /**
     * Makes queue {@code q}'s {@link UblkQueue}, once: its buffers and its ring, the thread that first uses it
     * its owner (the kernel takes a queue's commands only from the thread that fetched).
     */
    public synchronized UblkQueue queue(int q) throws KernelException {
        if (closed) throw new IllegalStateException("ublk device closed");
        if (q < 0 || q >= queues.length) throw new IllegalArgumentException("no queue " + q + " of " + queues.length);
        if (queues[q] != null) throw new IllegalStateException("queue " + q + " made twice");
        queues[q] = new UblkQueue(charDev, q, info.depth(), info.maxIoBytes(), encoded);
        return queues[q];
    }

    /**
     * START_DEV: makes the block device, once every queue has fetched. The kernel reads the partition table
     * meanwhile, so the queues must already be serving.
     *
     * @throws KernelException with ETIMEDOUT when the queues did not all fetch within {@code timeout}
     */
    public void start(Duration timeout) throws KernelException {
        control.start(info.id(), ProcessHandle.current().pid(), timeout);
        started = true;
    }

    /**
     * Whether the block device is in use: mounted or opened exclusively by someone (an exclusive open of it
     * fails).
     */
    public boolean inUse() {
        if (!started || stopped) return false;
        try {
            Fs.open(blockPath(), Fs.O_RDONLY | Fs.O_EXCL).close();
            return false;
        } catch (KernelException e) {
            return e.errno() == Errno.EBUSY;
        }
    }

    /** STOP_DEV: removes the block device (its users get I/O errors) and ends every queue's fetches. */
    public synchronized void stop() throws KernelException {
        if (stopped || closed) return;
        control.stop(info.id());
        stopped = true;
    }

    /** GET_DEV_INFO now. */
    public Info query() throws KernelException {
        return control.info(info.id());
    }

    /**
     * Stops the device if need be, closes {@code /dev/ublkcN} and deletes the device. The queues must be closed
     * first (their threads ended). Deleting waits for the device's last user (a process holding the stopped block
     * device open) for at most {@code timeout}; after that the kernel deletes it when that user lets go, and
     * false is returned.
     */
    public synchronized boolean close(Duration timeout) throws KernelException {
        if (closed) return true;
        stop();
        for (UblkQueue q : queues) {
            if (q != null && !q.isClosed()) throw new IllegalStateException("close the device's queues first");
        }
        closed = true;
        charDev.close();
        boolean deleted = control.delete(info.id(), timeout);
        if (deleted) {
            control.close();
        } else {
            LOG.log(System.Logger.Level.WARNING, "ublk device " + info.id()
                    + " is still held by a user; the kernel deletes it when that user lets go");
            PENDING.add(control); // its ring must live until the kernel answers
        }
        return deleted;
    }

    /** Controls whose DEL_DEV is still pending: kept open, since closing the ring would wait for it. */
    private static final java.util.Set<UblkControl> PENDING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public void close() throws KernelException {
        close(Duration.ofSeconds(10));
    }

    /**
     * Deletes device {@code id} if its daemon is gone (the kernel stopped it, or the process named as its daemon
     * no longer runs): what is left after a daemon was killed. Returns false, changing nothing, when the device
     * has a live daemon.
     *
     * @throws KernelException with ENODEV when there is no such device
     */
    public static boolean removeDead(int id, Duration timeout) throws KernelException {
        UblkControl control = UblkControl.open();
        boolean pending = false;
        try {
            Info info = control.info(id);
            boolean daemonAlive = info.pid() > 0 && ProcessHandle.of(info.pid()).map(ProcessHandle::isAlive).orElse(false);
            if (info.live() && daemonAlive) return false;
            if (!control.delete(id, timeout)) {
                pending = true;
                PENDING.add(control);
                throw new KernelException("DEL_DEV", "ublk device " + id + " (still in use; deleted when let go)", Errno.EBUSY);
            }
            return true;
        } finally {
            if (!pending) control.close();
        }
    }

    @Override
    public String toString() {
        return "UblkDevice[" + info.id() + "]";
    }
}
