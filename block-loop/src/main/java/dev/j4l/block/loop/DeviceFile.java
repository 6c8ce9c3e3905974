package dev.j4l.block.loop;

import dev.j4l.block.AsyncBlockDriver;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.BlockOp;
import dev.j4l.block.transport.DriverCall;
import dev.j4l.block.transport.LentData;
import dev.j4l.block.transport.PayloadPool;
import dev.j4l.fuse.Attr;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.Entry;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.Opened;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.NativeBuffer;

/**
 * The FUSE side of the loop transport: a filesystem holding one file, {@value #NAME}, whose bytes are the block
 * driver's. The loop device reads and writes it with O_DIRECT, so each of its requests arrives here as one FUSE
 * READ or WRITE (no page cache in between) and goes to the driver through {@link DriverCall}, like every
 * transport's; fsync is the driver's flush, and fallocate's punch-hole and zero-range (what the loop device
 * turns discards and write-zeroes into) are its write-zeroes.
 */
final class DeviceFile implements FuseFilesystem<DeviceFile.Node, Void> {
    static final String NAME = "device";

    enum Node { ROOT, DEVICE }

    private final BlockDriver driver;
    private final Attr rootAttr;
    private volatile Attr deviceAttr;

    DeviceFile(BlockDriver driver) {
        this.driver = driver;
        long now = System.currentTimeMillis() * 1_000_000L;
        this.rootAttr = Attr.of(FileMode.S_IFDIR | 0700, 0, 0, now);
        this.deviceAttr = Attr.of(FileMode.S_IFREG | (driver.readOnly() ? 0400 : 0600), 0, 0, now)
                .withSize(driver.size());
    }

    /** Takes the driver's size again (after a capacity change); the caller invalidates the kernel's copy. */
    void resized() {
        deviceAttr = deviceAttr.withSize(driver.size());
    }

    @Override
    public Node root() {
        return Node.ROOT;
    }

    @Override
    public Entry<Node> lookup(Request r, Node parent, String name) throws ErrnoException {
        if (parent == Node.ROOT && name.equals(NAME)) return Entry.of(Node.DEVICE, deviceAttr);
        throw new ErrnoException(Errno.ENOENT);
    }

    @Override
    public Attr getattr(Request r, Node node, Void handle) {
        return node == Node.ROOT ? rootAttr : deviceAttr;
    }

    @Override
    public Opened<Void> open(Request r, Node node, int flags) throws ErrnoException {
        if (node != Node.DEVICE) throw new ErrnoException(Errno.EISDIR);
        if (driver.readOnly() && (flags & Fs.O_ACCMODE) != Fs.O_RDONLY) throw new ErrnoException(Errno.EROFS);
        // Direct I/O: every loop request reaches the driver, and nothing is cached twice.
        return Opened.of(null, Opened.DIRECT_IO);
    }

    @Override
    public void read(Request r, Node node, Void handle, long offset, int size, DataSink out) throws ErrnoException {
        long end = Math.min(driver.size(), offset + size);
        if (offset >= end) return; // end of the device
        int n = (int) (end - offset);
        if (driver instanceof AsyncBlockDriver async) {
            readLater(r, async, offset, n);
            return;
        }
        // The driver fills the reply in place: a zeroed window of the reply buffer, dead after this call.
        LentData window = new LentData(out.window(n), n);
        try {
            fail(DriverCall.call(driver, BlockOp.READ, offset, n, false, false, window));
        } finally {
            window.close();
        }
    }

    @Override
    public int write(Request r, Node node, Void handle, long offset, DataSource data, int writeFlags)
            throws ErrnoException {
        int n = data.size();
        // The driver reads the request's own data in place.
        LentData window = new LentData(data.buffer(), n);
        if (driver instanceof AsyncBlockDriver async) {
            Deferred<Integer> later = r.defer();
            try {
                DriverCall.submit(async, BlockOp.WRITE, offset, n, false, false, window, (error, bytes, at) -> {
                    if (error != null) later.fail(error);
                    else later.complete(n);
                });
            } finally {
                window.close();
            }
            return n; // the deferred answer is what the kernel gets
        }
        try {
            fail(DriverCall.call(driver, BlockOp.WRITE, offset, n, false, false, window));
        } finally {
            window.close();
        }
        return n;
    }

