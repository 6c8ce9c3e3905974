package dev.j4l.net;

/** The virtio-net {@code gso_type} of a frame (without the ECN bit). */
public enum GsoType {
    /** An ordinary packet. */
    NONE(0),
    /** A TCP/IPv4 super-packet to be cut into {@code gso_size} payloads. */
    TCPV4(1),
    /** Legacy UDP fragmentation offload (IP fragments). */
    UDP(3),
    /** A TCP/IPv6 super-packet. */
    TCPV6(4),
    /** A UDP super-packet cut into datagrams of {@code gso_size} payload bytes (USO, Linux 6.2+). */
    UDP_L4(5);

    public final int code;

    GsoType(int code) {
        this.code = code;
    }

    private static final GsoType[] BY_CODE = new GsoType[6];

    static {
        for (GsoType t : values()) BY_CODE[t.code] = t;
    }

    /** The type for a raw gso_type value (ECN bit ignored), or null for kinds this framework does not know. */
    public static GsoType of(int raw) {
        int c = raw & 0x7f;
        return c < BY_CODE.length ? BY_CODE[c] : null;
    }
}
