package dev.j4l.drivers.cow;

import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileLocks;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The delta of a copy-on-write overlay: the blocks written to the device, in a sparse file of this format
 * (every number little-endian):
 *
 * <pre>
 * offset 0, one 4096-byte page: the header
 *    0  8 bytes  magic "J4LDELTA"
 *    8  u32      format version, 1
 *   12  u32      block size B: 4096, or 512 when the base's size is not a multiple of 4096
 *   16  u64      device size: the base's size in bytes, a multiple of B
 *   24  u64      bitmap offset, 4096
 *   32  u64      bitmap length: one bit per block, rounded up to whole 4096-byte pages
 *   40  u64      data offset: bitmap offset + bitmap length
 *   the rest of the page is zero
 * the bitmap: bit i (bit i % 8 of byte i / 8, least significant first) set = block i is in the delta
 * the data area: block i at data offset + i × B, whether or not it is in the delta
 * </pre>
 *
 * The file is as long as the data area ends; only blocks ever written take space, the rest are holes. Placing
 * block i at a fixed offset needs no allocation table: the bitmap alone says what is in the delta, and the
 * file system's sparse files do the allocation.
 *
 * <p><b>Crash consistency.</b> A write goes to the data area first, and its bits are set in memory only once
 * it returned. Bitmap pages reach the file only on {@link #flush}, in this order: take a copy of the changed
 * pages, {@code fdatasync} (the data of every bit in the copy is now durable), write the copied pages,
 * {@code fdatasync} again. So a bit on disk always points at durable data: after a crash the delta holds
 * every block written before the last completed flush, and blocks written after it read either as they were
 * (their bit did not reach the disk) or as written. A torn bitmap-page write is harmless for the same reason.
 * The header is written once, when the delta is created (then the file and its directory are fsynced);
 * emptying the delta ({@link #reset}) truncates away bitmap and data and extends the file again, and a delta
 * found shorter than its layout (a reset cut short) is extended on opening: its bitmap is gone, so it is empty.
 *
 * <p>The delta identifies its base only by size. One process at a time may use a delta: it is locked with
 * {@code flock(2)} while open.
 */
final class DeltaFile implements AutoCloseable {
    static final int PAGE = 4096;
    private static final byte[] MAGIC = "J4LDELTA".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /** Where everything is, from the header. */
    record Layout(int blockSize, long deviceSize) {
        static Layout forDevice(long deviceSize, Path base) {
            if (deviceSize <= 0 || deviceSize % 512 != 0) {
                throw new IllegalArgumentException(base + " is " + deviceSize
                        + " bytes; a base must be a non-zero multiple of 512 bytes");
            }
            return new Layout(deviceSize % 4096 == 0 ? 4096 : 512, deviceSize);
        }

        long blocks() {
            return deviceSize / blockSize;
        }

        long bitmapOffset() {
            return PAGE;
        }

        long bitmapLength() {
            return (long) AllocationMap.pages(blocks()) * PAGE;
        }

        long dataOffset() {
            return bitmapOffset() + bitmapLength();
        }

        long fileLength() {
            return dataOffset() + deviceSize;
        }

        byte[] header() {
            ByteBuffer b = ByteBuffer.allocate(PAGE).order(ByteOrder.LITTLE_ENDIAN);
            b.put(MAGIC).putInt(VERSION).putInt(blockSize).putLong(deviceSize).putLong(bitmapOffset())
                    .putLong(bitmapLength()).putLong(dataOffset());
            return b.array();
        }

        static Layout parse(byte[] page, Path path) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) throw new IOException(path + " is not a j4l delta (no J4LDELTA magic)");
            int version = b.getInt();
            if (version != VERSION) throw new IOException(path + ": delta format version " + version + " is unknown");
            int blockSize = b.getInt();
            long deviceSize = b.getLong();
            if ((blockSize != 512 && blockSize != 4096) || deviceSize <= 0 || deviceSize % blockSize != 0) {
                throw new IOException(path + ": corrupt delta header (block size " + blockSize + ", size " + deviceSize + ")");
            }
            Layout l = new Layout(blockSize, deviceSize);
            if (b.getLong() != l.bitmapOffset() || b.getLong() != l.bitmapLength() || b.getLong() != l.dataOffset()) {
                throw new IOException(path + ": corrupt delta header (offsets do not match its size)");
            }
            return l;
        }
    }

    private final OwnedFd fd;
    private final Path path;
    private final Layout layout;
    private final AllocationMap map;
    /** One bitmap page on its way to the file; used under {@link #flush}'s lock only. */
    private final NativeBuffer pageBuffer = NativeBuffer.allocate(PAGE, PAGE);

    private DeltaFile(OwnedFd fd, Path path, Layout layout, AllocationMap map) {
        this.fd = fd;
        this.path = path;
        this.layout = layout;
        this.map = map;
    }

    /**
     * Opens the delta at {@code path} for a base of {@code deviceSize} bytes, locked for this process; with
     * {@code create}, a missing or empty file becomes an empty delta.
     */
    static DeltaFile open(Path path, long deviceSize, Path base, boolean create) throws IOException {
        int flags = Fs.O_RDWR | Fs.O_CLOEXEC | (create ? Fs.O_CREAT : 0);
        OwnedFd fd = Fs.open(path.toString(), flags, 0600);
        try {
            if (!FileLocks.flock(fd, FileLocks.LOCK_EX | FileLocks.LOCK_NB)) {
                throw new IOException(path + " is in use by another process (a served overlay, commit or discard)");
            }
            long length = Fs.seek(fd, 0, Fs.SEEK_END);
            Layout layout;
            if (length == 0 && create) {
                layout = Layout.forDevice(deviceSize, base);
                initialize(fd, path, layout);
            } else {
                NativeBuffer header = NativeBuffer.allocate(PAGE);
                if (readPage(fd, header, 0) < PAGE) throw new IOException(path + " is too short for a j4l delta");
                layout = Layout.parse(header.toByteArray(), path);
                if (layout.deviceSize() != deviceSize) {
                    throw new IOException(path + " is a delta for a base of " + layout.deviceSize() + " bytes, but "
                            + base + " is " + deviceSize + " bytes");
                }
                if (length < layout.fileLength()) {
                    Fs.truncate(fd, layout.fileLength()); // an interrupted reset: the bitmap is gone, the delta empty
                    Fs.fsync(fd);
                }
            }
            AllocationMap map = new AllocationMap(layout.blocks());
            load(fd, layout, map);
            return new DeltaFile(fd, path, layout, map);
        } catch (IOException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Writes the header of a new delta and gives the file its length, durably (directory entry included). */
    private static void initialize(OwnedFd fd, Path path, Layout layout) throws IOException {
        writeFully(fd, NativeBuffer.copyOf(layout.header()), 0);
        Fs.truncate(fd, layout.fileLength());
        Fs.fsync(fd);
        Path dir = path.toAbsolutePath().getParent();
        try (OwnedFd d = Fs.open(dir.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY | Fs.O_CLOEXEC)) {
            Fs.fsync(d);
        }
    }

    private static void load(OwnedFd fd, Layout layout, AllocationMap map) throws IOException {
        NativeBuffer page = NativeBuffer.allocate(PAGE);
        for (int p = 0; p < AllocationMap.pages(layout.blocks()); p++) {
            readPage(fd, page, layout.bitmapOffset() + (long) p * PAGE);
            map.load(p, page.toByteArray());
        }
    }

    /** Reads the page at {@code offset} into {@code b}; returns the bytes read (the rest of {@code b} zeroed). */
    private static int readPage(OwnedFd fd, NativeBuffer b, long offset) throws KernelException {
        b.fill(0, PAGE, (byte) 0);
        return fd.preadFully(b, 0, PAGE, offset);
    }

    private static void writeFully(OwnedFd fd, NativeBuffer b, long offset) throws KernelException {
        fd.pwriteFully(b, 0, (int) b.size(), offset);
    }

    OwnedFd fd() {
        return fd;
    }

    Layout layout() {
        return layout;
    }

    AllocationMap map() {
        return map;
    }

    /** Where device offset {@code deviceOffset} lives in this file. */
    long fileOffset(long deviceOffset) {
        return layout.dataOffset() + deviceOffset;
    }

    /** Makes every write completed so far durable, data before the bits that point at it (see the class comment). */
    synchronized void flush() throws ErrnoException {
        Map<Integer, byte[]> pages = map.takeDirty();
        try {
            Fs.fdatasync(fd);
            if (pages.isEmpty()) return;
            for (Map.Entry<Integer, byte[]> p : pages.entrySet()) {
                pageBuffer.put(0, p.getValue(), 0, PAGE);
                writeFully(fd, pageBuffer, layout.bitmapOffset() + (long) p.getKey() * PAGE);
            }
            Fs.fdatasync(fd);
        } catch (ErrnoException | RuntimeException e) {
            map.markDirty(pages.keySet()); // the next flush writes them again
            throw e;
        }
    }

    /** Empties the delta, durably: bitmap and data are truncated away and the file extended back as holes. */
    synchronized void reset() throws ErrnoException {
        Fs.truncate(fd, layout.bitmapOffset());
        Fs.truncate(fd, layout.fileLength());
        Fs.fsync(fd);
        map.clear();
    }

    @Override
    public void close() {
        fd.close(); // drops the flock too
    }
}
