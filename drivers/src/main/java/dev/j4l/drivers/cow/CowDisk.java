package dev.j4l.drivers.cow;

import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.ExtentSink;
import dev.j4l.block.FileExtents;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileLocks;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A copy-on-write overlay: a device that reads as a base image until written, and keeps what is written in a
 * delta file ({@link DeltaFile} describes its format and why it survives crashes). The base is opened
 * read-only and never written while the device is served, so one golden image can back many throw-away
 * devices; the two operations that end an overlay are explicit and run while it is not served:
 * {@link #commit} copies the delta into the base (the only thing that writes the base), {@link #discard}
 * drops it, after which the device reads as the base again.
 *
 * <p>The delta's block size is the device's, so every write covers whole delta blocks and nothing is ever
 * copied up from the base: a read takes each run of blocks from the delta or from the base, a write goes to
 * the delta and then marks its blocks. Write-zeroes punches (or, with NO_HOLE, zeroes) the delta's range and
 * marks it, so zeroes hide the base without taking space. Discard is not offered: a trimmed block would read
 * as the base again, allowed by TRIM but surprising in an overlay. Files are read and written through the
 * page cache, so base and delta may live on any file system.
 */
public final class CowDisk implements BlockDriver, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.drivers.cow");
    private final OwnedFd base;
    private final DeltaFile delta;
    private final AllocationMap map;
    private final int blockSize;

    private CowDisk(OwnedFd base, DeltaFile delta) {
        this.base = base;
        this.delta = delta;
        this.map = delta.map();
        this.blockSize = delta.layout().blockSize();
    }

    /** The overlay of {@code base} (opened read-only) with the delta at {@code delta}, created when missing. */
    public static CowDisk open(Path base, Path delta) throws IOException {
        OwnedFd b = Fs.open(base.toString(), Fs.O_RDONLY | Fs.O_CLOEXEC);
        try {
            // Shared with every other overlay served on this base; commit, which writes the base, takes it
            // exclusively and is refused while any overlay is served.
            if (!FileLocks.flock(b, FileLocks.LOCK_SH | FileLocks.LOCK_NB)) {
                throw new IOException(base + " is being committed into; try again when that is done");
            }
            return new CowDisk(b, DeltaFile.open(delta, Fs.seek(b, 0, Fs.SEEK_END), base, true));
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /**
     * Copies every block of the delta into {@code base}, makes the base durable, then empties the delta; returns
     * the bytes copied. A crash midway leaves the delta whole, so running commit again finishes it.
     */
    public static long commit(Path base, Path delta) throws IOException {
        try (OwnedFd b = Fs.open(base.toString(), Fs.O_RDWR | Fs.O_CLOEXEC)) {
            if (!FileLocks.flock(b, FileLocks.LOCK_EX | FileLocks.LOCK_NB)) {
                throw new IOException(base + " is in use by a served overlay: committing would change what it reads;"
                        + " stop it first");
            }
            return commitLocked(b, base, delta);
        }
    }

    private static long commitLocked(OwnedFd b, Path base, Path delta) throws IOException {
        try (DeltaFile d = DeltaFile.open(delta, Fs.seek(b, 0, Fs.SEEK_END), base, false)) {
            AllocationMap map = d.map();
            int bs = d.layout().blockSize();
            NativeBuffer buffer = NativeBuffer.allocate(1 << 20, 4096);
            long copied = 0;
            for (long block = 0; block < map.blocks(); ) {
                boolean set = map.isSet(block);
                long end = map.runEnd(block, map.blocks(), set);
                if (set) copy(d.fd(), d.fileOffset(block * bs), b, block * bs, (end - block) * bs, buffer);
                if (set) copied += (end - block) * bs;
                block = end;
            }
            Fs.fdatasync(b); // the base holds every block before the delta lets go of them
            d.reset();
            return copied;
        }
    }

    /** Empties the delta of {@code base}'s overlay: the device reads as the base again. Returns the bytes dropped. */
    public static long discard(Path base, Path delta) throws IOException {
        try (OwnedFd b = Fs.open(base.toString(), Fs.O_RDONLY | Fs.O_CLOEXEC);
                DeltaFile d = DeltaFile.open(delta, Fs.seek(b, 0, Fs.SEEK_END), base, false)) {
            long dropped = 0;
            for (long block = 0; block < d.map().blocks(); block++) if (d.map().isSet(block)) dropped++;
            d.reset();
            return dropped * d.layout().blockSize();
        }
    }

    private static void copy(OwnedFd from, long fromOffset, OwnedFd to, long toOffset, long length, NativeBuffer buffer)
            throws KernelException {
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(length - done, buffer.size());
            if (from.preadFully(buffer, 0, n, fromOffset + done) < n) {
                throw new KernelException("pread", from.description() + " (shorter than its layout)", Errno.EIO);
            }
            to.pwriteFully(buffer, 0, n, toOffset + done);
            done += n;
        }
    }

    /** Bytes of the device held in the delta now. */
    public long deltaBytes() {
        long n = 0;
        for (long block = 0; block < map.blocks(); block++) if (map.isSet(block)) n++;
        return n * blockSize;
    }

    @Override
    public long size() {
        return delta.layout().deviceSize();
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    /**
     * Runs in the delta are the delta file's (a zeroed run is a hole there), the rest the base's: each reported
     * with the holes of the file it comes from.
     */
    @Override
    public void extents(long offset, long length, ExtentSink sink) throws ErrnoException {
        long first = offset / blockSize, end = first + length / blockSize;
        for (long block = first; block < end; ) {
            boolean inDelta = map.isSet(block);
            long runEnd = map.runEnd(block, end, inDelta);
            long at = block * blockSize, n = (runEnd - block) * blockSize;
            boolean more = inDelta ? FileExtents.report(delta.fd(), delta.fileOffset(at), n, sink)
                    : FileExtents.report(base, at, n, sink);
            if (!more) return;
            block = runEnd;
        }
    }

    @Override
    public void read(long offset, BlockData into) throws ErrnoException {
        long first = offset / blockSize, end = first + into.length() / blockSize;
        for (long block = first; block < end; ) {
            // The state is read once per run: a block being written meanwhile may read old or new, as on any
            // disk, but a run never mixes sources.
            boolean inDelta = map.isSet(block);
            long runEnd = map.runEnd(block, end, inDelta);
            int position = (int) ((block - first) * blockSize), length = (int) ((runEnd - block) * blockSize);
            long at = block * blockSize;
            int got = inDelta ? into.readFrom(delta.fd(), delta.fileOffset(at), position, length)
                    : into.readFrom(base, at, position, length);
            if (got < length) into.fill(position + got, length - got, (byte) 0); // a file shrunk behind our back
            block = runEnd;
        }
    }

    @Override
    public void write(long offset, BlockData from, boolean fua) throws ErrnoException {
        from.writeTo(delta.fd(), delta.fileOffset(offset), 0, from.length());
        // Marked only now that the data is written: a flush never persists a bit ahead of its data.
        map.set(offset / blockSize, (offset + from.length()) / blockSize);
        if (fua) delta.flush();
    }

    @Override
    public void flush() throws ErrnoException {
        delta.flush();
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean noHole) throws ErrnoException {
        int mode = noHole ? Fs.FALLOC_FL_ZERO_RANGE | Fs.FALLOC_FL_KEEP_SIZE
                : Fs.FALLOC_FL_PUNCH_HOLE | Fs.FALLOC_FL_KEEP_SIZE;
        try {
            Fs.allocate(delta.fd(), mode, delta.fileOffset(offset), length);
            map.set(offset / blockSize, (offset + length) / blockSize);
        } catch (KernelException e) {
            if (e.errno() != Errno.EOPNOTSUPP) throw e;
            BlockDriver.super.writeZeroes(offset, length, false, noHole); // zeroes written through write()
        }
        if (fua) delta.flush();
    }

    /** Flushes (an orderly stop loses nothing; a failed flush is logged) and closes base and delta. */
    @Override
    public void close() {
        try {
            delta.flush();
        } catch (ErrnoException e) {
            LOG.log(System.Logger.Level.ERROR, "the last flush of the overlay failed; unflushed writes may be lost", e);
        } finally {
            delta.close();
            base.close();
        }
    }
}
