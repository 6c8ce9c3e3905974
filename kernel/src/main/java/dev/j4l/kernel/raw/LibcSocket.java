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

    // Each downcall has its own holder class, initialized (linked) on first use, once and thread-safely: start-up
    // links only the calls it makes. After that the handle is a constant static final to the JIT, as before.
    private static final class Socket {
        static final MethodHandle DOWNCALL = Native.downcall("socket",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Socketpair {
        static final MethodHandle DOWNCALL = Native.downcall("socketpair",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class Pipe2 {
        static final MethodHandle DOWNCALL = Native.downcall("pipe2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Bind {
        static final MethodHandle DOWNCALL = Native.downcall("bind",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Connect {
        static final MethodHandle DOWNCALL = Native.downcall("connect",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Listen {
        static final MethodHandle DOWNCALL = Native.downcall("listen",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Accept4 {
        static final MethodHandle DOWNCALL = Native.downcall("accept4",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }
    private static final class Shutdown {
        static final MethodHandle DOWNCALL = Native.downcall("shutdown",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Setsockopt {
        static final MethodHandle DOWNCALL = Native.downcall("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Getsockopt {
        static final MethodHandle DOWNCALL = Native.downcall("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }
    private static final class Getsockname {
        static final MethodHandle DOWNCALL = Native.downcall("getsockname",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }
    private static final class Sendto {
        static final MethodHandle DOWNCALL = Native.downcall("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Recvfrom {
        static final MethodHandle DOWNCALL = Native.downcall("recvfrom",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    }
    private static final class Sendmsg {
        static final MethodHandle DOWNCALL = Native.downcall("sendmsg",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Recvmsg {
        static final MethodHandle DOWNCALL = Native.downcall("recvmsg",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static int ret(int r, MemorySegment e) {
        return r < 0 ? Native.negativeErrno(e) : r;
    }

    private static long ret(long r, MemorySegment e) {
        return r < 0 ? Native.negativeErrno(e) : r;
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Socket.DOWNCALL.invokeExact(e, domain, type, protocol), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code sv} holds two ints. */
    public static int socketpair(int domain, int type, int protocol, MemorySegment sv) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Socketpair.DOWNCALL.invokeExact(e, domain, type, protocol, sv), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code fds} holds two ints: read end, write end. */
    public static int pipe2(MemorySegment fds, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Pipe2.DOWNCALL.invokeExact(e, fds, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int addrlen) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Bind.DOWNCALL.invokeExact(e, fd, addr, addrlen), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int connect(int fd, MemorySegment addr, int addrlen) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Connect.DOWNCALL.invokeExact(e, fd, addr, addrlen), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int listen(int fd, int backlog) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Listen.DOWNCALL.invokeExact(e, fd, backlog), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int accept4(int fd, MemorySegment addr, MemorySegment addrlen, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Accept4.DOWNCALL.invokeExact(e, fd, addr, addrlen, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int shutdown(int fd, int how) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Shutdown.DOWNCALL.invokeExact(e, fd, how), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int length) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Setsockopt.DOWNCALL.invokeExact(e, fd, level, name, value, length), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code length} points at an int: in, the buffer size; out, the option's size. */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment length) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Getsockopt.DOWNCALL.invokeExact(e, fd, level, name, value, length), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int getsockname(int fd, MemorySegment addr, MemorySegment addrlen) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((int) Getsockname.DOWNCALL.invokeExact(e, fd, addr, addrlen), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** sendto(2); {@code addr} may be NULL with {@code addrlen} 0 (then it is send(2)). */
    public static long sendto(int fd, MemorySegment buf, long length, int flags, MemorySegment addr, int addrlen) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Sendto.DOWNCALL.invokeExact(e, fd, buf, length, flags, addr, addrlen), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** recvfrom(2); {@code addr}/{@code addrlen} may be NULL (then it is recv(2)). */
    public static long recvfrom(int fd, MemorySegment buf, long length, int flags, MemorySegment addr,
            MemorySegment addrlen) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Recvfrom.DOWNCALL.invokeExact(e, fd, buf, length, flags, addr, addrlen), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Sendmsg.DOWNCALL.invokeExact(e, fd, msghdr, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment e = Native.errnoSlot();
        try {
            return ret((long) Recvmsg.DOWNCALL.invokeExact(e, fd, msghdr, flags), e);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
