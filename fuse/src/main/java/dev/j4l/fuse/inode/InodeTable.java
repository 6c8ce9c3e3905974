package dev.j4l.fuse.inode;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The inode ledger: which driver node each kernel node id stands for, and how many lookups the kernel holds
 * on it.
 *
 * <p>Node ids are small integers reused after the kernel forgot them; each reuse gets a new generation, so
 * node id + generation never repeat. Every reply that gives the kernel an entry {@linkplain #lookup counts};
 * FORGET {@linkplain #forget subtracts}; at zero the node is dropped from the table and {@code onForget} is
 * told. The root (node id 1) is never dropped. Reading a node by id takes no lock and allocates nothing.
 *
 * <p>A table that {@linkplain #remembering remembers} (for export support: file handles name a node id and
 * generation the kernel may have forgotten) keeps a forgotten node's id and generation for as long as the
 * driver keeps the node itself: {@link #remembered} finds it by id, and a new lookup of it gets the same id
 * and generation back, so an old handle still matches. Once the driver lets go of the node, its id is free.
 */
public final class InodeTable<N> {
    private static final int CHUNK_BITS = 12;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int MAX_CHUNKS = 1 << 19; // 2^31 node ids

    /** One node known to the kernel. */
    static final class Inode<N> {
        final N node;
        final long nodeid;
        final long generation;
        /** Lookups the kernel holds; 0 = dead (never revived: a new lookup makes a new Inode). */
        private long lookups;

        Inode(N node, long nodeid, long generation, long lookups) {
            this.node = node;
            this.nodeid = nodeid;
            this.generation = generation;
            this.lookups = lookups;
        }

        synchronized boolean tryAcquire() {
            if (lookups <= 0) return false;
            lookups++;
            return true;
        }

        /** Returns the count after subtracting, or -1 if it was already 0. */
        synchronized long release(long n) {
            if (lookups <= 0) return -1;
            lookups = Math.max(0, lookups - n);
            return lookups;
        }

        synchronized long lookups() {
            return lookups;
        }
    }

    /** A forgotten node, held weakly, with the id and generation a file handle may still name. */
    private static final class Remembered<N> extends WeakReference<N> {
        final long nodeid;
        final long generation;

        Remembered(N node, long nodeid, long generation, ReferenceQueue<N> queue) {
            super(node, queue);
            this.nodeid = nodeid;
            this.generation = generation;
        }
    }

    private final ConcurrentHashMap<N, Inode<N>> byNode = new ConcurrentHashMap<>();
    private final Consumer<N> onForget;
    private final boolean remembering;
    private final ConcurrentHashMap<Long, Remembered<N>> rememberedById = new ConcurrentHashMap<>();
    private final Map<N, Long> rememberedByNode = Collections.synchronizedMap(new WeakHashMap<>());
    private final ReferenceQueue<N> collected = new ReferenceQueue<>();
    private final Object allocLock = new Object();
    private volatile Inode<?>[][] chunks = new Inode<?>[1][];
    private long[] generations = new long[CHUNK];
    private int[] free = new int[64];
    private int freeCount;
    private int nextIndex = 2; // 0 unused, 1 = root
    private final Inode<N> root;

    public InodeTable(N root, Consumer<N> onForget) {
        this(root, onForget, false);
    }

    /** @param remembering keep forgotten nodes findable by id while the driver keeps them (export support) */
    public InodeTable(N root, Consumer<N> onForget, boolean remembering) {
        this.remembering = remembering;
        this.onForget = Objects.requireNonNull(onForget, "onForget");
        chunks[0] = new Inode<?>[CHUNK];
        this.root = new Inode<>(Objects.requireNonNull(root, "root"), 1, 0, Long.MAX_VALUE / 2);
        chunks[0][1] = this.root;
        byNode.put(root, this.root);
    }

    /** The root node. */
    public N root() {
        return root.node;
    }

    /** The driver node for {@code nodeid}, or null if the kernel should not know it. */
    @SuppressWarnings("unchecked")
    public N node(long nodeid) {
        if (nodeid <= 0 || nodeid >= ((long) MAX_CHUNKS << CHUNK_BITS)) return null;
        int i = (int) nodeid;
        Inode<?>[][] c = chunks;
        int ci = i >>> CHUNK_BITS;
        if (ci >= c.length) return null;
        Inode<?>[] chunk = c[ci];
        if (chunk == null) return null;
        Inode<?> in = readSlot(chunk, i & (CHUNK - 1));
        return in == null ? null : (N) in.node;
    }

    /**
     * Records one more kernel reference to {@code node} and returns its node id; assigns a fresh node id (and
     * generation) if the kernel does not hold it yet.
     */
    public long lookup(N node) {
        Objects.requireNonNull(node, "node");
        while (true) {
            Inode<N> in = byNode.get(node);
            if (in != null) {
                if (in.tryAcquire()) return in.nodeid;
                // Dying: forget() is about to remove it from byNode; wait for that, then make a new one.
                Thread.onSpinWait();
                continue;
            }
            // (A lock-free emptiness check first: most lookups find nothing remembered.)
            Inode<N> fresh = remembering && !rememberedById.isEmpty() ? revive(node) : null;
            if (fresh == null) fresh = allocate(node);
            Inode<N> prev = byNode.putIfAbsent(node, fresh);
            if (prev == null) return fresh.nodeid;
            freeSlot(fresh);
        }
    }

    /** The node id the kernel knows {@code node} by, or 0 if it holds no reference (does not count). */
    public long nodeidOf(N node) {
        Inode<N> in = byNode.get(node);
        return in == null ? 0 : in.nodeid;
    }

    /** The generation of a live node id (0 for the root). */
    public long generation(long nodeid) {
        Inode<?> in = inode(nodeid);
        return in == null ? 0 : in.generation;
    }

    /** Current lookup count of a node id (for tests and diagnostics); 0 when unknown. */
    public long lookupCount(long nodeid) {
        Inode<?> in = inode(nodeid);
        return in == null ? 0 : in == root ? 1 : in.lookups();
    }

    /**
     * The kernel dropped {@code nlookup} references. At zero the node leaves the table and {@code onForget}
     * runs (on the calling thread, with no table lock held). Returns false for an unknown node id.
     */
    @SuppressWarnings("unchecked")
    public boolean forget(long nodeid, long nlookup) {
        Inode<N> in = (Inode<N>) inode(nodeid);
        if (in == null) return false;
        if (in == root) return true;
        long left = in.release(nlookup);
        if (left != 0) return left > 0;
        byNode.remove(in.node, in);
        if (remembering) remember(in);
        else freeSlot(in);
        onForget.accept(in.node);
        return true;
    }

    /**
     * A forgotten node still known by {@code nodeid} (remembering tables only), or null: what a file handle's
     * LOOKUP of "." names.
     */
    public N remembered(long nodeid) {
        Remembered<N> r = rememberedById.get(nodeid);
        return r == null ? null : r.get();
    }

    /** Takes the slot out of use but keeps its id reserved for the node while the driver keeps the node. */
    private void remember(Inode<N> in) {
        synchronized (allocLock) {
            int i = (int) in.nodeid;
            SLOT.setRelease(chunks[i >>> CHUNK_BITS], i & (CHUNK - 1), (Inode<?>) null);
            rememberedById.put(in.nodeid, new Remembered<>(in.node, in.nodeid, in.generation, collected));
            rememberedByNode.put(in.node, in.nodeid);
        }
    }

    /** A remembered node looked up again: it gets its old id and generation back. */
    private Inode<N> revive(N node) {
        synchronized (allocLock) {
            Long id = rememberedByNode.remove(node);
            if (id == null) return null;
            Remembered<N> r = rememberedById.remove(id);
            if (r == null || r.get() != node) return null;
            int i = (int) r.nodeid;
            Inode<N> in = new Inode<>(node, r.nodeid, r.generation, 1);
            SLOT.setRelease(chunks[i >>> CHUNK_BITS], i & (CHUNK - 1), in);
            return in;
        }
    }

    /** Frees the ids of remembered nodes the driver has let go of. Under allocLock. */
    @SuppressWarnings("unchecked")
    private void releaseCollected() {
        java.lang.ref.Reference<? extends N> ref;
        while ((ref = collected.poll()) != null) {
            Remembered<N> r = (Remembered<N>) ref;
            if (rememberedById.remove(r.nodeid, r)) {
                if (freeCount == free.length) free = java.util.Arrays.copyOf(free, free.length * 2);
                free[freeCount++] = (int) r.nodeid;
            }
        }
    }

    /** Node ids in use, including the root. */
    public int size() {
        return byNode.size();
    }

    /** Highest node id ever handed out + 1: the table's footprint. */
    public int capacity() {
        synchronized (allocLock) {
            return nextIndex;
        }
    }

    /** Drops every node (session end: the kernel's counts are implicitly zero); calls onForget for each. */
    public void clear() {
        for (Inode<N> in : byNode.values()) {
            if (in == root) continue;
            if (in.release(Long.MAX_VALUE) == 0 && byNode.remove(in.node, in)) {
                freeSlot(in);
                onForget.accept(in.node);
            }
        }
    }

    private Inode<?> inode(long nodeid) {
        if (nodeid <= 0 || nodeid >= ((long) MAX_CHUNKS << CHUNK_BITS)) return null;
        int i = (int) nodeid;
        Inode<?>[][] c = chunks;
        int ci = i >>> CHUNK_BITS;
        if (ci >= c.length || c[ci] == null) return null;
        return readSlot(c[ci], i & (CHUNK - 1));
    }

    private static Inode<?> readSlot(Inode<?>[] chunk, int i) {
        return (Inode<?>) SLOT.getAcquire(chunk, i);
    }

    private static final java.lang.invoke.VarHandle SLOT =
            java.lang.invoke.MethodHandles.arrayElementVarHandle(Inode[].class);

    private Inode<N> allocate(N node) {
        synchronized (allocLock) {
            if (remembering) releaseCollected();
            int i;
            if (freeCount > 0) {
                i = free[--freeCount];
            } else {
                i = nextIndex++;
                int ci = i >>> CHUNK_BITS;
                if (ci >= MAX_CHUNKS) throw new IllegalStateException("inode table full");
                Inode<?>[][] c = chunks;
                if (ci >= c.length) {
                    c = java.util.Arrays.copyOf(c, Math.max(ci + 1, c.length * 2));
                }
                if (c[ci] == null) c[ci] = new Inode<?>[CHUNK];
                chunks = c;
                if (i >= generations.length) generations = java.util.Arrays.copyOf(generations, generations.length * 2);
            }
            long gen = ++generations[i];
            Inode<N> in = new Inode<>(node, i, gen, 1);
            SLOT.setRelease(chunks[i >>> CHUNK_BITS], i & (CHUNK - 1), in);
            return in;
        }
    }

    private void freeSlot(Inode<N> in) {
        synchronized (allocLock) {
            int i = (int) in.nodeid;
            SLOT.setRelease(chunks[i >>> CHUNK_BITS], i & (CHUNK - 1), (Inode<?>) null);
            if (freeCount == free.length) free = java.util.Arrays.copyOf(free, free.length * 2);
            free[freeCount++] = i;
        }
    }
}
