package dev.j4l.drivers.ramdisk;

import dev.j4l.block.Allocation;
import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.ExtentSink;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sparse RAM disk (like Linux's null_blk with memory backing): the device is cut into 64 KiB chunks, a chunk
 * exists only once something other than zeroes was written to it, and reading where none exists gives zeroes.
 * Memory is bounded: a write that needs a chunk beyond {@code memoryLimit} bytes fails with ENOSPC (the device
 * stays usable), never an OutOfMemoryError. Discard and write-zeroes give whole chunks back. {@link #extents}
 * reports absent chunks as holes, so NBD clients can skip them.
 */
public final class RamDisk implements BlockDriver {
    static final int CHUNK = 64 * 1024;

    private final long size;
    private final long memoryLimit;
    private final ConcurrentHashMap<Long, byte[]> chunks = new ConcurrentHashMap<>();
    private final AtomicLong held = new AtomicLong();

    /**
     * @param size bytes, a multiple of 512
     * @param memoryLimit most bytes of chunks held at once
     */
    public RamDisk(long size, long memoryLimit) {
        if (size <= 0 || size % 512 != 0) throw new IllegalArgumentException("size must be a positive multiple of 512: " + size);
        if (memoryLimit < 0) throw new IllegalArgumentException("negative memory limit");
        this.size = size;
        this.memoryLimit = memoryLimit;
    }

    /** A RAM disk that may hold all of its size. */
    public RamDisk(long size) {
        this(size, (size + CHUNK - 1) / CHUNK * CHUNK); // memory comes in whole chunks
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean canDiscard() {
        return true;
    }

    /** Bytes of chunks held now. */
    public long memoryHeld() {
        return held.get();
    }

    @Override
    public void read(long offset, BlockData into) {
        int length = into.length();
        for (int done = 0; done < length; ) {
            long at = offset + done;
            int in = (int) (at % CHUNK);
            int n = Math.min(length - done, CHUNK - in);
            byte[] c = chunks.get(at / CHUNK);
            if (c == null) {
                into.fill(done, n, (byte) 0);
            } else {
                synchronized (c) {
                    into.put(done, c, in, n);
                }
            }
            done += n;
        }
    }

    @Override
    public void write(long offset, BlockData from, boolean fua) throws ErrnoException {
        int length = from.length();
        boolean zeroes = from.isZero(); // zeroes where nothing is stored stay unstored: the disk stays sparse
        for (int done = 0; done < length; ) {
            long at = offset + done;
            int in = (int) (at % CHUNK);
            int n = Math.min(length - done, CHUNK - in);
            byte[] c = chunks.get(at / CHUNK);
            if (c == null && zeroes) {
                done += n;
                continue;
            }
            if (c == null) c = allocate(at / CHUNK);
            synchronized (c) {
                from.get(done, c, in, n);
            }
            done += n;
        }
    }

    private byte[] allocate(long index) throws ErrnoException {
        if (held.addAndGet(CHUNK) > memoryLimit) {
            held.addAndGet(-CHUNK);
            throw new ErrnoException(Errno.ENOSPC, "ramdisk memory limit of " + memoryLimit + " bytes reached");
        }
        byte[] fresh;
        try {
            fresh = new byte[CHUNK];
        } catch (OutOfMemoryError e) {
            held.addAndGet(-CHUNK);
            throw new ErrnoException(Errno.ENOSPC, "no heap left for the ramdisk");
        }
        byte[] prev = chunks.putIfAbsent(index, fresh);
        if (prev != null) {
            held.addAndGet(-CHUNK);
            return prev;
        }
        return fresh;
    }

    /** A chunk that exists is data (it may hold zeroes, but finding out would mean reading it); one that does not is a hole. */
    @Override
    public void extents(long offset, long length, ExtentSink sink) {
        long end = offset + length;
        for (long at = offset; at < end; ) {
            long n = Math.min(end - at, CHUNK - at % CHUNK);
            Allocation a = chunks.containsKey(at / CHUNK) ? Allocation.DATA : Allocation.HOLE;
            if (!sink.extent(n, a)) return;
            at += n;
        }
    }

    @Override
    public void discard(long offset, long length) {
        zero(offset, length, true);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean noHole) throws ErrnoException {
        if (noHole) reserve(offset, length); // the range keeps its memory: later writes there cannot fail
        zero(offset, length, !noHole);
    }

    /** Allocates every chunk the range touches. */
    private void reserve(long offset, long length) throws ErrnoException {
        for (long index = offset / CHUNK; index <= (offset + length - 1) / CHUNK; index++) {
            if (!chunks.containsKey(index)) allocate(index);
        }
    }

    /** Zeroes the range; with {@code free}, whole chunks in it are given back instead. */
    private void zero(long offset, long length, boolean free) {
        long end = offset + length;
        for (long at = offset; at < end; ) {
            long index = at / CHUNK;
            int in = (int) (at % CHUNK);
            int n = (int) Math.min(end - at, CHUNK - in);
            if (n == CHUNK && free) {
                if (chunks.remove(index) != null) held.addAndGet(-CHUNK);
            } else {
                byte[] c = chunks.get(index);
                if (c != null) {
                    synchronized (c) {
                        Arrays.fill(c, in, in + n, (byte) 0);
                    }
                }
            }
            at += n;
        }
    }

    /**
     * Serves a ramdisk of {@code args[0]} bytes (a multiple of 512) as a loop device, {@code /dev/loopN}, or with
     * {@code --nbd-device} as {@code /dev/nbdN} (the kernel's NBD client) or with {@code --ublk} as
     * {@code /dev/ublkbN}, printing its path, until Ctrl-C (or SIGTERM), which detaches it. Needs root.
     * {@code ./j4l block ramdisk} does the same with size suffixes and more options.
     */
    public static void main(String[] args) throws Exception {
        String transport = args.length == 2 ? args[1] : null;
        if (args.length != 1 && !"--nbd-device".equals(transport) && !"--ublk".equals(transport)) {
            System.err.println("usage: RamDisk SIZE_IN_BYTES [--nbd-device | --ublk]");
            System.exit(2);
        }
        RamDisk disk = new RamDisk(Long.parseLong(args[0]));
        if ("--nbd-device".equals(transport)) {
            try (dev.j4l.block.nbd.NbdDeviceTransport device = dev.j4l.block.nbd.NbdDeviceTransport.attach(disk)) {
                announce(device.devicePath());
                device.awaitDetached();
            }
            return;
        }
        if ("--ublk".equals(transport)) {
            try (dev.j4l.block.ublk.UblkTransport device = dev.j4l.block.ublk.UblkTransport.serve(disk)) {
                announce(device.devicePath());
                device.awaitDetached();
            }
            return;
        }
        try (dev.j4l.block.loop.LoopTransport loop = dev.j4l.block.loop.LoopTransport.attach(disk)) {
            announce(loop.devicePath());
            loop.awaitDetached();
        }
    }

    private static void announce(String device) {
        System.out.println(device);
        System.out.flush();
        System.err.println("ramdisk at " + device + "; Ctrl-C to detach it");
    }
}
