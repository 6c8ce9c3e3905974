package dev.j4l.drivers.memfs;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contents of a regular file, stored sparsely: 4 KiB pages grouped in segments of 64 pages, segments kept
 * in a sorted map by index. A page that was never written (or was punched out) is absent and reads as zeros,
 * so a file truncated to a petabyte costs nothing.
 *
 * <p>A page array may be shorter than 4 KiB: bytes past its end read as zeros. Small files therefore cost
 * their size (rounded to 64 bytes), not a whole page; a page grows when written further.
 *
 * <p>Not thread-safe: the owning {@link Node}'s lock guards it. Every allocation is charged to the
 * {@link SpaceBudget} before it is made.
 */
final class FileData {
    static final int PAGE_SHIFT = 12;
    static final int PAGE = 1 << PAGE_SHIFT;
    static final int SEG_SHIFT = 6;
    static final int SEG_PAGES = 1 << SEG_SHIFT;
    /** The largest size a file may have (as the kernel's MAX_LFS_FILESIZE). */
    static final long MAX_SIZE = Long.MAX_VALUE;
    /** Charged per segment: its page table and its map entry. */
    static final long SEGMENT_COST = 16 + 8L * SEG_PAGES + 48;
    /** Charged per page besides its bytes: the array header. */
    static final long PAGE_OVERHEAD = 16;

    private final SpaceBudget budget;
    private final TreeMap<Long, byte[][]> segments = new TreeMap<>();
    private long size;
    /** Bytes charged to the budget for this file's pages and segments. */
    private long charged;
    /** Number of whole 4 KiB pages present (for st_blocks). */
    private long pages;
    // The last segment touched: sequential I/O finds its segment without a map lookup.
    private long lastSegIndex = -1;
    private byte[][] lastSeg;

    FileData(SpaceBudget budget) {
        this.budget = budget;
    }

    long size() {
        return size;
    }

    /** 512-byte blocks in use, counted in whole pages as tmpfs does. */
    long blocks() {
        return pages << (PAGE_SHIFT - 9);
    }

    long charged() {
        return charged;
    }

    private byte[][] segment(long segIndex) {
        if (segIndex == lastSegIndex) return lastSeg;
        byte[][] s = segments.get(segIndex);
        if (s != null) {
            lastSegIndex = segIndex;
            lastSeg = s;
        }
        return s;
    }

    private byte[] page(long pageIndex) {
        byte[][] s = segment(pageIndex >>> SEG_SHIFT);
        return s == null ? null : s[(int) (pageIndex & (SEG_PAGES - 1))];
    }

    /** Puts {@code page} at {@code pageIndex}, creating the segment (charged) when needed. */
    private boolean setPage(long pageIndex, byte[] page) {
        long segIndex = pageIndex >>> SEG_SHIFT;
        byte[][] s = segment(segIndex);
        if (s == null) {
            if (page == null) return true;
            if (!budget.tryCharge(SEGMENT_COST)) return false;
            charged += SEGMENT_COST;
            s = new byte[SEG_PAGES][];
            segments.put(segIndex, s);
            lastSegIndex = segIndex;
            lastSeg = s;
        }
        int i = (int) (pageIndex & (SEG_PAGES - 1));
        if (s[i] == null && page != null) pages++;
        if (s[i] != null && page == null) pages--;
        s[i] = page;
        if (page == null) {
            for (byte[] p : s) if (p != null) return true;
            segments.remove(segIndex);
            if (lastSegIndex == segIndex) {
                lastSegIndex = -1;
                lastSeg = null;
            }
            budget.release(SEGMENT_COST);
            charged -= SEGMENT_COST;
        }
        return true;
    }

    private static int roundUp64(int n) {
        return (n + 63) & ~63;
    }

    /**
     * Makes page {@code pageIndex} at least {@code need} bytes long, charging the growth. Returns the page, or
     * null when the budget is exhausted (nothing changed then).
     */
    private byte[] pageFor(long pageIndex, int need, byte[] old) {
        int oldLen = old == null ? 0 : old.length;
        if (oldLen >= need) return old;
        int len = need == PAGE ? PAGE : Math.min(PAGE, Math.max(roundUp64(need), oldLen * 2));
        long cost = (len - oldLen) + (old == null ? PAGE_OVERHEAD : 0);
        if (!budget.tryCharge(cost)) return null;
        byte[] p = old == null ? new byte[len] : Arrays.copyOf(old, len);
        if (!setPage(pageIndex, p)) {
            budget.release(cost);
            return null;
        }
        charged += cost;
        return p;
    }

    private void dropPage(long pageIndex, byte[] p) {
        long cost = p.length + PAGE_OVERHEAD;
        setPage(pageIndex, null);
        budget.release(cost);
        charged -= cost;
    }

    /**
     * Writes {@code length} bytes from {@code src[srcOffset..]} at {@code offset}. Returns the bytes written: all
     * of them, or fewer when the budget ran out part way (never 0 for a non-empty write: that is ENOSPC).
     */
    int write(long offset, DataSource src, int srcOffset, int length) throws ErrnoException {
        return write(offset, src, null, srcOffset, length);
    }

