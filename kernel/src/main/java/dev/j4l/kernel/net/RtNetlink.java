package dev.j4l.kernel.net;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Sockets;
import dev.j4l.kernel.raw.Access;
import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.LibcSocket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * rtnetlink spoken directly over a {@code NETLINK_ROUTE} socket: links (veth pairs, bridges, up/down, MTU,
 * MAC, master, namespace), addresses, routes, and event subscriptions.
 *
 * <p>A socket belongs to the network namespace it was opened in; open one inside another namespace with
 * {@code ns.call(RtNetlink::open)}. Every request asks for an ACK; a refusal becomes a
 * {@link NetlinkException} carrying the kernel's extended-ack text. Methods are synchronized: one request is
 * in flight per socket.
 *
 * {@snippet class=dev.j4l.kernel.net.TapExample region=tap}
 */
public final class RtNetlink implements AutoCloseable {
    // Message types and flags, kernel-interfaces.md §6.
    static final int NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_OVERRUN = 4;
    static final int RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20, RTM_DELADDR = 21;
    static final int RTM_NEWROUTE = 24, RTM_DELROUTE = 25;
    static final int F_REQUEST = 0x1, F_MULTI = 0x2, F_ACK = 0x4;
    static final int F_EXCL = 0x200, F_CREATE = 0x400, F_DUMP = 0x300;
    static final int F_CAPPED = 0x100, F_ACK_TLVS = 0x200;
    static final int NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11;
    static final int NLMSGERR_ATTR_MSG = 1;

    static final int IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_MASTER = 10, IFLA_LINKINFO = 18;
    static final int IFLA_NET_NS_FD = 28, IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, VETH_INFO_PEER = 1;
    static final int IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_FLAGS = 8, IFA_F_NODAD = 0x2;
    static final int RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5;
    static final int AF_INET = 2, AF_INET6 = 10;

    /** Multicast groups for {@link #subscribe}. */
    public static final int GROUP_LINK = 0x1, GROUP_IPV4_ADDRESS = 0x10, GROUP_IPV6_ADDRESS = 0x100;

    private static final int BUFFER = 64 * 1024;
    private static final Access.Fds FDS = Access.fds();

    private final OwnedFd fd;
    private final NativeBuffer tx = NativeBuffer.allocate(8192);
    private final NativeBuffer rx = NativeBuffer.allocate(BUFFER);
    private final ArrayDeque<NetlinkEvent> pending = new ArrayDeque<>();
    private final MemorySegment pollFd = Arena.ofAuto().allocate(8, 8);
    private int seq = (int) (System.nanoTime() & 0x3fffffff);
    private int len; // bytes of the request being built in tx

    private RtNetlink(OwnedFd fd) {
        this.fd = fd;
    }

    /** A request socket in the calling thread's network namespace. */
    public static RtNetlink open() throws KernelException {
        return new RtNetlink(socket(0));
    }

    /**
     * A socket that receives announcements for {@code groups} ({@link #GROUP_LINK}, ...) in the calling
     * thread's network namespace; read them with {@link #nextEvent}.
     */
    public static RtNetlink subscribe(int groups) throws KernelException {
        return new RtNetlink(socket(groups));
    }

    /** A NETLINK_ROUTE socket: not through Sockets.socket, which refuses netlink to drivers (see there). */
    private static OwnedFd routeSocket() throws KernelException {
        int r = LibcSocket.socket(Sockets.AF_NETLINK, Sockets.SOCK_RAW | Sockets.SOCK_CLOEXEC, 0 /* NETLINK_ROUTE */);
        if (r < 0) throw KernelException.of("socket", "netlink route", r);
        return (OwnedFd) Access.fds().wrap(r, "netlink route socket");
    }

