package dev.j4l.block.transport;

import dev.j4l.kernel.NativeBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The memory a transport's requests carry their data in, shared by all its connections and bounded: one
 * page-aligned native buffer of {@code capacity} bytes (its pages taken only once touched), cut by a buddy
 * allocator into blocks of 4 KiB times a power of two. A request that finds no block free waits its turn
 * (first come, first served, so a large request is not starved by small ones) until another request gives one
 * back: many clients with many requests in flight wait, never an {@link OutOfMemoryError}.
 *
 * <p>Each block's {@link Payload} (with its views) is made once and reused, so acquiring allocates nothing once
 * the pool is warm. A payload is the transport's own, never a driver's: drivers get a {@link LentData} window
 * of it for one call. Any thread may acquire and release (a request is read on one thread and answered on
 * another); a payload is released once.
 */
public final class PayloadPool {
    /** The smallest block, and the alignment of every block. */
    public static final int MIN_BLOCK = 4096;

    private final NativeBuffer memory;
    private final int maxOrder;
    /** free[o]: the blocks of MIN_BLOCK << o bytes that are free, by index. */
    private final BitSet[] free;
    /** Each block's payload, made on first use. */
    private final Payload[][] payloads;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private long freeBytes;
    /** Tickets of waiting acquirers: only the one whose ticket is {@code serving} may take a block. */
    private long nextTicket;
    private long serving;

    /**
     * @param capacity bytes: a power of two, at least {@link #MIN_BLOCK}; also the largest payload
     * @throws dev.j4l.kernel.NativeMemoryLimitException when the memory cannot be had
     */
    public PayloadPool(int capacity) {
        if (capacity < MIN_BLOCK || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two of at least " + MIN_BLOCK + ": " + capacity);
        }
        memory = NativeBuffer.allocate(capacity, MIN_BLOCK);
        maxOrder = Integer.numberOfTrailingZeros(capacity / MIN_BLOCK);
        free = new BitSet[maxOrder + 1];
        payloads = new Payload[maxOrder + 1][];
        for (int o = 0; o <= maxOrder; o++) {
            free[o] = new BitSet(1 << (maxOrder - o));
            payloads[o] = new Payload[1 << (maxOrder - o)];
        }
        free[maxOrder].set(0);
        freeBytes = capacity;
    }

    /** The pool's size: the largest payload it can lend. */
    public int capacity() {
        return (int) memory.size();
    }

    /** Bytes not lent out now (a snapshot). */
    public long freeBytes() {
        lock.lock();
        try {
            return freeBytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A payload of at least {@code length} bytes, waiting (uninterruptibly, behind earlier callers) until one is
     * free. Payloads are given back by requests being answered, which never wait here, so the wait ends.
     *
     * @throws IllegalArgumentException if {@code length} is negative or more than {@link #capacity()}
     */
    public Payload acquire(int length) {
        int order = orderOf(length);
        lock.lock();
        try {
            long ticket = nextTicket++;
            Payload p;
            while (ticket != serving || (p = take(order)) == null) released.awaitUninterruptibly();
            serving++;
            released.signalAll(); // the next in line may fit too
            return p;
        } finally {
            lock.unlock();
        }
    }

    /** A payload of at least {@code length} bytes, or null when none is free now or others are waiting. */
    public Payload tryAcquire(int length) {
        int order = orderOf(length);
        lock.lock();
        try {
            return nextTicket == serving ? take(order) : null;
        } finally {
            lock.unlock();
        }
    }

    private int orderOf(int length) {
        if (length < 0 || length > memory.size()) {
            throw new IllegalArgumentException("payload of " + length + " bytes; the pool holds " + memory.size());
        }
        int blocks = Math.max(1, (length + MIN_BLOCK - 1) / MIN_BLOCK);
        return 32 - Integer.numberOfLeadingZeros(blocks - 1);
    }

    /** Takes a free block of {@code order}, splitting a larger one if need be; null when none. Under the lock. */
    private Payload take(int order) {
        int o = order;
        while (o <= maxOrder && free[o].isEmpty()) o++;
        if (o > maxOrder) return null;
        int index = free[o].nextSetBit(0);
        free[o].clear(index);
        while (o > order) { // keep the lower half, free the upper
            o--;
            index <<= 1;
            free[o].set(index + 1);
        }
        freeBytes -= (long) MIN_BLOCK << order;
        Payload p = payloads[order][index];
        if (p == null) p = payloads[order][index] = new Payload(order, index);
        p.lent = true;
        return p;
    }

    private void giveBack(Payload p) {
        lock.lock();
        try {
            if (!p.lent) throw new IllegalStateException("payload released twice");
            p.lent = false;
            int o = p.order;
            int index = p.index;
            while (o < maxOrder && free[o].get(index ^ 1)) { // merge with a free buddy
                free[o].clear(index ^ 1);
                index >>= 1;
                o++;
            }
            free[o].set(index);
            freeBytes += (long) MIN_BLOCK << p.order;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** One block of the pool, lent to one request at a time. */
    public final class Payload {
        private final int order;
        private final int index;
        private final NativeBuffer buffer;
        private final ByteBuffer view;
        /** Guarded by the pool's lock. */
        private boolean lent;

        private Payload(int order, int index) {
            this.order = order;
            this.index = index;
            int size = MIN_BLOCK << order;
            this.buffer = memory.slice((long) index * size, size);
            this.view = buffer.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
        }

        /** The block: at least the length asked for, page-aligned. */
        public NativeBuffer buffer() {
            return buffer;
        }

        /**
         * A {@link ByteBuffer} over the block for channel I/O, the same object each time (its position and limit
         * are the holder's to set).
         */
        public ByteBuffer view() {
            return view;
        }

        /** Gives the block back; at most once per acquire. */
        public void release() {
            giveBack(this);
        }
    }
}