    /** Like {@link #write(long, DataSource, int, int)} from a Java array. */
    int write(long offset, byte[] src, int srcOffset, int length) throws ErrnoException {
        return write(offset, null, src, srcOffset, length);
    }

    /** The page walk of both writes: from {@code source}, or from {@code array} when that is not null. */
    private int write(long offset, DataSource source, byte[] array, int srcOffset, int length) throws ErrnoException {
        if (offset < 0) throw new ErrnoException(Errno.EINVAL);
        if (length == 0) return 0;
        if (offset > MAX_SIZE - length) throw new ErrnoException(Errno.EFBIG);
        int done = 0;
        while (done < length) {
            long pos = offset + done;
            long pageIndex = pos >>> PAGE_SHIFT;
            int inPage = (int) (pos & (PAGE - 1));
            int n = Math.min(PAGE - inPage, length - done);
            byte[] p = pageFor(pageIndex, inPage + n, page(pageIndex));
            if (p == null) break;
            if (array != null) System.arraycopy(array, srcOffset + done, p, inPage, n);
            else source.get(srcOffset + done, p, inPage, n);
            done += n;
        }
        if (done == 0) throw new ErrnoException(Errno.ENOSPC);
        size = Math.max(size, offset + done);
        return done;
    }

    /**
     * Appends up to {@code length} bytes at {@code offset} to {@code dst}; holes read as zeros. Returns the
     * bytes copied (less than asked only at end of file).
     */
    int read(long offset, DataSink dst, int length) {
        if (offset >= size || length <= 0) return 0;
        int total = (int) Math.min(length, size - offset);
        int done = 0;
        while (done < total) {
            long pos = offset + done;
            long pageIndex = pos >>> PAGE_SHIFT;
            int inPage = (int) (pos & (PAGE - 1));
            int n = Math.min(PAGE - inPage, total - done);
            byte[] p = page(pageIndex);
            int have = p == null ? 0 : Math.max(0, Math.min(n, p.length - inPage));
            if (have > 0) dst.put(p, inPage, have);
            if (have < n) dst.putZeros(n - have);
            done += n;
        }
        return total;
    }

    /** Like {@link #read(long, DataSink, int)} into a Java array. */
    int read(long offset, byte[] dst, int dstOffset, int length) {
        if (offset >= size || length <= 0) return 0;
        int total = (int) Math.min(length, size - offset);
        int done = 0;
        while (done < total) {
            long pos = offset + done;
            long pageIndex = pos >>> PAGE_SHIFT;
            int inPage = (int) (pos & (PAGE - 1));
            int n = Math.min(PAGE - inPage, total - done);
            byte[] p = page(pageIndex);
            int have = p == null ? 0 : Math.max(0, Math.min(n, p.length - inPage));
            if (have > 0) System.arraycopy(p, inPage, dst, dstOffset + done, have);
            if (have < n) Arrays.fill(dst, dstOffset + done + have, dstOffset + done + n, (byte) 0);
            done += n;
        }
        return total;
    }

    /** Sets the size; shrinking frees the pages past the end and zeroes the tail of the last one. */
    void truncate(long newSize) throws ErrnoException {
        if (newSize < 0) throw new ErrnoException(Errno.EINVAL);
        if (newSize < size) zeroRange(newSize, Long.MAX_VALUE - newSize, true);
        size = newSize;
    }

    /**
     * Zeroes {@code [offset, offset+length)}: whole pages inside the range are freed, partial pages zeroed in
     * place. With {@code shrink}, a partial page at the start is cut down to the range start.
     */
    private void zeroRange(long offset, long length, boolean shrink) {
        long end = length > Long.MAX_VALUE - offset ? Long.MAX_VALUE : offset + length;
        long firstPage = offset >>> PAGE_SHIFT;
        int firstIn = (int) (offset & (PAGE - 1));
        if (firstIn != 0) {
            byte[] p = page(firstPage);
            long pageEnd = (firstPage + 1) << PAGE_SHIFT;
            if (p != null) {
                int to = (int) Math.min(p.length, Math.min(end, pageEnd) - (firstPage << PAGE_SHIFT));
                if (shrink && end >= pageEnd) {
                    int len = roundUp64(firstIn);
                    if (len < p.length) {
                        byte[] q = Arrays.copyOf(p, len);
                        setPage(firstPage, q);
                        budget.release(p.length - len);
                        charged -= p.length - len;
                        p = q;
                        to = Math.min(to, len);
                    }
                }
                if (to > firstIn) Arrays.fill(p, firstIn, to, (byte) 0);
            }
            firstPage++;
        }
        long lastPageExclusive = end >>> PAGE_SHIFT; // pages wholly inside the range end before this
        // Free whole pages, walking only the segments that exist.
        long segFrom = firstPage >>> SEG_SHIFT;
        while (firstPage < lastPageExclusive) {
            Map.Entry<Long, byte[][]> e = segments.ceilingEntry(segFrom);
            if (e == null) break;
            long segIndex = e.getKey();
            long segFirst = segIndex << SEG_SHIFT;
            if (segFirst >= lastPageExclusive) break;
            byte[][] s = e.getValue();
            for (int i = 0; i < SEG_PAGES; i++) {
                long pi = segFirst + i;
                if (pi < firstPage || pi >= lastPageExclusive) continue;
                byte[] p = s[i];
                if (p != null) dropPage(pi, p);
            }
            segFrom = segIndex + 1;
        }
        // A partial page at the end of the range.
        if (end != Long.MAX_VALUE && (end & (PAGE - 1)) != 0 && (end >>> PAGE_SHIFT) >= firstPage) {
            long pi = end >>> PAGE_SHIFT;
            byte[] p = page(pi);
            if (p != null) {
                int to = (int) Math.min(p.length, end & (PAGE - 1));
                Arrays.fill(p, 0, to, (byte) 0);
            }
        }
    }

