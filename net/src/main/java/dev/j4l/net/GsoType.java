package dev.j4l.net;

import dev.j4l.kernel.abi.VirtioNetAbi;

/** The virtio-net {@code gso_type} of a frame (without the ECN bit). */
public enum GsoType {
    /** An ordinary packet. */
    NONE(VirtioNetAbi.GSO_NONE),
    /** A TCP/IPv4 super-packet to be cut into {@code gso_size} payloads. */
    TCPV4(VirtioNetAbi.GSO_TCPV4),
    /** Legacy UDP fragmentation offload (IP fragments). */
    UDP(VirtioNetAbi.GSO_UDP),
    /** A TCP/IPv6 super-packet. */
    TCPV6(VirtioNetAbi.GSO_TCPV6),
    /** A UDP super-packet cut into datagrams of {@code gso_size} payload bytes (USO, Linux 6.2+). */
    UDP_L4(VirtioNetAbi.GSO_UDP_L4);

    public final int code;

    GsoType(int code) {
        this.code = code;
    }

    private static final GsoType[] BY_CODE = new GsoType[VirtioNetAbi.GSO_UDP_L4 + 1];

    static {
        for (GsoType t : values()) BY_CODE[t.code] = t;
    }

    /** The type for a raw gso_type value (ECN bit ignored), or null for kinds this framework does not know. */
    public static GsoType of(int raw) {
        int c = raw & 0xff & ~VirtioNetAbi.GSO_ECN;
        return c < BY_CODE.length ? BY_CODE[c] : null;
    }
}
