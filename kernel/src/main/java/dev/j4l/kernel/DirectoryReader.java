package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.j4l.kernel.raw.LibcFs;
import dev.j4l.kernel.raw.Structs;
import java.lang.foreign.MemorySegment;

/**
 * Reads a directory's entries with {@code getdents64(2)} into a buffer the caller supplies, as a cursor:
 * {@link #next()} moves to the next entry, whose inode, offset, type and name are then readable. Moving
 * through entries allocates nothing; only {@link #name()} creates a String (use {@link #copyName} or
 * {@link #isDotOrDotDot} to avoid that).
 *
 * <p>The reader does not own the directory descriptor and does not close it. {@link #seek(long)} continues
 * from an entry's {@link #offset()} — how a FUSE READDIR resumes where the previous call stopped. Not
 * thread-safe (the directory's file position is shared state).
 *
 * <pre>{@code
 * try (OwnedFd dir = Fs.open("/etc", Fs.O_RDONLY | Fs.O_DIRECTORY)) {
 *     DirectoryReader r = new DirectoryReader(dir, NativeBuffer.allocate(32 * 1024));
 *     while (r.next()) System.out.println(r.name() + " " + r.type());
 * }
 * }</pre>
 */
public final class DirectoryReader {
    // d_type values.
    public static final int DT_UNKNOWN = 0;
    public static final int DT_FIFO = 1;
    public static final int DT_CHR = 2;
    public static final int DT_DIR = 4;
    public static final int DT_BLK = 6;
    public static final int DT_REG = 8;
    public static final int DT_LNK = 10;
    public static final int DT_SOCK = 12;
    public static final int DT_WHT = 14;

    private final OwnedFd dir;
    private final NativeBuffer buffer;
    /** Bytes of records in the buffer, and where the current record starts. */
    private int filled;
    private int current = -1;
    private int nextRecord;
    private boolean atEnd;

    /** @param buffer scratch space for records; at least 280 bytes (one maximal entry), 32 KiB is typical */
    public DirectoryReader(OwnedFd dir, NativeBuffer buffer) {
        if (buffer.size() < 280) throw new IllegalArgumentException("directory buffer too small: " + buffer.size());
        this.dir = dir;
        this.buffer = buffer;
    }

    /** Moves to the next entry; false at the end of the directory. */
    public boolean next() throws KernelException {
        if (atEnd) return false;
        if (nextRecord >= filled && !fill()) return false;
        current = nextRecord;
        nextRecord = current + Short.toUnsignedInt(buffer.segment().get(JAVA_SHORT, current + Structs.DIRENT64_RECLEN));
        return true;
    }

    /**
     * One getdents64 call; false (and at end) when the directory has no more entries. Kept apart from
     * {@link #next()} so the JIT inlines the downcall and scalar-replaces the JDK's errno-capture slice
     * (otherwise 40 bytes per call; see AllocationTest).
     */
    private boolean fill() throws KernelException {
        MemorySegment seg = buffer.segment();
        int n = dir.acquire();
        try {
            // SAFETY: seg is all of buffer and count is at most its size, the most the kernel writes; the downcall
            // checks seg is alive and this thread's and keeps it so.
            long r = LibcFs.getdents64(n, seg, Math.min(seg.byteSize(), Integer.MAX_VALUE));
            if (r < 0) throw KernelException.of("getdents64", dir.description(), r);
            filled = (int) r;
        } finally {
            dir.release();
        }
        nextRecord = 0;
        current = -1;
        if (filled == 0) {
            atEnd = true;
            return false;
        }
        return true;
    }

    private MemorySegment entry() {
        if (current < 0) throw new IllegalStateException("no current entry: call next() first");
        return buffer.segment();
    }

    public long inode() {
        return entry().get(JAVA_LONG, current + Structs.DIRENT64_INO);
    }

    /** The position after this entry: pass it to {@link #seek} to continue with the following entry. */
    public long offset() {
        return entry().get(JAVA_LONG, current + Structs.DIRENT64_OFF);
    }

    /** One of the {@code DT_*} values. */
    public int type() {
        return Byte.toUnsignedInt(entry().get(JAVA_BYTE, current + Structs.DIRENT64_TYPE));
    }

    /** Length of the name in bytes (no terminator). */
    public int nameLength() {
        MemorySegment s = entry();
        long start = current + Structs.DIRENT64_NAME;
        long end = nextRecord;
        // Records are padded with NULs to 8 bytes, so the name's terminator is among the last 8 bytes.
        for (long i = Math.max(start, end - 8); i < end; i++) if (s.get(JAVA_BYTE, i) == 0) return (int) (i - start);
        return (int) (end - start);
    }

    /** The name, decoded by {@link FileNames} (allocates). */
    public String name() {
        return FileNames.decode(entry(), current + Structs.DIRENT64_NAME, nameLength());
    }

    /** Copies the name's bytes to {@code dst[offset..]}; returns its length. */
    public int copyName(NativeBuffer dst, long offset) {
        int len = nameLength();
        dst.copyFrom(offset, buffer, current + Structs.DIRENT64_NAME, len);
        return len;
    }

    /** True when the name is "." or "..". */
    public boolean isDotOrDotDot() {
        MemorySegment s = entry();
        long p = current + Structs.DIRENT64_NAME;
        if (s.get(JAVA_BYTE, p) != '.') return false;
        byte b1 = s.get(JAVA_BYTE, p + 1);
        return b1 == 0 || (b1 == '.' && s.get(JAVA_BYTE, p + 2) == 0);
    }

    /** Continues reading at {@code offset} (0 = start, else a value from {@link #offset()}). */
    public void seek(long offset) throws KernelException {
        Fs.seek(dir, offset, Fs.SEEK_SET);
        filled = 0;
        nextRecord = 0;
        current = -1;
        atEnd = false;
    }
}