    /** FALLOC_FL_PUNCH_HOLE: frees the range; the size is unchanged. */
    void punchHole(long offset, long length) {
        if (offset >= size) return;
        zeroRange(offset, Math.min(length, size - offset), false);
    }

    /**
     * Allocates (zeroed) pages for {@code [offset, offset+length)} so later writes there cannot fail for space;
     * extends the size unless {@code keepSize}. All or nothing: ENOSPC leaves the file as it was.
     */
    void allocate(long offset, long length, boolean keepSize) throws ErrnoException {
        if (offset < 0 || length <= 0) throw new ErrnoException(Errno.EINVAL);
        if (offset > MAX_SIZE - length) throw new ErrnoException(Errno.EFBIG);
        long end = offset + length;
        long first = offset >>> PAGE_SHIFT, last = (end - 1) >>> PAGE_SHIFT;
        // Estimate the cost first, so a request that cannot fit is refused without allocating anything.
        long need = 0;
        for (long pi = first; pi <= last; pi++) {
            byte[] p = page(pi);
            if (p == null) need += PAGE + PAGE_OVERHEAD + ((pi & (SEG_PAGES - 1)) == 0 || pi == first ? SEGMENT_COST : 0);
            else need += PAGE - p.length;
            if (need > budget.free()) throw new ErrnoException(Errno.ENOSPC);
        }
        for (long pi = first; pi <= last; pi++) {
            if (pageFor(pi, PAGE, page(pi)) == null) throw new ErrnoException(Errno.ENOSPC);
        }
        if (!keepSize && end > size) size = end;
    }

    /** FALLOC_FL_ZERO_RANGE: the range reads as zeros afterwards and stays allocated. */
    void zeroRangeAllocated(long offset, long length, boolean keepSize) throws ErrnoException {
        long end = offset + length;
        if (offset < 0 || length <= 0 || end < 0) throw new ErrnoException(Errno.EINVAL);
        zeroRange(offset, length, false);
        allocate(offset, length, keepSize);
    }

    /** SEEK_DATA: the first offset at or after {@code offset} inside data. ENXIO when there is none. */
    long seekData(long offset) throws ErrnoException {
        if (offset < 0) throw new ErrnoException(Errno.EINVAL);
        if (offset >= size) throw new ErrnoException(Errno.ENXIO);
        long pi = offset >>> PAGE_SHIFT;
        long segIndex = pi >>> SEG_SHIFT;
        while (true) {
            Map.Entry<Long, byte[][]> e = segments.ceilingEntry(segIndex);
            if (e == null) throw new ErrnoException(Errno.ENXIO);
            long segFirst = e.getKey() << SEG_SHIFT;
            byte[][] s = e.getValue();
            for (int i = 0; i < SEG_PAGES; i++) {
                long p = segFirst + i;
                if (p < pi || s[i] == null) continue;
                long at = Math.max(offset, p << PAGE_SHIFT);
                if (at >= size) throw new ErrnoException(Errno.ENXIO);
                return at;
            }
            segIndex = e.getKey() + 1;
        }
    }

    /** SEEK_HOLE: the first offset at or after {@code offset} inside a hole (the end of file counts). */
    long seekHole(long offset) throws ErrnoException {
        if (offset < 0) throw new ErrnoException(Errno.EINVAL);
        if (offset >= size) throw new ErrnoException(Errno.ENXIO);
        long pi = offset >>> PAGE_SHIFT;
        while (true) {
            long at = pi << PAGE_SHIFT;
            if (at >= size) return size;
            byte[][] s = segment(pi >>> SEG_SHIFT);
            if (s == null) return Math.max(offset, at);
            int i = (int) (pi & (SEG_PAGES - 1));
            if (s[i] == null) return Math.max(offset, at);
            pi++;
        }
    }

    /** Frees everything (the file is gone). */
    void free() {
        segments.clear();
        lastSeg = null;
        lastSegIndex = -1;
        budget.release(charged);
        charged = 0;
        pages = 0;
        size = 0;
    }
}
