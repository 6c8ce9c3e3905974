package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.j4l.kernel.raw.LibcSocket;
import dev.j4l.kernel.raw.Native;
import dev.j4l.kernel.raw.Structs;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Sockets of the unix, inet, inet6 and packet families: creation, addresses, options, sending and receiving,
 * including descriptor passing with {@code SCM_RIGHTS}. (Netlink sockets are this module's own, made by
 * {@code RtNetlink}: netlink messages can name descriptors by number.) Socket addresses are passed as
 * {@link NativeBuffer}s holding the C {@code sockaddr} (its whole size is the address length); protocol code
 * builds them (e.g. {@code sockaddr_nl} is 12 bytes: family u16, pad, pid u32, groups u32).
 *
 * <p>Results: {@code send*}/{@code receive*} return -1 when a non-blocking socket (or {@code MSG_DONTWAIT})
 * has nothing ready (EAGAIN); interrupted calls are repeated; every other failure throws
 * {@link KernelException}.
 */
public final class Sockets {
    private Sockets() {}

    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int AF_PACKET = 17;

    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = 04000;
    public static final int SOCK_CLOEXEC = 02000000;

    public static final int SOL_SOCKET = 1;
    public static final int SOL_NETLINK = 270;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_PASSCRED = 16;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SCM_RIGHTS = 1;

    public static final int MSG_PEEK = 0x2;
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_WAITALL = 0x100;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;

    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

    /** Most descriptors one {@link #receiveWithFds} accepts (the kernel's SCM_MAX_FD is 253). */
    public static final int MAX_FDS = 253;

    private static final long EINTR = -Errno.EINTR.number(), EAGAIN = -Errno.EAGAIN.number();

    /** Two connected sockets. Closing the pair closes both ends that are still open. */
    public record Pair(OwnedFd first, OwnedFd second) implements AutoCloseable {
        @Override
        public void close() {
            if (first.isOpen()) first.close();
            if (second.isOpen()) second.close();
        }
    }

    /**
     * What {@link #receiveWithFds} got: the data length (-1 on EAGAIN, 0 at end of stream), the descriptors
     * that came with it (the caller owns them) and the {@code msg_flags} ({@code MSG_TRUNC}, {@code MSG_CTRUNC}
     * — CTRUNC means descriptors were dropped for lack of room).
     */
    public record Received(int bytes, List<OwnedFd> fds, int flags) {}

    /**
     * socket(2) of a family whose messages carry data, not commands the kernel acts on: {@code AF_UNIX},
     * {@code AF_INET}, {@code AF_INET6}, {@code AF_PACKET}. Others are refused with {@code EAFNOSUPPORT}: a
     * netlink or XDP message is built by the caller and can name a descriptor by number ({@code IFLA_NET_NS_FD},
     * a shared UMEM), so those protocols are typed operations of this module ({@code RtNetlink}). {@code type}
     * may include {@code SOCK_NONBLOCK}; close-on-exec is always set.
     */
    public static OwnedFd socket(int domain, int type, int protocol) throws KernelException {
        if (domain != AF_UNIX && domain != AF_INET && domain != AF_INET6 && domain != AF_PACKET) {
            throw new KernelException("socket", "family " + domain + " (only unix, inet, inet6 and packet sockets)",
                    Errno.EAFNOSUPPORT);
        }
        return anySocket(domain, type, protocol);
    }

    /** socket(2) of any family: for this module's typed protocols (netlink). */
    static OwnedFd anySocket(int domain, int type, int protocol) throws KernelException {
        int r = LibcSocket.socket(domain, type | SOCK_CLOEXEC, protocol);
        String what = "socket(" + domain + "," + (type & 0xf) + "," + protocol + ")";
        if (r < 0) throw KernelException.of("socket", what, r);
        return OwnedFd.adopt(r, what);
    }

    /** socketpair(2), e.g. {@code pair(AF_UNIX, SOCK_STREAM)}. */
    public static Pair pair(int domain, int type) throws KernelException {
        MemorySegment sv = Native.scratch().allocate(8);
        // SAFETY: sv is the 8 bytes (int[2]) the kernel writes; scratch, read before the thread's next scratch().
        int r = LibcSocket.socketpair(domain, type | SOCK_CLOEXEC, 0, sv);
        if (r < 0) throw KernelException.of("socketpair", "", r);
        return new Pair(OwnedFd.adopt(sv.get(JAVA_INT, 0), "socketpair[0]"),
                OwnedFd.adopt(sv.get(JAVA_INT, 4), "socketpair[1]"));
    }

