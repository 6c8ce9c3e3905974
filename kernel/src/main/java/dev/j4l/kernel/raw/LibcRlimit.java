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

    private static final MethodHandle GETRLIMIT = Native.downcall("getrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETRLIMIT = Native.downcall("setrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    public static int getrlimit(int resource, MemorySegment rlimit) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) GETRLIMIT.invokeExact(e, resource, rlimit);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int setrlimit(int resource, MemorySegment rlimit) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) SETRLIMIT.invokeExact(e, resource, rlimit);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
