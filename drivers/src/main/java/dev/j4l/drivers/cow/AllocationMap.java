package dev.j4l.drivers.cow;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which device blocks the delta holds: one bit per block, in memory, with the bitmap pages changed since they
 * were last taken for writing ({@link #takeDirty}). Readers look bits up without a lock; setting bits and
 * taking dirty pages share one lock, so a page taken holds every bit set before it was taken, and a bit set
 * later leaves its page dirty for the next flush.
 *
 * <p>On disk a page is {@link DeltaFile#PAGE} bytes; bit {@code i} is bit {@code i % 8} (least significant
 * first) of byte {@code i / 8}, which is the little-endian order of the 64-bit words held here.
 */
final class AllocationMap {
    static final int BITS_PER_PAGE = DeltaFile.PAGE * 8;
    private static final int WORDS_PER_PAGE = DeltaFile.PAGE / 8;

    private final long blocks;
    private final AtomicLongArray words;
    /** Bitmap pages holding bits set since their last {@link #takeDirty}; guarded by {@code this}. */
    private final BitSet dirty = new BitSet();

    AllocationMap(long blocks) {
        if (blocks > (long) Integer.MAX_VALUE * 64) throw new IllegalArgumentException("too many blocks: " + blocks);
        this.blocks = blocks;
        this.words = new AtomicLongArray((int) ((blocks + 63) / 64));
    }

    long blocks() {
        return blocks;
    }

    boolean isSet(long block) {
        return (words.get((int) (block >>> 6)) & (1L << block)) != 0;
    }

    /** The end of the run of blocks from {@code block} (before {@code end}) whose bit is {@code set}. */
    long runEnd(long block, long end, boolean set) {
        long b = block + 1;
        while (b < end && isSet(b) == set) b++;
        return b;
    }

    /** Sets blocks {@code [from, to)} and marks their pages dirty. */
    synchronized void set(long from, long to) {
        for (long b = from; b < to; b++) {
            int w = (int) (b >>> 6);
            long bit = 1L << b;
            long old = words.get(w);
            if ((old & bit) == 0) {
                words.set(w, old | bit); // under the lock: no other writer
                dirty.set((int) (b / BITS_PER_PAGE));
            }
        }
    }

    /** Clears every block (the delta was emptied); nothing is dirty afterwards. */
    synchronized void clear() {
        for (int i = 0; i < words.length(); i++) words.set(i, 0);
        dirty.clear();
    }

    /** Whether any block is set. */
    boolean any() {
        for (int i = 0; i < words.length(); i++) if (words.get(i) != 0) return true;
        return false;
    }

    /** The dirty pages' bytes, by page index, as they are now; the pages are clean afterwards. */
    synchronized Map<Integer, byte[]> takeDirty() {
        Map<Integer, byte[]> pages = new LinkedHashMap<>();
        for (int p = dirty.nextSetBit(0); p >= 0; p = dirty.nextSetBit(p + 1)) pages.put(p, page(p));
        dirty.clear();
        return pages;
    }

    /** Marks pages dirty again (their write failed, so the next flush must retry them). */
    synchronized void markDirty(Iterable<Integer> pages) {
        for (int p : pages) dirty.set(p);
    }

    private byte[] page(int p) {
        ByteBuffer b = ByteBuffer.allocate(DeltaFile.PAGE).order(ByteOrder.LITTLE_ENDIAN);
        int first = p * WORDS_PER_PAGE;
        for (int w = first; w < Math.min(first + WORDS_PER_PAGE, words.length()); w++) b.putLong(words.get(w));
        return b.array();
    }

    /** Loads page {@code p} from its on-disk bytes (when opening the delta). */
    void load(int p, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int first = p * WORDS_PER_PAGE;
        for (int w = first; w < Math.min(first + WORDS_PER_PAGE, words.length()); w++) words.set(w, b.getLong());
        // Bits past the last block would never be read; clearing them keeps any() and commit honest.
        if (p == pages(blocks) - 1 && blocks % 64 != 0) {
            int last = words.length() - 1;
            words.set(last, words.get(last) & ((1L << (blocks % 64)) - 1));
        }
    }

    /** Bitmap pages for {@code blocks} bits. */
    static int pages(long blocks) {
        return (int) ((blocks + BITS_PER_PAGE - 1) / BITS_PER_PAGE);
    }
}