    /** A {@code sockaddr_un} for a filesystem path (at most 107 bytes). */
    public static NativeBuffer unixAddress(String path) throws KernelException {
        Fs.checkPath(path);
        byte[] p;
        try {
            p = FileNames.encode(path);
        } catch (IllegalArgumentException e) {
            throw new KernelException("sockaddr_un", path, Errno.EILSEQ);
        }
        if (p.length > 107) throw new KernelException("sockaddr_un", path, Errno.ENAMETOOLONG);
        NativeBuffer a = NativeBuffer.allocate(2 + p.length + 1);
        a.putShort(0, (short) AF_UNIX);
        a.put(2, p, 0, p.length);
        return a;
    }

    public static void bind(OwnedFd fd, NativeBuffer address) throws KernelException {
        MemorySegment a = address.segment();
        int n = fd.acquire();
        try {
            // SAFETY: the kernel reads addrlen = a.byteSize() bytes of a, which the downcall keeps alive.
            int r = LibcSocket.bind(n, a, (int) a.byteSize());
            if (r < 0) throw KernelException.of("bind", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    public static void connect(OwnedFd fd, NativeBuffer address) throws KernelException {
        MemorySegment a = address.segment();
        int n = fd.acquire();
        try {
            int r;
            // SAFETY: as for bind: addrlen is a's size, a is alive for the call.
            do r = LibcSocket.connect(n, a, (int) a.byteSize()); while (r == EINTR);
            if (r < 0) throw KernelException.of("connect", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    public static void listen(OwnedFd fd, int backlog) throws KernelException {
        int n = fd.acquire();
        try {
            int r = LibcSocket.listen(n, backlog);
            if (r < 0) throw KernelException.of("listen", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    /** accept4(2); returns null on EAGAIN (non-blocking listener with no pending connection). */
    public static OwnedFd accept(OwnedFd fd) throws KernelException {
        int n = fd.acquire();
        try {
            int r;
            // SAFETY: addr and addrlen are NULL: the kernel writes no peer address.
            do r = LibcSocket.accept4(n, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC); while (r == EINTR);
            if (r == EAGAIN) return null;
            if (r < 0) throw KernelException.of("accept4", fd.description(), r);
            return OwnedFd.adopt(r, "accepted from " + fd.description());
        } finally {
            fd.release();
        }
    }

    public static void shutdown(OwnedFd fd, int how) throws KernelException {
        int n = fd.acquire();
        try {
            int r = LibcSocket.shutdown(n, how);
            if (r < 0) throw KernelException.of("shutdown", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    // Options refused: an int value that is a descriptor number (the kernel would act on whatever has it), one
    // that makes the kernel keep reading a buffer after the call (zero-copy sends), and ones that make the
    // kernel install descriptors nobody owns (pidfds, as options or control messages).
    private static final int SO_ATTACH_BPF = 50, SO_ATTACH_REUSEPORT_EBPF = 52, SO_ZEROCOPY = 60,
            SO_PASSPIDFD = 76, SO_PEERPIDFD = 77;
    private static final int SOL_PACKET = 263, PACKET_FANOUT_DATA = 22;
    /** send(2) flag: transmit from the caller's pages after the call returns. */
    private static final int MSG_ZEROCOPY = 0x4000000;

    private static boolean refusedOption(int level, int name) {
        return (level == SOL_SOCKET && (name == SO_ATTACH_BPF || name == SO_ATTACH_REUSEPORT_EBPF
                || name == SO_ZEROCOPY || name == SO_PASSPIDFD || name == SO_PEERPIDFD))
                || (level == SOL_PACKET && name == PACKET_FANOUT_DATA);
    }

    /**
     * setsockopt(2) with an int value. Refused with {@code EINVAL}: options whose value is a descriptor number
     * ({@code SO_ATTACH_BPF}, {@code SO_ATTACH_REUSEPORT_EBPF}, {@code PACKET_FANOUT_DATA}), zero-copy sends
     * ({@code SO_ZEROCOPY}: the kernel would read the buffer after the call), and pidfd passing
     * ({@code SO_PASSPIDFD}).
     */
    public static void setOption(OwnedFd fd, int level, int name, int value) throws KernelException {
        if (refusedOption(level, name)) {
            throw new KernelException("setsockopt", "option " + level + "/" + name + " (refused: see Sockets.setOption)",
                    Errno.EINVAL);
        }
        int n = fd.acquire();
        try {
            MemorySegment v = Native.scratch().allocate(4);
            v.set(JAVA_INT, 0, value);
            // SAFETY: the kernel reads at most optlen = 4 bytes, all of v. Options whose value is a struct are
            // typed operations of this module, never a caller's buffer: a struct may hold pointers.
            int r = LibcSocket.setsockopt(n, level, name, v, 4);
            if (r < 0) throw KernelException.of("setsockopt(" + level + "," + name + ")", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    /** getsockopt(2) of an int option. */
    public static int intOption(OwnedFd fd, int level, int name) throws KernelException {
        if (refusedOption(level, name)) {
            // SO_PEERPIDFD would install a descriptor and hand its bare number out.
            throw new KernelException("getsockopt", "option " + level + "/" + name + " (refused)", Errno.EINVAL);
        }
        int n = fd.acquire();
        try {
            Native.Scratch s = Native.scratch();
            MemorySegment v = s.allocate(4);
            MemorySegment len = s.allocate(4);
            len.set(JAVA_INT, 0, 4);
            // SAFETY: optlen = 4 tells the kernel it may write 4 bytes into v; both segments live for the call.
            int r = LibcSocket.getsockopt(n, level, name, v, len);
            if (r < 0) throw KernelException.of("getsockopt(" + level + "," + name + ")", fd.description(), r);
            return v.get(JAVA_INT, 0);
        } finally {
            fd.release();
        }
    }

    /** getsockname(2) into {@code address}; returns the address length. */
    public static int localAddress(OwnedFd fd, NativeBuffer address) throws KernelException {
        MemorySegment a = address.segment();
        int n = fd.acquire();
        try {
            MemorySegment len = Native.scratch().allocate(4);
            len.set(JAVA_INT, 0, (int) a.byteSize());
            // SAFETY: len holds a's size, the most the kernel writes into a; both are alive for the call.
            int r = LibcSocket.getsockname(n, a, len);
            if (r < 0) throw KernelException.of("getsockname", fd.description(), r);
            return len.get(JAVA_INT, 0);
        } finally {
            fd.release();
        }
    }

    /** send(2) of {@code buf[offset, offset+length)}; returns bytes sent or -1 on EAGAIN. */
    public static int send(OwnedFd fd, NativeBuffer buf, long offset, int length, int flags) throws KernelException {
        return sendTo(fd, buf, offset, length, flags, null);
    }

    /** sendto(2); {@code address} null means the connected peer. */
    public static int sendTo(OwnedFd fd, NativeBuffer buf, long offset, int length, int flags, NativeBuffer address)
            throws KernelException {
        if ((flags & MSG_ZEROCOPY) != 0) {
            // The kernel would keep reading buf after the call returns, when it may be freed or lent again.
            throw new KernelException("sendto", "MSG_ZEROCOPY (refused)", Errno.EINVAL);
        }
        MemorySegment b = buf.segment(offset, length);
        MemorySegment a = address == null ? MemorySegment.NULL : address.segment();
        int n = fd.acquire();
        try {
            long r;
            // SAFETY: b is the checked slice of length bytes the kernel reads; a (or NULL) is read for its own size.
            do r = LibcSocket.sendto(n, b, length, flags, a, (int) a.byteSize()); while (r == EINTR);
            if (r == EAGAIN) return -1;
            if (r < 0) throw KernelException.of("sendto", fd.description(), r);
            return (int) r;
        } finally {
            fd.release();
        }
    }

    /**
     * recv(2) into {@code buf[offset, offset+length)}; returns bytes received (with {@code MSG_TRUNC} on a
     * datagram socket: the datagram's real length), 0 at end of stream, or -1 on EAGAIN.
     */
    public static int receive(OwnedFd fd, NativeBuffer buf, long offset, int length, int flags) throws KernelException {
        return receiveFrom(fd, buf, offset, length, flags, null);
    }

    /** recvfrom(2); the sender's address is written to {@code address} (null: not wanted). */
    public static int receiveFrom(OwnedFd fd, NativeBuffer buf, long offset, int length, int flags,
            NativeBuffer address) throws KernelException {
        MemorySegment b = buf.segment(offset, length);
        MemorySegment a = address == null ? MemorySegment.NULL : address.segment();
        int n = fd.acquire();
        try {
            MemorySegment len = MemorySegment.NULL;
            if (address != null) {
                len = Native.scratch().allocate(4);
                len.set(JAVA_INT, 0, (int) a.byteSize());
            }
            long r;
            // SAFETY: the kernel writes at most length bytes into the slice b and at most *len = a's size into a.
            do r = LibcSocket.recvfrom(n, b, length, flags, a, len); while (r == EINTR);
            if (r == EAGAIN) return -1;
            if (r < 0) throw KernelException.of("recvfrom", fd.description(), r);
            return (int) r;
        } finally {
            fd.release();
        }
    }

    /**
     * sendmsg(2) of {@code buf[offset, offset+length)} with {@code fds} attached as {@code SCM_RIGHTS} (the
     * receiver gets its own descriptors for the same open files; ours stay open). Returns bytes sent, -1 on
     * EAGAIN. At least one data byte must be sent for the descriptors to travel on a stream socket.
     */
    public static int sendWithFds(OwnedFd fd, NativeBuffer buf, long offset, int length, OwnedFd... fds)
            throws KernelException {
        // The caller's array may change while we work: the descriptors released are the ones acquired.
        OwnedFd[] held = fds.clone();
        if (held.length > MAX_FDS) throw new KernelException("sendmsg", fd.description(), Errno.EINVAL);
        MemorySegment b = buf.segment(offset, length);
        NativeBuffer.checkUsable(b);
        int acquired = 0;
        int n = fd.acquire();
        try {
            int[] numbers = new int[held.length];
            for (OwnedFd f : held) {
                numbers[acquired] = f.acquire();
                acquired++;
            }
            Native.Scratch s = Native.scratch();
            MemorySegment iov = s.allocate(Structs.IOVEC);
            // SAFETY: iov (16 bytes) names exactly [b, b+length): b is buf's bounds-checked slice of length bytes. iov,
            // msg and control come from one scratch() and total 16 + 56 + at most 1032 bytes, so they lie in the
            // thread's 16 KiB scratch block (never the GC-managed fallback), whose addresses stay valid while the
            // thread lives.
            iov.set(ADDRESS, 0, b);
            iov.set(JAVA_LONG, 8, length);
            MemorySegment msg = s.allocate(Structs.MSGHDR);
            // SAFETY: msg (56 bytes) points at iov, one entry (msg_iovlen = 1), in the scratch block (see above).
            msg.set(ADDRESS, Structs.MSGHDR_IOV, iov);
            msg.set(JAVA_LONG, Structs.MSGHDR_IOVLEN, 1);
            if (held.length > 0) {
                long dataLen = 4L * held.length;
                MemorySegment control = s.allocate(Structs.cmsgSpace(dataLen));
                control.set(JAVA_LONG, 0, Structs.cmsgLen(dataLen));
                control.set(JAVA_INT, 8, SOL_SOCKET);
                control.set(JAVA_INT, 12, SCM_RIGHTS);
                for (int i = 0; i < numbers.length; i++) control.set(JAVA_INT, 16 + 4L * i, numbers[i]);
                // SAFETY: control holds cmsgSpace(4 * held.length) bytes and msg_controllen says exactly that: the
                // kernel reads no more. In the scratch block (see above).
                msg.set(ADDRESS, Structs.MSGHDR_CONTROL, control);
                msg.set(JAVA_LONG, Structs.MSGHDR_CONTROLLEN, control.byteSize());
            }
            long r;
            // SAFETY: msg points at iov and control (this thread's scratch memory, untouched until the next raw
            // call) and iov at [b, b+length), checked live and usable above; b is fenced below so the GC keeps
            // it until sendmsg returns. The descriptor numbers in control are all held (acquired) for the call.
            do r = LibcSocket.sendmsg(n, msg, MSG_NOSIGNAL); while (r == EINTR);
            if (r == EAGAIN) return -1;
            if (r < 0) throw KernelException.of("sendmsg", fd.description(), r);
            return (int) r;
        } finally {
            for (int i = 0; i < acquired; i++) held[i].release();
            fd.release();
            java.lang.ref.Reference.reachabilityFence(b);
            java.lang.ref.Reference.reachabilityFence(buf);
        }
    }

    /**
     * recvmsg(2) into {@code buf[offset, offset+length)}, accepting up to {@code maxFds} descriptors sent with
     * {@code SCM_RIGHTS} (received close-on-exec; the caller owns and must close them).
     */
    public static Received receiveWithFds(OwnedFd fd, NativeBuffer buf, long offset, int length, int maxFds, int flags)
            throws KernelException {
        if (maxFds < 0 || maxFds > MAX_FDS) throw new IllegalArgumentException("maxFds out of range: " + maxFds);
        MemorySegment b = buf.segment(offset, length);
        NativeBuffer.checkUsable(b);
        int n = fd.acquire();
        try {
            Native.Scratch s = Native.scratch();
            MemorySegment iov = s.allocate(Structs.IOVEC);
            // SAFETY: iov (16 bytes) names exactly [b, b+length), buf's bounds-checked slice. iov, msg and control come
            // from one scratch() and total 16 + 56 + at most 1032 bytes: all in the thread's 16 KiB scratch block
            // (never the GC-managed fallback), whose addresses stay valid while the thread lives.
            iov.set(ADDRESS, 0, b);
            iov.set(JAVA_LONG, 8, length);
            MemorySegment msg = s.allocate(Structs.MSGHDR);
            // SAFETY: msg (56 bytes) points at iov, one entry (msg_iovlen = 1), in the scratch block (see above).
            msg.set(ADDRESS, Structs.MSGHDR_IOV, iov);
            msg.set(JAVA_LONG, Structs.MSGHDR_IOVLEN, 1);
            MemorySegment control = s.allocate(Math.max(Structs.cmsgSpace(4L * Math.max(1, maxFds)), 64));
            // SAFETY: control has max(cmsgSpace(4 * max(1, maxFds)), 64) bytes and msg_controllen is that or 0: the
            // kernel writes at most msg_controllen bytes there. In the scratch block (see above).
            msg.set(ADDRESS, Structs.MSGHDR_CONTROL, control);
            msg.set(JAVA_LONG, Structs.MSGHDR_CONTROLLEN, maxFds == 0 ? 0 : control.byteSize());
            long r;
            // SAFETY: msg, iov and control are this thread's scratch memory (control's size is in msg); iov names
            // [b, b+length), checked live and usable above and fenced below, so the kernel's writes land in the
            // caller's buffer and nowhere else, however long recvmsg blocks.
            do r = LibcSocket.recvmsg(n, msg, flags | MSG_CMSG_CLOEXEC); while (r == EINTR);
            if (r == EAGAIN) return new Received(-1, List.of(), 0);
            if (r < 0) throw KernelException.of("recvmsg", fd.description(), r);
            List<OwnedFd> received = new ArrayList<>();
            long controlLen = msg.get(JAVA_LONG, Structs.MSGHDR_CONTROLLEN);
            long pos = 0;
            while (maxFds > 0 && pos + Structs.CMSGHDR.byteSize() <= controlLen) {
                long len = control.get(JAVA_LONG, pos);
                if (len < Structs.CMSGHDR.byteSize() || pos + len > controlLen) break;
                int level = control.get(JAVA_INT, pos + 8);
                int type = control.get(JAVA_INT, pos + 12);
                if (level == SOL_SOCKET && type == SCM_RIGHTS) {
                    long count = (len - Structs.CMSGHDR.byteSize()) / 4;
                    for (long i = 0; i < count; i++) {
                        received.add(OwnedFd.adopt(control.get(JAVA_INT, pos + 16 + 4 * i),
                                "received over " + fd.description()));
                    }
                }
                pos += (len + 7) & ~7L;
            }
            return new Received((int) r, List.copyOf(received), msg.get(JAVA_INT, Structs.MSGHDR_FLAGS));
        } finally {
            fd.release();
            java.lang.ref.Reference.reachabilityFence(b);
            java.lang.ref.Reference.reachabilityFence(buf);
        }
    }
}
