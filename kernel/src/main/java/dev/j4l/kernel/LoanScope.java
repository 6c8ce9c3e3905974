package dev.j4l.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A bounded loan of buffer views, for handing a framework's long-lived buffer to driver code that must not keep
 * it (the frames of one batch, say). A view made by {@link #lend} is the same memory, usable only on the thread
 * that opened the scope (others get {@link WrongThreadException}) and only until {@link #close()}; after that
 * every access through it, its slices and its {@link java.nio.ByteBuffer} views throws
 * {@link IllegalStateException}. The JDK checks each access against the scope, so no access can slip between a
 * check and the close.
 *
 * <p>Only buffers with no lifetime of their own can be lent: a pooled buffer or a view from another scope
 * would let a view outlive its lease or its loan.
 */
public final class LoanScope implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();

    private LoanScope() {}

    /** A scope owned by the calling thread. */
    public static LoanScope open() {
        return new LoanScope();
    }

    /**
     * A view of all of {@code buffer} that ends with this scope.
     *
     * @throws IllegalArgumentException if {@code buffer} is pooled or itself a lent view
     */
    public NativeBuffer lend(NativeBuffer buffer) {
        if (buffer.hasLifetime()) throw new IllegalArgumentException("a pooled or lent buffer cannot be lent again");
        MemorySegment memory = buffer.segment();
        // SAFETY: the view is the same range of memory with a narrower lifetime (this scope's); the cleanup action
        // refers to `buffer`, so the memory stays reachable as long as the view's scope is, and is never freed
        // under it.
        MemorySegment view = dev.j4l.kernel.raw.LibcMemory.withScope(memory, arena, buffer);
        return new NativeBuffer(view, this);
    }

    /** Ends every view lent from this scope. Only the opening thread may close it; closing twice throws. */
    @Override
    public void close() {
        arena.close();
    }
}
