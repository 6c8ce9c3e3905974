package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Raw mmap/munmap, and native addresses made into segments. mmap returns the address or {@code -errno}. */
public final class LibcMemory {
    private LibcMemory() {}

    public static final int PROT_READ = 0x1, PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x1, MAP_PRIVATE = 0x2, MAP_ANONYMOUS = 0x20, MAP_POPULATE = 0x8000;

    // Each downcall has its own holder class, initialized (linked) on first use, once and thread-safely: start-up
    // links only the calls it makes. After that the handle is a constant static final to the JIT, as before.
    private static final class Mmap {
        static final MethodHandle DOWNCALL = Native.downcall("mmap",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    }
    private static final class Munmap {
        static final MethodHandle DOWNCALL = Native.downcall("munmap",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        MemorySegment e = Native.errnoSlot();
        try {
            long r = (long) Mmap.DOWNCALL.invokeExact(e, 0L, length, prot, flags, fd, offset);
            return r == -1L ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int munmap(long address, long length) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) Munmap.DOWNCALL.invokeExact(e, address, length);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** A zero-length native address made into a segment of {@code size} bytes (restricted: kernel only). */
    @SuppressWarnings("restricted") // this file is where the module widens segments, each use argued at its caller
    public static MemorySegment segment(long address, long size) {
        // SAFETY: nothing is checked here: the caller vouches that [address, address+size) is mapped while the
        // segment, which has no scope of its own, is used (UringMapping: a ring's mappings, unmapped only by its owner).
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    /**
     * Fresh anonymous private memory of {@code size} bytes (a multiple of the page size), unmapped when the
     * returned segment becomes unreachable, after which {@code onUnmap} runs; its pages are zero and take no
     * memory until first touched. Returns null when the mapping fails (out of address space or memory).
     */
    @SuppressWarnings("restricted")
    public static MemorySegment mapAnonymous(long size, Runnable onUnmap) {
        long a = mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (a < 0) return null;
        // SAFETY: [a, a+size) is a private mapping made just now and owned by the returned segment alone; the
        // automatic arena unmaps it only once no segment of it is reachable.
        return MemorySegment.ofAddress(a).reinterpret(size, Arena.ofAuto(), unused -> {
            munmap(a, size);
            onUnmap.run();
        });
    }

    /**
     * The same memory as {@code memory} with the lifetime of {@code scope} (narrower than its own: a lease or a
     * loan), whose cleanup keeps {@code owner} reachable: while any view of the result is, the memory is.
     */
    @SuppressWarnings("restricted")
    public static MemorySegment withScope(MemorySegment memory, Arena scope, Object owner) {
        return memory.reinterpret(scope, unused -> java.lang.ref.Reference.reachabilityFence(owner));
    }
}
