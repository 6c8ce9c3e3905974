package dev.j4l.fuse.inode;

import dev.j4l.fuse.BackingId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Open-file handles: the driver's handle object (and passthrough backing id) behind each {@code fh} number
 * the kernel holds. {@code fh} = generation (high 32 bits) | slot (low 32 bits), so a stale or forged number
 * finds nothing instead of another file's handle. Reading takes no lock and allocates nothing.
 */
public final class HandleTable<H> {
    private static final int CHUNK_BITS = 10;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Open[].class);

    /** One open file. */
    public static final class Open<H> {
        final long fh;
        final H handle;
        final BackingId backing;

        Open(long fh, H handle, BackingId backing) {
            this.fh = fh;
            this.handle = handle;
            this.backing = backing;
        }

        public H handle() {
            return handle;
        }

        public BackingId backing() {
            return backing;
        }
    }

    private final Object lock = new Object();
    private volatile Open<?>[][] chunks = new Open<?>[][] {new Open<?>[CHUNK]};
    private int[] generations = new int[CHUNK];
    private int[] free = new int[64];
    private int freeCount;
    private int next = 1;
    private int live;

    /** Registers an open file and returns its fh (never 0). */
    public long add(H handle, BackingId backing) {
        synchronized (lock) {
            int i;
            if (freeCount > 0) {
                i = free[--freeCount];
            } else {
                i = next++;
                int ci = i >>> CHUNK_BITS;
                Open<?>[][] c = chunks;
                if (ci >= c.length) c = Arrays.copyOf(c, c.length * 2);
                if (c[ci] == null) c[ci] = new Open<?>[CHUNK];
                chunks = c;
                if (i >= generations.length) generations = Arrays.copyOf(generations, generations.length * 2);
            }
            int gen = ++generations[i];
            if (gen == 0) gen = ++generations[i];
            long fh = ((long) gen << 32) | i;
            SLOT.setRelease(chunks[i >>> CHUNK_BITS], i & (CHUNK - 1), new Open<>(fh, handle, backing));
            live++;
            return fh;
        }
    }

    /** The handle behind {@code fh}; null for 0, unknown or stale numbers. */
    @SuppressWarnings("unchecked")
    public H get(long fh) {
        Open<?> o = open(fh);
        return o == null ? null : (H) o.handle;
    }

    /** Removes {@code fh} and returns what it held, or null if unknown. */
    @SuppressWarnings("unchecked")
    public Open<H> remove(long fh) {
        synchronized (lock) {
            Open<?> o = open(fh);
            if (o == null) return null;
            int i = (int) fh;
            SLOT.setRelease(chunks[i >>> CHUNK_BITS], i & (CHUNK - 1), (Open<?>) null);
            if (freeCount == free.length) free = Arrays.copyOf(free, free.length * 2);
            free[freeCount++] = i;
            live--;
            return (Open<H>) o;
        }
    }

    public int size() {
        synchronized (lock) {
            return live;
        }
    }

    private Open<?> open(long fh) {
        int i = (int) fh;
        if (fh == 0 || i <= 0) return null;
        Open<?>[][] c = chunks;
        int ci = i >>> CHUNK_BITS;
        if (ci >= c.length || c[ci] == null) return null;
        Open<?> o = (Open<?>) SLOT.getAcquire(c[ci], i & (CHUNK - 1));
        return o != null && o.fh == fh ? o : null;
    }
}
