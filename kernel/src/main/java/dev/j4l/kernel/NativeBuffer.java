package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.j4l.kernel.raw.Access;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Bounded native memory: every access is checked against the buffer's bounds, so reading or writing outside
 * it throws {@link IndexOutOfBoundsException} instead of touching other memory. Multi-byte values are in the
 * host's byte order (little-endian on x86_64 and arm64), which is what kernel structs use.
 *
 * <p>Memory from {@link #allocate} is zeroed and freed by the garbage collector once unreachable, so no
 * reference can outlive it. A buffer lent by a {@link BufferPool} is usable only by the thread holding the lease
 * and only until it is released; every access checks both, so a kept reference fails loudly instead of reading
 * another request's data.
 */
public final class NativeBuffer {
    static {
        Access.register(new Access.Buffers() {
            @Override
            public MemorySegment segment(Object buffer) {
                return ((NativeBuffer) buffer).segment();
            }

            @Override
            public MemorySegment slice(Object buffer, long offset, long length) {
                return ((NativeBuffer) buffer).segment(offset, length);
            }

            @Override
            public boolean hasLifetime(Object buffer) {
                return ((NativeBuffer) buffer).hasLifetime();
            }

            @Override
            public Object wrap(MemorySegment segment) {
                return new NativeBuffer(segment);
            }
        });
    }

    private final MemorySegment segment;
    /**
     * What must stay reachable for the memory to stay allocated, when the segment itself does not hold it: the
     * {@link BufferPool} a lease's buffer lives in (the lease's segment has the lease's own scope).
     */
    private final Object memoryOwner;

    NativeBuffer(MemorySegment segment) {
        this(segment, null);
    }

    NativeBuffer(MemorySegment segment, Object memoryOwner) {
        this.segment = segment;
        this.memoryOwner = memoryOwner;
    }

    /**
     * The memory. Accesses through it are checked by the JDK against its scope: a released pooled buffer throws
     * {@link IllegalStateException}, and one used by a thread other than its lease's throws
     * {@link WrongThreadException}.
     */
    MemorySegment segment() {
        return segment;
    }

    /** {@code [offset, offset+length)} of the memory, bounds-checked. */
    MemorySegment segment(long offset, long length) {
        check(offset, length);
        return segment.asSlice(offset, length);
    }

    /** True for a pooled buffer or a view lent from a {@link LoanScope}: memory whose use ends before it is freed. */
    boolean hasLifetime() {
        return memoryOwner instanceof BufferPool || memoryOwner instanceof LoanScope;
    }

    /**
     * Checks that {@code s} may be handed to the kernel by raw address now: its memory is alive and this thread
     * may use it. (Downcalls taking a segment check this themselves; an address taken from it does not.)
     */
    static void checkUsable(MemorySegment s) {
        if (!s.scope().isAlive()) throw new IllegalStateException("use of a released buffer");
        if (!s.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException("buffer is confined to the thread that holds its lease");
        }
    }

    /** Zeroed memory aligned to 8 bytes. */
    public static NativeBuffer allocate(long size) {
        return allocate(size, 8);
    }

    /**
     * Zeroed memory with the given alignment (a power of two, e.g. 4096 for page-aligned I/O). Buffers of
     * {@value #MAPPED_FROM} bytes or more are their own anonymous mapping, whose pages take memory only once
     * touched: a FUSE request buffer must hold the largest possible write, yet most requests are a few hundred
     * bytes, and a daemon should not be resident at its worst case.
     *
     * @throws NativeMemoryLimitException when the memory would pass the process's native memory limit (see
     *     there) or cannot be had; never {@link OutOfMemoryError}
     */
    public static NativeBuffer allocate(long size, long alignment) {
        if (size < 0) throw new IllegalArgumentException("negative size " + size);
        if (alignment < 1 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        if (size >= MAPPED_FROM && alignment <= PAGE) {
            long mapped = (size + PAGE - 1) & -PAGE;
            reserve(mapped);
            MemorySegment m = dev.j4l.kernel.raw.LibcMemory.mapAnonymous(mapped, () -> MAPPED.addAndGet(-mapped));
            if (m == null) {
                MAPPED.addAndGet(-mapped);
                throw new NativeMemoryLimitException("the kernel refused a mapping of " + mapped + " bytes");
            }
            return new NativeBuffer(m.asSlice(0, size));
        }
        try {
            return new NativeBuffer(Arena.ofAuto().allocate(size, alignment));
        } catch (OutOfMemoryError e) {
            // The JDK's direct-memory limit (or malloc) said no before any memory changed hands.
            throw new NativeMemoryLimitException("no native memory for " + size + " bytes: " + e.getMessage(), e);
        }
    }

    /**
     * Bytes of mapped buffers alive now. The JDK counts what its own allocator hands out against its direct
     * memory limit; mappings it does not see, so they are counted here against {@link #LIMIT}.
     */
    private static final java.util.concurrent.atomic.AtomicLong MAPPED = new java.util.concurrent.atomic.AtomicLong();
    private static final long LIMIT = Long.getLong("j4l.nativeMemoryLimit", Runtime.getRuntime().maxMemory());

    private static void reserve(long bytes) {
        long now = MAPPED.addAndGet(bytes);
        if (now > LIMIT || now < 0) {
            MAPPED.addAndGet(-bytes);
            throw new NativeMemoryLimitException("mapping " + bytes + " more bytes would pass the native memory limit of "
                    + LIMIT + " bytes (" + (now - bytes) + " mapped; set j4l.nativeMemoryLimit to change it)");
        }
    }

    private static final long PAGE = 4096;
    /** Below this, the JDK's allocator (which zeroes, touching every page) is as good. */
    static final long MAPPED_FROM = 64 * 1024;

    /** A buffer holding a copy of {@code bytes}. */
    public static NativeBuffer copyOf(byte[] bytes) {
        NativeBuffer b = allocate(Math.max(1, bytes.length));
        b.put(0, bytes, 0, bytes.length);
        return bytes.length == 0 ? b.slice(0, 0) : b;
    }

    public long size() {
        return segment.byteSize();
    }

    // The JDK checks every access; its message for an out-of-bounds one shows the segment's native address, and
    // no address may leave this module. So the single-value accessors rethrow with a message of their own (no
    // cost until one fails), and the bulk ones check their range first.

    private void check(long offset, long length) {
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
    }

    private IndexOutOfBoundsException outOfBounds(long offset, long length) {
        return new IndexOutOfBoundsException("range [" + offset + ", " + offset + " + " + length + ") out of bounds for "
                + segment.byteSize() + " bytes");
    }

    public byte getByte(long offset) {
        try {
            return segment.get(JAVA_BYTE, offset);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(offset, 1);
        }
    }

    public short getShort(long offset) {
        try {
            return segment.get(JAVA_SHORT_UNALIGNED, offset);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(offset, 2);
        }
    }

    public int getInt(long offset) {
        try {
            return segment.get(JAVA_INT_UNALIGNED, offset);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(offset, 4);
        }
    }

    public long getLong(long offset) {
        try {
            return segment.get(JAVA_LONG_UNALIGNED, offset);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(offset, 8);
        }
    }

    public void putByte(long offset, byte value) {
        try {
            segment.set(JAVA_BYTE, offset, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(offset, 1);
        }
    }

    public void putShort(long offset, short value) {
        try {
            segment.set(JAVA_SHORT_UNALIGNED, offset, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(offset, 2);
        }
    }

    public void putInt(long offset, int value) {
        try {
            segment.set(JAVA_INT_UNALIGNED, offset, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(offset, 4);
        }
    }

    public void putLong(long offset, long value) {
        try {
            segment.set(JAVA_LONG_UNALIGNED, offset, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(offset, 8);
        }
    }

    /** Copies {@code length} bytes at {@code offset} into {@code dst[dstOffset..]}. */
    public void get(long offset, byte[] dst, int dstOffset, int length) {
        check(offset, length);
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        MemorySegment.copy(segment, JAVA_BYTE, offset, dst, dstOffset, length);
    }

    /** Copies {@code src[srcOffset..srcOffset+length)} to {@code offset}. */
    public void put(long offset, byte[] src, int srcOffset, int length) {
        check(offset, length);
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        MemorySegment.copy(src, srcOffset, segment, JAVA_BYTE, offset, length);
    }

    /** Copies from another buffer (overlapping ranges of the same memory are handled). */
    public void copyFrom(long offset, NativeBuffer src, long srcOffset, long length) {
        check(offset, length);
        src.check(srcOffset, length);
        MemorySegment.copy(src.segment, srcOffset, segment, offset, length);
    }

    public void fill(long offset, long length, byte value) {
        check(offset, length);
        segment.asSlice(offset, length).fill(value);
    }

    /**
     * A view of {@code [offset, offset+length)} sharing this buffer's memory (and its lifetime, if pooled or
     * lent: a released buffer gives no slices).
     */
    public NativeBuffer slice(long offset, long length) {
        check(offset, length);
        checkUsable(segment);
        return new NativeBuffer(segment.asSlice(offset, length), memoryOwner);
    }

    /** The first index of {@code value} in {@code [from, to)}, or -1. */
    public long indexOf(byte value, long from, long to) {
        if (from < 0 || to > segment.byteSize() || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + segment.byteSize());
        }
        for (long i = from; i < to; i++) {
            if (segment.get(JAVA_BYTE, i) == value) return i;
        }
        return -1;
    }

    /** Decodes {@code length} bytes at {@code offset} as UTF-8. */
    public String getString(long offset, int length) {
        check(offset, length);
        byte[] b = new byte[length];
        get(offset, b, 0, length);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Writes {@code s} as UTF-8 (no terminator); returns the number of bytes written. */
    public int putString(long offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        put(offset, b, 0, b.length);
        return b.length;
    }

    /** Copies the whole buffer into a new array. */
    public byte[] toByteArray() {
        return segment.toArray(JAVA_BYTE);
    }

    /**
     * A {@link ByteBuffer} view of the same memory (bounded the same way), for NIO interop. A view of a pooled
     * or lent buffer is checked like the buffer: after the lease is released (or the loan ends) it throws
     * {@link IllegalStateException}, and on another thread {@link WrongThreadException}.
     */
    public ByteBuffer asByteBuffer() {
        checkUsable(segment);
        return segment.asByteBuffer().order(java.nio.ByteOrder.nativeOrder());
    }

    /** True when both buffers view memory that overlaps. */
    public boolean overlaps(NativeBuffer other) {
        return segment.asOverlappingSlice(other.segment).isPresent();
    }

    @Override
    public String toString() {
        return "NativeBuffer[" + segment.byteSize() + " bytes" + (segment.scope().isAlive() ? "]" : ", released]");
    }
}
