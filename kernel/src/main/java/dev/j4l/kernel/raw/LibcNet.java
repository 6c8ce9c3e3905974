package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Raw libc downcalls the network layer needs beyond {@link Libc}: netlink sockets. Same convention as
 * {@code Libc}: result or {@code -errno}, no argument checks.
 */
public final class LibcNet {
    private LibcNet() {}

    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 02000000;
    public static final int SOL_NETLINK = 270;

    private static final MethodHandle SOCKET = Native.downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = Native.downcall("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = Native.downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = Native.downcall("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = Native.downcall("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    public static int socket(int domain, int type, int protocol) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) SOCKET.invokeExact(e, domain, type, protocol);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int len) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) BIND.invokeExact(e, fd, addr, len);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) SETSOCKOPT.invokeExact(e, fd, level, name, value, len);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long send(int fd, MemorySegment buf, long len, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            long r = (long) SEND.invokeExact(e, fd, buf, len, flags);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long recv(int fd, MemorySegment buf, long len, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            long r = (long) RECV.invokeExact(e, fd, buf, len, flags);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
