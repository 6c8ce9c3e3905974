package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Raw libc downcalls for sockets and pipes. Result or {@code -errno}, no argument checks. */
public final class LibcSocket {
    private LibcSocket() {}

    private static final MethodHandle SOCKET = Native.downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = Native.downcall("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle PIPE2 = Native.downcall("pipe2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle BIND = Native.downcall("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = Native.downcall("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = Native.downcall("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = Native.downcall("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SHUTDOWN = Native.downcall("shutdown",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = Native.downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Native.downcall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETSOCKNAME = Native.downcall("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SENDTO = Native.downcall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = Native.downcall("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SENDMSG = Native.downcall("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = Native.downcall("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private static int ret(int r, MemorySegment e) {
        return r < 0 ? Native.negativeErrno(e) : r;
    }

    private static long ret(long r, MemorySegment e) {
        return r < 0 ? Native.negativeErrno(e) : r;
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) SOCKET.invokeExact(e, domain, type, protocol), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code sv} holds two ints. */
    public static int socketpair(int domain, int type, int protocol, MemorySegment sv) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) SOCKETPAIR.invokeExact(e, domain, type, protocol, sv), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code fds} holds two ints: read end, write end. */
    public static int pipe2(MemorySegment fds, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) PIPE2.invokeExact(e, fds, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int addrlen) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) BIND.invokeExact(e, fd, addr, addrlen), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int connect(int fd, MemorySegment addr, int addrlen) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) CONNECT.invokeExact(e, fd, addr, addrlen), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int listen(int fd, int backlog) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) LISTEN.invokeExact(e, fd, backlog), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int accept4(int fd, MemorySegment addr, MemorySegment addrlen, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) ACCEPT4.invokeExact(e, fd, addr, addrlen, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int shutdown(int fd, int how) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) SHUTDOWN.invokeExact(e, fd, how), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int length) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) SETSOCKOPT.invokeExact(e, fd, level, name, value, length), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code length} points at an int: in, the buffer size; out, the option's size. */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment length) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) GETSOCKOPT.invokeExact(e, fd, level, name, value, length), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int getsockname(int fd, MemorySegment addr, MemorySegment addrlen) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) GETSOCKNAME.invokeExact(e, fd, addr, addrlen), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** sendto(2); {@code addr} may be NULL with {@code addrlen} 0 (then it is send(2)). */
    public static long sendto(int fd, MemorySegment buf, long length, int flags, MemorySegment addr, int addrlen) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) SENDTO.invokeExact(e, fd, buf, length, flags, addr, addrlen), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** recvfrom(2); {@code addr}/{@code addrlen} may be NULL (then it is recv(2)). */
    public static long recvfrom(int fd, MemorySegment buf, long length, int flags, MemorySegment addr,
            MemorySegment addrlen) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) RECVFROM.invokeExact(e, fd, buf, length, flags, addr, addrlen), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) SENDMSG.invokeExact(e, fd, msghdr, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) RECVMSG.invokeExact(e, fd, msghdr, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
