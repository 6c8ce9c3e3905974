package dev.j4l.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A fixed number of equal-sized native buffers, lent out and returned. Exhaustion is an ordinary result:
 * {@link #tryAcquire()} returns {@code null} when every buffer is lent out — it never allocates more and never
 * throws {@link OutOfMemoryError}. The memory is allocated once, up front, when the pool is created.
 *
 * <p>A caller that serves requests maps exhaustion to the errno its protocol expects, for example
 * <pre>{@code
 * BufferPool.Lease lease = pool.tryAcquire();
 * if (lease == null) throw new ErrnoException(Errno.ENOMEM);   // a request that cannot get memory now
 * try (lease) { ... lease.buffer() ... }
 * }</pre>
 * Use {@code ENOMEM} for "no memory for this request right now" (the client may retry) and {@code ENOSPC}
 * when the pool models storage capacity (a filesystem whose data lives in pooled blocks is full).
 *
 * <p>A {@link Lease} belongs to the thread that acquired it, like a confined arena: only that thread may use
 * its buffer (others get {@link WrongThreadException}) or release it. It is good for exactly one release.
 * Releasing twice throws {@link IllegalStateException}, and so does every access through the lease's
 * {@link NativeBuffer}, any slice of it or any {@link java.nio.ByteBuffer} view of it after release — a stale
 * reference fails loudly instead of reading another request's data. The JDK makes these checks on each access
 * (the buffer's memory has the lease's own scope), so no access can slip between a check and the release.
 * Acquiring is lock-free and safe from any thread; it allocates a few small objects, never native memory.
 */
public final class BufferPool {
    private final MemorySegment[] slots;
    /** 0 = free, 1 = lent. */
    private final AtomicIntegerArray lent;
    private final long bufferSize;
    /** Where the next search for a free slot starts; spreads contention, not a correctness property. */
    private int hint;

    /**
     * @param count number of buffers (at least 1)
     * @param bufferSize bytes per buffer (at least 1)
     * @param alignment alignment of each buffer, a power of two (e.g. 4096 for page-aligned I/O)
     * @throws NativeMemoryLimitException when the pool's memory cannot be had
     */
    public BufferPool(int count, long bufferSize, long alignment) {
        if (count < 1 || count > 1 << 20) throw new IllegalArgumentException("count out of range (1..2^20): " + count);
        if (bufferSize < 1) throw new IllegalArgumentException("bufferSize must be positive: " + bufferSize);
        if (alignment < 1 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        long stride = (bufferSize + alignment - 1) & -alignment;
        MemorySegment all;
        try {
            all = Arena.ofAuto().allocate(Math.multiplyExact(stride, (long) count), alignment);
        } catch (OutOfMemoryError e) {
            throw new NativeMemoryLimitException("no native memory for a pool of " + count + " x " + bufferSize
                    + " bytes: " + e.getMessage(), e);
        }
        this.slots = new MemorySegment[count];
        for (int i = 0; i < count; i++) slots[i] = all.asSlice(i * stride, bufferSize);
        this.lent = new AtomicIntegerArray(count);
        this.bufferSize = bufferSize;
    }

    public BufferPool(int count, long bufferSize) {
        this(count, bufferSize, 8);
    }

    public int capacity() {
        return slots.length;
    }

    public long bufferSize() {
        return bufferSize;
    }

    /** Buffers not lent out right now (a snapshot; other threads may change it at once). */
    public int available() {
        int n = 0;
        for (int i = 0; i < slots.length; i++) if (lent.get(i) == 0) n++;
        return n;
    }

    /**
     * Lends a buffer to the calling thread, or returns {@code null} when all are lent out. The buffer's
     * contents are whatever the previous holder left; callers that expose it must overwrite or
     * {@link NativeBuffer#fill} it.
     */
    public Lease tryAcquire() {
        int n = slots.length;
        int start = hint;
        for (int k = 0; k < n; k++) {
            int i = start + k;
            if (i >= n) i -= n;
            if (lent.get(i) == 0 && lent.compareAndSet(i, 0, 1)) {
                hint = i + 1 == n ? 0 : i + 1;
                return new Lease(this, i);
            }
        }
        return null;
    }

    private void giveBack(int slot) {
        lent.set(slot, 0);
    }

    /** One loan of one buffer to one thread. Close it (or call {@link #release()}) exactly once, on that thread. */
    public static final class Lease implements AutoCloseable {
        private final BufferPool pool;
        private final int slot;
        private final Arena scope = Arena.ofConfined();
        private final NativeBuffer buffer;
        private volatile boolean released;

        private Lease(BufferPool pool, int slot) {
            this.pool = pool;
            this.slot = slot;
            // SAFETY: the slot's memory is the pool's, allocated for the pool's lifetime; the new segment's scope
            // is this lease's arena, so it is usable only until release and only by this thread, and its cleanup
            // action refers to the pool, keeping the pool's memory reachable as long as any view of the lease is.
            MemorySegment memory = dev.j4l.kernel.raw.LibcMemory.withScope(pool.slots[slot], scope, pool);
            this.buffer = new NativeBuffer(memory, pool);
        }

        /** The lent buffer; it (and its slices and views) throw {@link IllegalStateException} once released. */
        public NativeBuffer buffer() {
            checkHeld();
            return buffer;
        }

        public boolean released() {
            return released;
        }

        /**
         * Returns the buffer to the pool.
         *
         * @throws IllegalStateException if already released
         * @throws WrongThreadException on a thread other than the one that acquired the lease
         */
        public void release() {
            if (released) throw new IllegalStateException("buffer lease released twice");
            // Closing a confined arena checks the thread, and ends every view of the memory at once.
            scope.close();
            released = true;
            pool.giveBack(slot);
        }

        @Override
        public void close() {
            release();
        }

        void checkHeld() {
            if (released) throw new IllegalStateException("use of a pooled buffer after its lease was released");
        }

        @Override
        public String toString() {
            return "Lease[" + pool.bufferSize + " bytes" + (released ? ", released]" : "]");
        }
    }
}
