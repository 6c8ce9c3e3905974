package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * pread/pwrite taking the buffer as a plain address, for data paths that must not allocate: slicing a segment
 * per call creates an object the JIT does not always eliminate. Callers bounds-check the range and keep the
 * owning buffer reachable across the call.
 */
public final class LibcAddr {
    private LibcAddr() {}

    // Each downcall has its own holder class, initialized (linked) on first use, once and thread-safely: start-up
    // links only the calls it makes. After that the handle is a constant static final to the JIT, as before.
    private static final class Pread {
        static final MethodHandle DOWNCALL = Native.downcall("pread64",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }
    private static final class Pwrite {
        static final MethodHandle DOWNCALL = Native.downcall("pwrite64",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }

    public static long pread(int fd, long address, long count, long offset) {
        MemorySegment e = Native.errnoSlot();
        try {
            long r = (long) Pread.DOWNCALL.invokeExact(e, fd, address, count, offset);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long pwrite(int fd, long address, long count, long offset) {
        MemorySegment e = Native.errnoSlot();
        try {
            long r = (long) Pwrite.DOWNCALL.invokeExact(e, fd, address, count, offset);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
