package dev.j4l.kernel.net;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.abi.VirtioNetAbi;
import dev.j4l.kernel.raw.Access;
import dev.j4l.kernel.raw.Ioctl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A TUN (layer 3) or TAP (layer 2) device from {@code /dev/net/tun}, opened with one {@link TunQueue} per
 * queue.
 *
 * <p>{@link #builder} creates the device or attaches to an existing one of that name. With
 * {@link Builder#vnetHeader} every packet is prefixed by a virtio-net header, and the offloads asked for are
 * negotiated bit by bit: what the running kernel refuses ({@code EINVAL}) is left out, and
 * {@link #offloads()} says what was granted. Closing the last queue of a non-persistent device deletes it.
 *
 * {@snippet class=dev.j4l.kernel.net.TapExample region=tap}
 */
public final class TunDevice implements AutoCloseable {
    /** sizeof(struct ifreq) on 64-bit Linux. */
    private static final int IFREQ_SIZE = 40;
    // ioctls ('T' = 0x54), kernel-interfaces.md §5.2. The sizes are what drivers/net/tun.c copies: TUNSETIFF and
    // TUNGETIFF move a whole struct ifreq (40 bytes) though encoded as int; the SET ioctls for persistence,
    // owner, group and offloads take their value in the argument itself.
    static final Ioctl TUNSETIFF = Ioctl.buffer("TUNSETIFF", 0x400454caL, IFREQ_SIZE);
    static final Ioctl TUNSETPERSIST = Ioctl.value("TUNSETPERSIST", 0x400454cbL);
    static final Ioctl TUNSETOWNER = Ioctl.value("TUNSETOWNER", 0x400454ccL);
    static final Ioctl TUNSETGROUP = Ioctl.value("TUNSETGROUP", 0x400454ceL);
    static final Ioctl TUNGETFEATURES = Ioctl.buffer("TUNGETFEATURES", 0x800454cfL, 4);
    static final Ioctl TUNSETOFFLOAD = Ioctl.value("TUNSETOFFLOAD", 0x400454d0L);
    static final Ioctl TUNGETIFF = Ioctl.buffer("TUNGETIFF", 0x800454d2L, IFREQ_SIZE);
    static final Ioctl TUNSETVNETHDRSZ = Ioctl.buffer("TUNSETVNETHDRSZ", 0x400454d8L, 4);
    static final int IFF_TUN = 0x0001;
    static final int IFF_TAP = 0x0002;
    static final int IFF_MULTI_QUEUE = 0x0100;
    static final int IFF_PERSIST = 0x0800;
    static final int IFF_NO_PI = 0x1000;
    static final int IFF_VNET_HDR = 0x4000;
    static final int IFF_TUN_EXCL = 0x8000;

    /** Linux's IFNAMSIZ minus the terminating NUL. */
    public static final int MAX_NAME = 15;

    /** Layer 3 (IP packets) or layer 2 (Ethernet frames). */
    public enum Mode { TUN, TAP }

    /**
     * Offload groups in the order they are tried. USO4 and USO6 are one group because the kernel accepts
     * them only together.
     */
    private static final int[] OFFLOAD_GROUPS = {
        TunOffload.CSUM.bit, TunOffload.TSO4.bit, TunOffload.TSO6.bit, TunOffload.TSO_ECN.bit,
        TunOffload.UFO.bit, TunOffload.USO4.bit | TunOffload.USO6.bit,
        TunOffload.UDP_TUNNEL_GSO.bit, TunOffload.UDP_TUNNEL_GSO_CSUM.bit,
    };

    private final String name;
    private final Mode mode;
    private final List<TunQueue> queues;
    private final Set<TunOffload> offloads;
    private final int vnetHeaderSize;
    private final boolean persistent;

    private TunDevice(String name, Mode mode, List<TunQueue> queues, Set<TunOffload> offloads, int vnetHeaderSize,
            boolean persistent) {
        this.name = name;
        this.mode = mode;
        this.queues = Collections.unmodifiableList(queues);
        this.offloads = Collections.unmodifiableSet(offloads);
        this.vnetHeaderSize = vnetHeaderSize;
        this.persistent = persistent;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The device's name (the kernel's choice when a {@code %d} template was given). */
    public String name() {
        return name;
    }

    public Mode mode() {
        return mode;
    }

    public List<TunQueue> queues() {
        return queues;
    }

    /** Offloads the kernel granted (empty without a virtio-net header). */
    public Set<TunOffload> offloads() {
        return offloads;
    }

    /** Bytes of virtio-net header before each packet; 0 without {@link Builder#vnetHeader}. */
    public int vnetHeaderSize() {
        return vnetHeaderSize;
    }

    /** True when the device outlives its descriptors (created persistent, or found persistent). */
    public boolean persistent() {
        return persistent;
    }

    /**
     * Makes the device persistent or not. Clearing it on a device whose queues are then closed deletes
     * the device; this is how a persistent device is removed.
     */
    public void setPersistent(boolean on) throws KernelException {
        ioctl(queues.getFirst().fd(), TUNSETPERSIST, on ? 1 : 0);
    }

    /** ioctl {@code op} on a TUN descriptor with {@code arg} as its buffer. */
    private static void ioctl(OwnedFd fd, Ioctl op, NativeBuffer arg) throws KernelException {
        Access.Fds fds = Access.fds();
        int n = fds.acquire(fd);
        try {
            // SAFETY: the segment is all of arg: Ioctl.call checks it holds op's kernel-side size, and the downcall
            // checks it is alive and this thread's and keeps it so.
            int r = op.call(n, Access.buffers().segment(arg));
            if (r < 0) throw KernelException.of("ioctl(" + op.name() + ")", fd.description(), r);
        } finally {
            fds.release(fd);
        }
    }

    /** ioctl {@code op} on a TUN descriptor with a value argument. */
    private static void ioctl(OwnedFd fd, Ioctl op, long value) throws KernelException {
        Access.Fds fds = Access.fds();
        int n = fds.acquire(fd);
        try {
            int r = op.call(n, value);
            if (r < 0) throw KernelException.of("ioctl(" + op.name() + ")", fd.description(), r);
        } finally {
            fds.release(fd);
        }
    }

    /** {@code TUNGETFEATURES}: the IFF_* flags this kernel's TUN driver supports. */
    public static int features() throws KernelException {
        try (OwnedFd fd = Fs.open("/dev/net/tun", Fs.O_RDWR)) {
            NativeBuffer b = NativeBuffer.allocate(4);
            ioctl(fd, TUNGETFEATURES, b);
            return b.getInt(0);
        }
    }

    /**
     * The offloads this kernel's TUN driver accepts, found by creating a throw-away TUN device (named after
     * {@code scratchName}) and trying every group of bits.
     */
    public static Set<TunOffload> probeOffloads(String scratchName) throws KernelException {
        try (TunDevice d = builder(scratchName).mode(Mode.TUN).vnetHeader(true)
                .offloads(EnumSet.allOf(TunOffload.class)).exclusive(true).open()) {
            return EnumSet.copyOf(d.offloads.isEmpty() ? EnumSet.noneOf(TunOffload.class) : d.offloads);
        }
    }

    /** Closes every queue; a non-persistent device disappears with its last queue. */
    @Override
    public void close() {
        for (TunQueue q : queues) q.close();
    }

    @Override
    public String toString() {
        return mode + " " + name + " (" + queues.size() + " queue(s), offloads " + offloads + ")";
    }

    /** How to open a device. */
    public static final class Builder {
        private final String name;
        private Mode mode = Mode.TAP;
        private int queues = 1;
        private boolean vnetHeader;
        private int vnetHeaderSize = VirtioNetAbi.HDR_SIZE;
        private Set<TunOffload> offloads = EnumSet.noneOf(TunOffload.class);
        private boolean persistent;
        private int owner = -1;
        private int group = -1;
        private boolean exclusive;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder mode(Mode m) {
            this.mode = Objects.requireNonNull(m);
            return this;
        }

        /** Number of queues (1..256); more than one opens the device with IFF_MULTI_QUEUE. */
        public Builder queues(int n) {
            if (n < 1 || n > 256) throw new IllegalArgumentException("queues must be 1..256, got " + n);
            this.queues = n;
            return this;
        }

        /** Prefix every packet with a virtio-net header (needed for any offload). */
        public Builder vnetHeader(boolean on) {
            this.vnetHeader = on;
            return this;
        }

        /**
         * Header size: 10 (virtio_net_hdr), 12 (virtio_net_hdr_mrg_rxbuf, with num_buffers); the kernel skips the
         * bytes of a larger size.
         */
        public Builder vnetHeaderSize(int size) {
            if (size < VirtioNetAbi.HDR_SIZE) {
                throw new IllegalArgumentException("virtio-net header is at least " + VirtioNetAbi.HDR_SIZE
                        + " bytes, got " + size);
            }
            this.vnetHeaderSize = size;
            return this;
        }

        /** Offloads to ask for; those the kernel refuses are dropped (see {@link TunDevice#offloads()}). */
        public Builder offloads(Set<TunOffload> wanted) {
            this.offloads = EnumSet.noneOf(TunOffload.class);
            this.offloads.addAll(wanted);
            return this;
        }

        /** Keep the device after the last queue closes. */
        public Builder persistent(boolean on) {
            this.persistent = on;
            return this;
        }

        /** Let this uid open the (persistent) device without CAP_NET_ADMIN. */
        public Builder owner(int uid) {
            this.owner = uid;
            return this;
        }

        public Builder group(int gid) {
            this.group = gid;
            return this;
        }

        /** Fail with EBUSY instead of attaching when a device with this name exists (IFF_TUN_EXCL). */
        public Builder exclusive(boolean on) {
            this.exclusive = on;
            return this;
        }

        public TunDevice open() throws KernelException {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            if (nameBytes.length == 0 || nameBytes.length > MAX_NAME || name.indexOf('/') >= 0
                    || name.indexOf('\0') >= 0 || name.indexOf(' ') >= 0) {
                throw new KernelException("TUNSETIFF", "bad interface name '" + name + "' (1.." + MAX_NAME
                        + " bytes, no '/', space or NUL)", Errno.EINVAL);
            }
            int flags = (mode == Mode.TAP ? IFF_TAP : IFF_TUN) | IFF_NO_PI;
            if (vnetHeader) flags |= IFF_VNET_HDR;
            if (queues > 1) flags |= IFF_MULTI_QUEUE;
            if (exclusive) flags |= IFF_TUN_EXCL;
            List<TunQueue> opened = new ArrayList<>();
            String actual = name;
            boolean wasPersistent = false;
            int granted = 0;
            try {
                for (int i = 0; i < queues; i++) {
                    OwnedFd fd = Fs.open("/dev/net/tun", Fs.O_RDWR | Fs.O_NONBLOCK);
                    NativeBuffer ifr = NativeBuffer.allocate(40);
                    byte[] n = actual.getBytes(StandardCharsets.UTF_8);
                    ifr.put(0, n, 0, n.length);
                    ifr.putShort(16, (short) flags);
                    try {
                        ioctl(fd, TUNSETIFF, ifr);
                    } catch (KernelException e) {
                        fd.close();
                        throw new KernelException("TUNSETIFF", actual + explain(e.errno()), e.errno());
                    }
                    actual = ifr.getString(0, (int) Math.max(0, ifr.indexOf((byte) 0, 0, 16)));
                    if (i == 0) {
                        // TUNSETIFF turns a '%d' template into the real name; exclusivity applies to queue 0 only.
                        flags &= ~IFF_TUN_EXCL;
                        NativeBuffer got = NativeBuffer.allocate(40);
                        ioctl(fd, TUNGETIFF, got);
                        wasPersistent = (got.getShort(16) & IFF_PERSIST) != 0;
                    }
                    TunQueue q = new TunQueue(fd, actual, i);
                    opened.add(q);
                    if (vnetHeader) {
                        if (vnetHeaderSize != VirtioNetAbi.HDR_SIZE) {
                            NativeBuffer sz = NativeBuffer.allocate(4);
                            sz.putInt(0, vnetHeaderSize);
                            ioctl(fd, TUNSETVNETHDRSZ, sz);
                        }
                        granted = i == 0 ? negotiate(fd, TunOffload.bits(offloads)) : granted;
                        if (i > 0) ioctl(fd, TUNSETOFFLOAD, granted);
                    }
                }
                OwnedFd first = opened.getFirst().fd();
                if (owner >= 0) ioctl(first, TUNSETOWNER, owner);
                if (group >= 0) ioctl(first, TUNSETGROUP, group);
                if (persistent) ioctl(first, TUNSETPERSIST, 1);
            } catch (KernelException | RuntimeException e) {
                for (TunQueue q : opened) q.close();
                throw e;
            }
            return new TunDevice(actual, mode, opened, TunOffload.of(granted), vnetHeader ? vnetHeaderSize : 0,
                    persistent || wasPersistent);
        }

        /** Tries the wanted bits group by group; keeps what the kernel accepts (EINVAL = not supported). */
        private static int negotiate(OwnedFd fd, int wanted) throws KernelException {
            if ((wanted & TunOffload.CSUM.bit) == 0) {
                ioctl(fd, TUNSETOFFLOAD, 0);
                return 0;
            }
            int granted = 0;
            for (int group : OFFLOAD_GROUPS) {
                if ((wanted & group) != group) continue;
                try {
                    ioctl(fd, TUNSETOFFLOAD, granted | group);
                    granted |= group;
                } catch (KernelException e) {
                    if (e.errno() != Errno.EINVAL) throw e;
                }
            }
            ioctl(fd, TUNSETOFFLOAD, granted);
            return granted;
        }

        private String explain(Errno e) {
            return switch (e) {
                case EPERM -> " (needs CAP_NET_ADMIN, or be the owner/group of a persistent device)";
                case EBUSY -> " (exists and is in use, or IFF_TUN_EXCL was asked for)";
                case EINVAL -> " (exists with another type or queue mode)";
                default -> "";
            };
        }
    }
}
