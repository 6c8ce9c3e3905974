package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Device memory mapped from a descriptor (UIO's register maps): the page size, the mapping, and its segment. */
public final class DeviceMemory {
    private DeviceMemory() {}

    // Each downcall has its own holder class, initialized (linked) on first use, once and thread-safely: start-up
    // links only the calls it makes. After that the handle is a constant static final to the JIT, as before.
    private static final class Getpagesize {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("getpagesize", FunctionDescriptor.of(JAVA_INT));
    }
    private static final int PAGE_SIZE = pageSize0();

    private static int pageSize0() {
        try {
            return (int) Getpagesize.DOWNCALL.invokeExact();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The system's page size: mmap offsets and lengths are counted in it. */
    public static int pageSize() {
        return PAGE_SIZE;
    }

    /**
     * mmap(2) of {@code length} bytes of descriptor number {@code fd} at file offset {@code offset}, shared,
     * readable and writable: the mapping's address, or {@code -errno}.
     */
    public static long map(int fd, long length, long offset) {
        return LibcMemory.mmap(length, LibcMemory.PROT_READ | LibcMemory.PROT_WRITE, LibcMemory.MAP_SHARED, fd, offset);
    }

    /**
     * The mapping at {@code address} of {@code length} bytes as a segment of {@code arena}: closing the arena
     * unmaps it, and only then. The caller hands over the mapping: nothing else may unmap it.
     */
    @SuppressWarnings("restricted") // making a mapping into a segment is this module's job
    public static MemorySegment attach(long address, long length, Arena arena) {
        // SAFETY: [address, address+length) is a mapping made by map() just now and owned by this segment alone;
        // it is unmapped by the arena's cleanup, which runs only once the arena is closed, and closing an arena
        // makes every later access through any segment of it throw before it reaches the memory.
        return MemorySegment.ofAddress(address).reinterpret(length, arena, unused -> LibcMemory.munmap(address, length));
    }
}