    @Override
    public void fsync(Request r, Node node, Void handle, boolean datasync) throws ErrnoException {
        if (driver instanceof AsyncBlockDriver async) {
            later(r, async, BlockOp.FLUSH, 0, 0, false);
            return;
        }
        fail(DriverCall.call(driver, BlockOp.FLUSH, 0, 0, false, false, null));
    }

    @Override
    public void flush(Request r, Node node, Void handle, long lockOwner) {
        // close(2) of a descriptor: nothing is buffered here; durability is fsync's.
    }

    @Override
    public void fallocate(Request r, Node node, Void handle, int mode, long offset, long length) throws ErrnoException {
        // The loop device sends discards as PUNCH_HOLE and write-zeroes as PUNCH_HOLE or (must stay allocated)
        // ZERO_RANGE, always with KEEP_SIZE. Both read back as zeroes afterwards: the driver's write-zeroes.
        int rest = mode & ~Fs.FALLOC_FL_KEEP_SIZE;
        boolean keepAllocated;
        if (rest == Fs.FALLOC_FL_PUNCH_HOLE) keepAllocated = false;
        else if (rest == Fs.FALLOC_FL_ZERO_RANGE) keepAllocated = true;
        else throw new ErrnoException(Errno.EOPNOTSUPP);
        if (driver instanceof AsyncBlockDriver async) {
            later(r, async, BlockOp.WRITE_ZEROES, offset, length, keepAllocated);
            return;
        }
        fail(DriverCall.call(driver, BlockOp.WRITE_ZEROES, offset, length, false, keepAllocated, null));
    }

    // ---- asynchronous drivers: every request is a deferred FUSE reply, answered when the driver answers

    /** A request without data, answered (with nothing) when the driver answers. */
    private static void later(Request r, AsyncBlockDriver async, BlockOp op, long offset, long length, boolean noHole) {
        Deferred<Void> later = r.defer();
        DriverCall.submit(async, op, offset, length, false, noHole, null, (error, bytes, at) -> {
            if (error != null) later.fail(error);
            else later.complete(null);
        });
    }

    /**
     * A READ: the driver's window is a block of this device's own pool (a FUSE reply window dies with the call),
     * sent as the reply when the driver answers, then given back.
     */
    private void readLater(Request r, AsyncBlockDriver async, long offset, int n) {
        Deferred<NativeBuffer> later = r.defer();
        PayloadPool.Payload payload = pool().acquire(n);
        NativeBuffer room = payload.buffer();
        room.fill(0, n, (byte) 0); // the block held another request
        LentData window = new LentData(room, 0, n);
        try {
            DriverCall.submit(async, BlockOp.READ, offset, n, false, false, window, (error, bytes, at) -> {
                try {
                    if (error != null) {
                        later.fail(error);
                    } else {
                        if (bytes != null) room.put(0, bytes, at, n);
                        later.complete(room.slice(0, n)); // encoded into the reply before this returns
                    }
                } finally {
                    payload.release();
                }
            });
        } finally {
            window.close();
        }
    }

    /** Most bytes of deferred reads in flight: past it, serving threads wait for blocks to come back. */
    private static final int POOL_BYTES = 32 << 20;
    private volatile PayloadPool pool;

    private PayloadPool pool() {
        PayloadPool p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) pool = new PayloadPool(POOL_BYTES);
                p = pool;
            }
        }
        return p;
    }

    private static void fail(Errno e) throws ErrnoException {
        if (e != null) throw new ErrnoException(e);
    }
}
