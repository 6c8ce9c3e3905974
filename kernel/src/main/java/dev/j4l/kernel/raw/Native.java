package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Linking machinery shared by the raw bindings: symbol lookup, errno capture and per-thread scratch memory.
 *
 * <p>Raw calls follow one convention: they return the call's non-negative result, or {@code -errno}. Only the
 * safe layer in {@code dev.j4l.kernel} turns a negative value into an exception.
 */
public final class Native {
    private Native() {}

    static {
        // Before any descriptor can be opened by this module: what is open now was inherited (or opened outside it).
        InheritedDescriptors.ensureTaken();
    }

    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** Per-thread memory: the errno capture slot and a bump allocator for paths and small structs. */
    private static final ThreadLocal<ThreadMemory> MEMORY = ThreadLocal.withInitial(ThreadMemory::new);

    /**
     * A downcall whose first parameter is the errno capture segment, then the C arguments.
     * Link once into a {@code static final} field.
     */
    @SuppressWarnings("restricted") // linking is what this module alone may do
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = CAPTURE_ERRNO;
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(symbol(name), descriptor, all);
    }

    /** A downcall for functions that cannot fail (no errno capture). */
    @SuppressWarnings("restricted")
    public static MethodHandle downcallNoErrno(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(symbol(name), descriptor, options);
    }

    public static boolean hasSymbol(String name) {
        return LIBC.find(name).isPresent();
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
    }

    /** The calling thread's errno capture segment. */
    public static MemorySegment errnoSlot() {
        return MEMORY.get().errno;
    }

    /** The errno a captured call left in {@code slot}, as the negative value raw calls return. */
    public static int negativeErrno(MemorySegment slot) {
        return -(int) ERRNO.get(slot, 0L);
    }

    /**
     * The calling thread's scratch allocator, reset: memory from it is valid until the thread's next
     * {@code scratch()} call, i.e. for the duration of one raw call.
     */
    public static Scratch scratch() {
        Scratch s = MEMORY.get().scratch;
        s.reset();
        return s;
    }

    /** Downcall handles throw only on a linkage bug; surface it unchanged. */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }

    private static final class ThreadMemory {
        final MemorySegment errno = Arena.ofAuto().allocate(CAPTURE);
        final Scratch scratch = new Scratch();
    }

    /**
     * A small bump allocator over one per-thread segment; falls back to GC-managed memory when a request
     * does not fit. Memory is zeroed.
     */
    public static final class Scratch {
        private static final long SIZE = 16 * 1024;
        private static final int COPY_MAX = 512;
        private final MemorySegment block = Arena.ofAuto().allocate(SIZE, 16);
        private long used;

        void reset() {
            used = 0;
        }

        public MemorySegment allocate(long size) {
            return allocate(size, 8);
        }

        public MemorySegment allocate(long size, long alignment) {
            long start = (used + alignment - 1) & -alignment;
            if (start + size > SIZE) {
                try {
                    return Arena.ofAuto().allocate(size, alignment);
                } catch (OutOfMemoryError e) {
                    throw new dev.j4l.kernel.NativeMemoryLimitException("no native memory for " + size
                            + " bytes of call arguments: " + e.getMessage(), e);
                }
            }
            used = start + size;
            MemorySegment s = block.asSlice(start, size);
            s.fill((byte) 0);
            return s;
        }

        public MemorySegment allocate(MemoryLayout layout) {
            return allocate(layout.byteSize(), layout.byteAlignment());
        }

        private final byte[] copy = new byte[COPY_MAX];
        private final ByteBuffer copyView = ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder());

        /**
         * The bytes of {@code struct} (at most 512) copied into this thread's heap buffer, to read many fields with
         * the absolute gets of the returned view, valid until this thread's next {@code copyOf}. Each
         * {@code MemorySegment} get inlines the whole of FFM's access path, so a method decoding a large struct
         * that way compiles large: C1 took 13 MB of compiler memory for statx's 22 fields, the peak of
         * passthroughfs's resident set (BENCHMARKS.md, "Start-up and memory"). One copy and plain heap reads
         * compile small.
         */
        public ByteBuffer copyOf(MemorySegment struct) {
            MemorySegment.copy(struct, JAVA_BYTE, 0, copy, 0, Math.toIntExact(struct.byteSize()));
            return copyView;
        }

        /**
         * A NUL-terminated copy of {@code s} in the kernel's bytes ({@link dev.j4l.kernel.FileNames}: UTF-8, escaped
         * bytes back to themselves). NUL inside the string is refused by the caller.
         */
        public MemorySegment cString(String s) {
            int n = dev.j4l.kernel.FileNames.encodedLength(s);
            MemorySegment m = allocate(n + 1L, 1);
            if (n == s.length()) {
                // One byte per char: ASCII or escapes (U+DC80..U+DCFF), whose low byte is the byte they stand for.
                for (int i = 0; i < n; i++) m.set(JAVA_BYTE, i, (byte) s.charAt(i));
            } else {
                byte[] bytes = dev.j4l.kernel.FileNames.encode(s);
                MemorySegment.copy(bytes, 0, m, JAVA_BYTE, 0, bytes.length);
            }
            return m;
        }
    }
}
