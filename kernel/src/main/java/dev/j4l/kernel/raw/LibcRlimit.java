package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** getrlimit(2)/setrlimit(2) on {@code struct rlimit} (two unsigned longs: cur, max). Result or -errno. */
public final class LibcRlimit {
    private LibcRlimit() {}

    public static final int RLIMIT_NOFILE = 7;
    public static final long RLIMIT_SIZE = 16;

    // Each downcall has its own holder class, initialized (linked) on first use, once and thread-safely: start-up
    // links only the calls it makes. After that the handle is a constant static final to the JIT, as before.
    private static final class Getrlimit {
        static final MethodHandle DOWNCALL = Native.downcall("getrlimit",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class Setrlimit {
        static final MethodHandle DOWNCALL = Native.downcall("setrlimit",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    public static int getrlimit(int resource, MemorySegment rlimit) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) Getrlimit.DOWNCALL.invokeExact(e, resource, rlimit);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int setrlimit(int resource, MemorySegment rlimit) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) Setrlimit.DOWNCALL.invokeExact(e, resource, rlimit);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
