package dev.j4l.drivers.image;

import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.ExtentSink;
import dev.j4l.block.FileExtents;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * A block device backed by a raw image file (or a host block device), the file-backed counterpart of the
 * ramdisk. Every byte lives in the file and nothing is cached in the daemon, so a flushed write survives the
 * daemon being killed.
 *
 * <ul>
 *   <li><b>Direct I/O.</b> The file is opened with {@code O_DIRECT}: the host's page cache would otherwise hold
 *       a second copy of what the client's own cache holds. The transport's windows are page-aligned and the
 *       block size is the file's direct-I/O offset alignment (statx {@code STATX_DIOALIGN}; 4096 when the file
 *       system does not say), so every request can go between the window and the file as it is
 *       ({@link BlockData#readFrom}/{@link BlockData#writeTo}: no bounce copy). A file system that refuses
 *       {@code O_DIRECT} gets buffered I/O, with a log line saying so.</li>
 *   <li><b>Durability.</b> FLUSH is {@code fdatasync(2)}: even with {@code O_DIRECT} the device's volatile
 *       cache and the file's block map (a sparse image allocates on first write) need it. A FUA write is the
 *       write followed by {@code fdatasync}.</li>
 *   <li><b>Space.</b> Discard punches a hole ({@code FALLOC_FL_PUNCH_HOLE|KEEP_SIZE}), so a trimmed image
 *       gets sparse again; write-zeroes punches too, or with NO_HOLE zeroes in place
 *       ({@code FALLOC_FL_ZERO_RANGE}) so later writes there cannot run out of space. A file system without
 *       those modes gets zeroes written.</li>
 * </ul>
 */
public final class ImageDisk implements BlockDriver, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.drivers.image");
    /** The block size when the file system does not report its direct-I/O alignment. */
    static final int DEFAULT_BLOCK_SIZE = 4096;
    /** Transports align their windows to a page; a file needing more cannot take them as they are. */
    private static final int WINDOW_ALIGNMENT = 4096;

    private final OwnedFd fd;
    private final long size;
    private final int blockSize;
    private final boolean readOnly;
    private final boolean direct;

    private ImageDisk(OwnedFd fd, long size, int blockSize, boolean readOnly, boolean direct) {
        this.fd = fd;
        this.size = size;
        this.blockSize = blockSize;
        this.readOnly = readOnly;
        this.direct = direct;
    }

    /**
     * Opens {@code file} (a raw image or a block device) to serve; read-only opens it {@code O_RDONLY}. The
     * size must be a non-zero multiple of the block size.
     */
    public static ImageDisk open(Path file, boolean readOnly) throws IOException {
        String path = file.toString();
        int flags = (readOnly ? Fs.O_RDONLY : Fs.O_RDWR) | Fs.O_CLOEXEC;
        OwnedFd fd = openDirect(path, flags);
        boolean direct = fd != null;
        if (!direct) fd = Fs.open(path, flags);
        try {
            int blockSize = DEFAULT_BLOCK_SIZE;
            if (direct) {
                Fs.DirectIoAlignment a = Fs.directIoAlignment(fd);
                if (a.offset() > 0) blockSize = Math.max(a.offset(), 512);
                if (a.memory() > WINDOW_ALIGNMENT || blockSize > 65536) {
                    LOG.log(Level.WARNING, path + ": direct I/O needs " + a.memory() + "-byte aligned memory and "
                            + a.offset() + "-byte aligned offsets, beyond what transports lend; using the page cache");
                    fd.close();
                    fd = Fs.open(path, flags);
                    direct = false;
                    blockSize = DEFAULT_BLOCK_SIZE;
                }
            }
            // SEEK_END rather than stat: a block device's st_size is 0.
            long size = Fs.seek(fd, 0, Fs.SEEK_END);
            if (size == 0) throw new IllegalArgumentException(path + " is empty: an image needs a size");
            if (size % blockSize != 0) {
                throw new IllegalArgumentException(path + " is " + size + " bytes, not a multiple of its block size "
                        + blockSize + " (round it up, e.g. truncate -s " + ((size + blockSize - 1) / blockSize * blockSize)
                        + " " + path + ")");
            }
            return new ImageDisk(fd, size, blockSize, readOnly, direct);
        } catch (IOException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** The file opened with {@code O_DIRECT}, or null (logged) when its file system refuses that. */
    private static OwnedFd openDirect(String path, int flags) throws KernelException {
        try {
            return Fs.open(path, flags | Fs.O_DIRECT);
        } catch (KernelException e) {
            if (e.errno() != Errno.EINVAL) throw e; // EINVAL is open(2)'s answer for "no O_DIRECT here"
            LOG.log(Level.WARNING, path + ": its file system refuses O_DIRECT; serving through the page cache"
                    + " (FLUSH still makes writes durable)");
            return null;
        }
    }

    /** Whether the file is read and written with {@code O_DIRECT}. */
    public boolean direct() {
        return direct;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(long offset, BlockData into) throws ErrnoException {
        int n = into.length();
        int got = into.readFrom(fd, offset, 0, n);
        // Only a file shrunk behind our back ends early: what is gone reads as zeroes, as past a device's end.
        if (got < n) into.fill(got, n - got, (byte) 0);
    }

    @Override
    public void write(long offset, BlockData from, boolean fua) throws ErrnoException {
        from.writeTo(fd, offset, 0, from.length());
        if (fua) Fs.fdatasync(fd);
    }

    @Override
    public void flush() throws ErrnoException {
        Fs.fdatasync(fd);
    }

    @Override
    public boolean canDiscard() {
        return true;
    }

    @Override
    public void discard(long offset, long length) throws ErrnoException {
        Fs.allocate(fd, Fs.FALLOC_FL_PUNCH_HOLE | Fs.FALLOC_FL_KEEP_SIZE, offset, length);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean noHole) throws ErrnoException {
        int mode = noHole ? Fs.FALLOC_FL_ZERO_RANGE | Fs.FALLOC_FL_KEEP_SIZE
                : Fs.FALLOC_FL_PUNCH_HOLE | Fs.FALLOC_FL_KEEP_SIZE;
        try {
            Fs.allocate(fd, mode, offset, length);
        } catch (KernelException e) {
            if (e.errno() != Errno.EOPNOTSUPP) throw e;
            BlockDriver.super.writeZeroes(offset, length, false, noHole); // the file system lacks the mode
        }
        if (fua) Fs.fdatasync(fd);
    }

    /** The file's holes: an NBD client then copies or maps the image without reading them. */
    @Override
    public void extents(long offset, long length, ExtentSink sink) throws ErrnoException {
        FileExtents.report(fd, offset, length, sink);
    }

    @Override
    public void close() {
        fd.close();
    }
}