    private static OwnedFd socket(int groups) throws KernelException {
        OwnedFd fd = routeSocket();
        try {
            // Both are best effort: an older kernel simply sends plainer errors.
            try {
                Sockets.setOption(fd, Sockets.SOL_NETLINK, NETLINK_EXT_ACK, 1);
                Sockets.setOption(fd, Sockets.SOL_NETLINK, NETLINK_CAP_ACK, 1);
            } catch (KernelException ignored) {
                // ENOPROTOOPT before Linux 4.12
            }
            NativeBuffer sa = NativeBuffer.allocate(12); // sockaddr_nl: family, pad, pid 0 (kernel assigns), groups
            sa.putShort(0, (short) Sockets.AF_NETLINK);
            sa.putInt(8, groups);
            Sockets.bind(fd, sa);
        } catch (KernelException | RuntimeException e) {
            fd.close();
            throw e;
        }
        return fd;
    }

    @Override
    public void close() {
        if (fd.isOpen()) fd.close();
    }

    // ---------------------------------------------------------------- links

    /** The interface called {@code name}, or empty. */
    public synchronized Optional<LinkInfo> link(String name) throws NetlinkException, KernelException {
        begin(RTM_GETLINK, F_REQUEST);
        ifinfomsg(0, 0, 0);
        attrString(IFLA_IFNAME, name);
        List<LinkInfo> out = new ArrayList<>();
        try {
            transact("RTM_GETLINK " + name, out);
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) return Optional.empty();
            throw e;
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out.getFirst());
    }

    /** The index of interface {@code name}; {@link NetlinkException} with ENODEV when there is none. */
    public int linkIndex(String name) throws NetlinkException, KernelException {
        return link(name).orElseThrow(() -> new NetlinkException("RTM_GETLINK " + name, Errno.ENODEV,
                "no interface named " + name)).index();
    }

    /** Every interface in this socket's namespace. */
    public synchronized List<LinkInfo> links() throws NetlinkException, KernelException {
        begin(RTM_GETLINK, F_REQUEST | F_DUMP);
        ifinfomsg(0, 0, 0);
        List<LinkInfo> out = new ArrayList<>();
        transact("RTM_GETLINK (dump)", out);
        return out;
    }

    /** Creates a veth pair {@code name} ⇄ {@code peer} (both down). */
    public synchronized void createVeth(String name, String peer) throws NetlinkException, KernelException {
        begin(RTM_NEWLINK, F_REQUEST | F_ACK | F_CREATE | F_EXCL);
        ifinfomsg(0, 0, 0);
        attrString(IFLA_IFNAME, name);
        int info = nestStart(IFLA_LINKINFO);
        attrString(IFLA_INFO_KIND, "veth");
        int data = nestStart(IFLA_INFO_DATA);
        int p = nestStart(VETH_INFO_PEER);
        ifinfomsg(0, 0, 0);
        attrString(IFLA_IFNAME, peer);
        nestEnd(p);
        nestEnd(data);
        nestEnd(info);
        transact("RTM_NEWLINK veth " + name + " peer " + peer, null);
    }

    /** Creates a link of a kind that needs no parameters, such as {@code bridge} or {@code dummy}. */
    public synchronized void createLink(String name, String kind) throws NetlinkException, KernelException {
        begin(RTM_NEWLINK, F_REQUEST | F_ACK | F_CREATE | F_EXCL);
        ifinfomsg(0, 0, 0);
        attrString(IFLA_IFNAME, name);
        int info = nestStart(IFLA_LINKINFO);
        attrString(IFLA_INFO_KIND, kind);
        nestEnd(info);
        transact("RTM_NEWLINK " + kind + " " + name, null);
    }

    public void createBridge(String name) throws NetlinkException, KernelException {
        createLink(name, "bridge");
    }

    /** Deletes interface {@code name} (for a veth, both ends go). */
    public synchronized void deleteLink(String name) throws NetlinkException, KernelException {
        begin(RTM_DELLINK, F_REQUEST | F_ACK);
        ifinfomsg(0, 0, 0);
        attrString(IFLA_IFNAME, name);
        transact("RTM_DELLINK " + name, null);
    }

    public synchronized void setUp(String name, boolean up) throws NetlinkException, KernelException {
        begin(RTM_NEWLINK, F_REQUEST | F_ACK);
        ifinfomsg(0, up ? LinkInfo.IFF_UP : 0, LinkInfo.IFF_UP);
        attrString(IFLA_IFNAME, name);
        transact("RTM_NEWLINK set " + name + (up ? " up" : " down"), null);
    }

    public synchronized void setMtu(String name, int mtu) throws NetlinkException, KernelException {
        begin(RTM_NEWLINK, F_REQUEST | F_ACK);
        ifinfomsg(0, 0, 0);
        attrString(IFLA_IFNAME, name);
        attrInt(IFLA_MTU, mtu);
        transact("RTM_NEWLINK set mtu " + Integer.toUnsignedString(mtu) + " on " + name, null);
    }

    /** Sets the hardware address; {@code mac} is {@code aa:bb:cc:dd:ee:ff}. */
    public synchronized void setMac(String name, String mac) throws NetlinkException, KernelException {
        byte[] m = parseMac(mac);
        begin(RTM_NEWLINK, F_REQUEST | F_ACK);
        ifinfomsg(0, 0, 0);
        attrString(IFLA_IFNAME, name);
        attrBytes(IFLA_ADDRESS, m);
        transact("RTM_NEWLINK set address " + mac + " on " + name, null);
    }

    /** Enslaves {@code name} to bridge {@code master}; a null master releases it. */
    public synchronized void setMaster(String name, String master) throws NetlinkException, KernelException {
        int m = master == null ? 0 : linkIndexLocked(master);
        begin(RTM_NEWLINK, F_REQUEST | F_ACK);
        ifinfomsg(0, 0, 0);
        attrString(IFLA_IFNAME, name);
        attrInt(IFLA_MASTER, m);
        transact("RTM_NEWLINK set master " + master + " on " + name, null);
    }

    /** Moves interface {@code name} into network namespace {@code ns} (IFLA_NET_NS_FD). */
    public synchronized void moveToNamespace(String name, NetNamespace ns) throws NetlinkException, KernelException {
        OwnedFd nsFd = ns.fd();
        int n = FDS.acquire(nsFd);
        try {
            begin(RTM_NEWLINK, F_REQUEST | F_ACK);
            ifinfomsg(0, 0, 0);
            attrString(IFLA_IFNAME, name);
            attrInt(IFLA_NET_NS_FD, n);
            transact("RTM_NEWLINK move " + name + " to netns " + ns.name(), null);
        } finally {
            FDS.release(nsFd);
        }
    }

    // ---------------------------------------------------------------- addresses and routes

    public synchronized void addAddress(String name, InetAddress address, int prefixLength)
            throws NetlinkException, KernelException {
        address(RTM_NEWADDR, F_REQUEST | F_ACK | F_CREATE | F_EXCL, name, address, prefixLength);
    }

    public synchronized void deleteAddress(String name, InetAddress address, int prefixLength)
            throws NetlinkException, KernelException {
        address(RTM_DELADDR, F_REQUEST | F_ACK, name, address, prefixLength);
    }

    private void address(int type, int flags, String name, InetAddress address, int prefixLength)
            throws NetlinkException, KernelException {
        byte[] a = address.getAddress();
        checkPrefix(a, prefixLength);
        int index = linkIndexLocked(name);
        begin(type, flags);
        tx.putByte(len, (byte) (a.length == 4 ? AF_INET : AF_INET6));
        tx.putByte(len + 1, (byte) prefixLength);
        tx.putByte(len + 2, (byte) 0);
        tx.putByte(len + 3, (byte) 0);
        tx.putInt(len + 4, index);
        len += 8;
        attrBytes(IFA_LOCAL, a);
        attrBytes(IFA_ADDRESS, a);
        if (a.length == 16) attrInt(IFA_FLAGS, IFA_F_NODAD);
        transact((type == RTM_NEWADDR ? "RTM_NEWADDR " : "RTM_DELADDR ") + address.getHostAddress() + "/"
                + prefixLength + " on " + name, null);
    }

    /**
     * Adds a route to {@code destination/prefixLength} through {@code gateway} (null: on-link) out of
     * interface {@code device} (null: let the kernel pick from the gateway) in the main table.
     */
    public synchronized void addRoute(InetAddress destination, int prefixLength, InetAddress gateway, String device)
            throws NetlinkException, KernelException {
        route(RTM_NEWROUTE, F_REQUEST | F_ACK | F_CREATE | F_EXCL, destination, prefixLength, gateway, device);
    }

    public synchronized void deleteRoute(InetAddress destination, int prefixLength, InetAddress gateway,
            String device) throws NetlinkException, KernelException {
        route(RTM_DELROUTE, F_REQUEST | F_ACK, destination, prefixLength, gateway, device);
    }

    private void route(int type, int flags, InetAddress dst, int prefixLength, InetAddress gateway, String device)
            throws NetlinkException, KernelException {
        byte[] d = dst.getAddress();
        checkPrefix(d, prefixLength);
        int oif = device == null ? 0 : linkIndexLocked(device);
        boolean add = type == RTM_NEWROUTE;
        begin(type, flags);
        tx.putByte(len, (byte) (d.length == 4 ? AF_INET : AF_INET6));
        tx.putByte(len + 1, (byte) prefixLength);
        tx.putByte(len + 4, (byte) 254); // RT_TABLE_MAIN
        tx.putByte(len + 5, (byte) (add ? 4 : 0)); // RTPROT_STATIC
        // on-link: RT_SCOPE_LINK; via gateway: UNIVERSE; delete matches any scope (NOWHERE)
        tx.putByte(len + 6, (byte) (!add ? 255 : gateway == null ? 253 : 0));
        tx.putByte(len + 7, (byte) (add ? 1 : 0)); // RTN_UNICAST
        len += 12;
        if (prefixLength > 0) attrBytes(RTA_DST, d);
        if (gateway != null) attrBytes(RTA_GATEWAY, gateway.getAddress());
        if (oif != 0) attrInt(RTA_OIF, oif);
        transact((add ? "RTM_NEWROUTE " : "RTM_DELROUTE ") + dst.getHostAddress() + "/" + prefixLength
                + (gateway == null ? "" : " via " + gateway.getHostAddress())
                + (device == null ? "" : " dev " + device), null);
    }

    // ---------------------------------------------------------------- events

    /**
     * The next announcement on a {@link #subscribe} socket, waiting at most {@code timeout}; empty when none
     * came. Announcements of other kinds are skipped.
     */
    public synchronized Optional<NetlinkEvent> nextEvent(Duration timeout) throws KernelException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return Optional.empty();
            if (!awaitReadable((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)))) continue;
            int n = fd.read(rx);
            for (int off = 0; off + 16 <= n; ) {
                int mlen = rx.getInt(off);
                if (mlen < 16 || off + mlen > n) break;
                int type = rx.getShort(off + 4) & 0xffff;
                if (type == RTM_NEWLINK || type == RTM_DELLINK) {
                    pending.add(new NetlinkEvent.Link(type == RTM_NEWLINK, parseLink(off, mlen)));
                } else if (type == RTM_NEWADDR || type == RTM_DELADDR) {
                    NetlinkEvent.Address a = parseAddress(type == RTM_NEWADDR, off, mlen);
                    if (a != null) pending.add(a);
                }
                off += align(mlen);
            }
        }
        return Optional.of(pending.poll());
    }

    private boolean awaitReadable(int millis) throws KernelException {
        int n = FDS.acquire(fd);
        try {
            pollFd.set(ValueLayout.JAVA_INT, 0, n);
            pollFd.set(ValueLayout.JAVA_SHORT, 4, (short) 1);
            pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            // SAFETY: pollFd is an 8-byte field holding the one pollfd nfds = 1 names; the descriptor is held.
            int r = Libc.poll(pollFd, 1, millis);
            if (r == -4) return false;
            if (r < 0) throw KernelException.of("poll", "rtnetlink", r);
            return r > 0;
        } finally {
            FDS.release(fd);
        }
    }

    // ---------------------------------------------------------------- wire

    private int linkIndexLocked(String name) throws NetlinkException, KernelException {
        // Called with the request buffer free: build, send and parse a GETLINK, then the caller begins anew.
        begin(RTM_GETLINK, F_REQUEST);
        ifinfomsg(0, 0, 0);
        attrString(IFLA_IFNAME, name);
        List<LinkInfo> out = new ArrayList<>();
        transact("RTM_GETLINK " + name, out);
        if (out.isEmpty()) throw new NetlinkException("RTM_GETLINK " + name, Errno.ENODEV, "no interface named " + name);
        return out.getFirst().index();
    }

    private void begin(int type, int flags) {
        tx.fill(0, tx.size(), (byte) 0);
        tx.putShort(4, (short) type);
        tx.putShort(6, (short) flags);
        tx.putInt(8, ++seq);
        len = 16;
    }

    private void ifinfomsg(int index, int flags, int change) {
        tx.putInt(len + 4, index);
        tx.putInt(len + 8, flags);
        tx.putInt(len + 12, change);
        len += 16;
    }

    private void attrBytes(int type, byte[] value) {
        tx.putShort(len, (short) (4 + value.length));
        tx.putShort(len + 2, (short) type);
        tx.put(len + 4, value, 0, value.length);
        len += align(4 + value.length);
    }

    private void attrString(int type, String s) throws NetlinkException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 255 || s.indexOf('\0') >= 0) {
            throw new NetlinkException("attribute " + type, Errno.EINVAL, "bad string '" + s.replace('\0', '?') + "'");
        }
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        attrBytes(type, z);
    }

    private void attrInt(int type, int value) {
        tx.putShort(len, (short) 8);
        tx.putShort(len + 2, (short) type);
        tx.putInt(len + 4, value);
        len += 8;
    }

    private int nestStart(int type) {
        int at = len;
        tx.putShort(len + 2, (short) type);
        len += 4;
        return at;
    }

    private void nestEnd(int at) {
        tx.putShort(at, (short) (len - at));
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /**
     * Sends the request in tx and reads until its ACK (or DONE for dumps). Link messages in the answer are
     * parsed into {@code links} when it is not null.
     */
    private void transact(String what, List<LinkInfo> links) throws NetlinkException, KernelException {
        tx.putInt(0, len);
        int mySeq = seq;
        int flags = tx.getShort(6) & 0xffff;
        boolean dump = (flags & F_DUMP) == F_DUMP;
        boolean ack = (flags & F_ACK) != 0;
        fd.write(tx, 0, len);
        while (true) {
            int n = fd.read(rx);
            for (int off = 0; off + 16 <= n; ) {
                int mlen = rx.getInt(off);
                if (mlen < 16 || off + mlen > n) break;
                int type = rx.getShort(off + 4) & 0xffff;
                int mseq = rx.getInt(off + 8);
                if (mseq == mySeq) {
                    if (type == NLMSG_ERROR) {
                        int err = rx.getInt(off + 16);
                        if (err == 0) return;
                        throw new NetlinkException(what, Errno.orEio(-err), extAck(off, mlen));
                    }
                    if (type == NLMSG_DONE) return;
                    if (type == RTM_NEWLINK && links != null) links.add(parseLink(off, mlen));
                    if (!dump && !ack && type != NLMSG_NOOP) return; // a GET answered with its one object
                }
                off += align(mlen);
            }
        }
    }

    private String extAck(int off, int mlen) {
        int flags = rx.getShort(off + 6) & 0xffff;
        if ((flags & F_ACK_TLVS) == 0) return "";
        int tlv = (flags & F_CAPPED) != 0 ? off + 36 : off + 20 + align(rx.getInt(off + 20));
        int end = off + mlen;
        while (tlv + 4 <= end) {
            int alen = rx.getShort(tlv) & 0xffff;
            int atype = rx.getShort(tlv + 2) & 0x3fff;
            if (alen < 4 || tlv + alen > end) break;
            if (atype == NLMSGERR_ATTR_MSG) return cString(tlv + 4, alen - 4);
            tlv += align(alen);
        }
        return "";
    }

    private String cString(int off, int max) {
        int n = 0;
        while (n < max && rx.getByte(off + n) != 0) n++;
        return rx.getString(off, n);
    }

    private LinkInfo parseLink(int off, int mlen) {
        int index = rx.getInt(off + 20);
        int flags = rx.getInt(off + 24);
        String name = "", mac = "", kind = "";
        int mtu = 0, master = 0;
        int a = off + 32, end = off + mlen;
        while (a + 4 <= end) {
            int alen = rx.getShort(a) & 0xffff;
            int atype = rx.getShort(a + 2) & 0x3fff;
            if (alen < 4 || a + alen > end) break;
            switch (atype) {
                case IFLA_IFNAME -> name = cString(a + 4, alen - 4);
                case IFLA_MTU -> mtu = rx.getInt(a + 4);
                case IFLA_MASTER -> master = rx.getInt(a + 4);
                case IFLA_ADDRESS -> {
                    byte[] m = new byte[alen - 4];
                    rx.get(a + 4, m, 0, m.length);
                    mac = HexFormat.ofDelimiter(":").formatHex(m);
                }
                case IFLA_LINKINFO -> {
                    int b = a + 4;
                    while (b + 4 <= a + alen) {
                        int blen = rx.getShort(b) & 0xffff;
                        if (blen < 4) break;
                        if ((rx.getShort(b + 2) & 0x3fff) == IFLA_INFO_KIND) kind = cString(b + 4, blen - 4);
                        b += align(blen);
                    }
                }
                default -> { }
            }
            a += align(alen);
        }
        return new LinkInfo(index, name, flags, mtu, mac, kind, master);
    }

    private NetlinkEvent.Address parseAddress(boolean added, int off, int mlen) {
        int family = rx.getByte(off + 16) & 0xff;
        int prefix = rx.getByte(off + 17) & 0xff;
        int index = rx.getInt(off + 20);
        int a = off + 24, end = off + mlen;
        byte[] local = null, address = null;
        while (a + 4 <= end) {
            int alen = rx.getShort(a) & 0xffff;
            int atype = rx.getShort(a + 2) & 0x3fff;
            if (alen < 4 || a + alen > end) break;
            if (atype == IFA_LOCAL || atype == IFA_ADDRESS) {
                byte[] v = new byte[alen - 4];
                rx.get(a + 4, v, 0, v.length);
                if (atype == IFA_LOCAL) local = v; else address = v;
            }
            a += align(alen);
        }
        byte[] v = local != null ? local : address;
        if (v == null || (family != AF_INET && family != AF_INET6)) return null;
        try {
            return new NetlinkEvent.Address(added, index, InetAddress.getByAddress(v), prefix);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static void checkPrefix(byte[] a, int prefixLength) throws NetlinkException {
        if (prefixLength < 0 || prefixLength > a.length * 8) {
            throw new NetlinkException("prefix", Errno.EINVAL,
                    "prefix length " + prefixLength + " out of range for a " + (a.length == 4 ? "IPv4" : "IPv6")
                            + " address");
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff}. */
    public static byte[] parseMac(String mac) throws NetlinkException {
        String[] p = mac.split(":");
        if (p.length != 6) throw new NetlinkException("MAC " + mac, Errno.EINVAL, "expected aa:bb:cc:dd:ee:ff");
        byte[] b = new byte[6];
        try {
            for (int i = 0; i < 6; i++) {
                if (p[i].length() != 2) throw new NumberFormatException();
                b[i] = (byte) Integer.parseInt(p[i], 16);
            }
        } catch (NumberFormatException e) {
            throw new NetlinkException("MAC " + mac, Errno.EINVAL, "expected aa:bb:cc:dd:ee:ff");
        }
        return b;
    }
}
