package dev.j4l.kernel.net;

import java.util.EnumSet;
import java.util.Set;

/**
 * Offloads a TUN/TAP queue can accept from the kernel ({@code TUNSETOFFLOAD} bits). With an offload on, the
 * kernel may hand the driver packets whose checksum is only partial ({@link #CSUM}) or "super-packets" of up
 * to 64 KiB that the driver must segment or pass on as such (the GSO kinds).
 */
public enum TunOffload {
    /** Partial checksums (virtio-net {@code NEEDS_CSUM}); every GSO kind needs it. */
    CSUM(0x01),
    TSO4(0x02),
    TSO6(0x04),
    /** TSO super-packets with the ECN bit in gso_type (CWR only on the first segment). */
    TSO_ECN(0x08),
    /** Legacy UDP fragmentation offload; never requested by default. */
    UFO(0x10),
    /** UDP segmentation (Linux 6.2+); the kernel only takes USO4 and USO6 together. */
    USO4(0x20),
    USO6(0x40),
    UDP_TUNNEL_GSO(0x80),
    UDP_TUNNEL_GSO_CSUM(0x100);

    public final int bit;

    TunOffload(int bit) {
        this.bit = bit;
    }

    public static int bits(Set<TunOffload> set) {
        int b = 0;
        for (TunOffload o : set) b |= o.bit;
        return b;
    }

    public static EnumSet<TunOffload> of(int bits) {
        EnumSet<TunOffload> s = EnumSet.noneOf(TunOffload.class);
        for (TunOffload o : values()) if ((bits & o.bit) != 0) s.add(o);
        return s;
    }

    /** What a switch or router wants: checksum plus TCP and UDP segmentation (where the kernel has them). */
    public static EnumSet<TunOffload> forwarding() {
        return EnumSet.of(CSUM, TSO4, TSO6, USO4, USO6);
    }
}
