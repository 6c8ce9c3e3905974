package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/linux/virtio_net.h} of Linux 6.18, as far as a TUN/TAP device with {@code IFF_VNET_HDR}
 * uses it: the {@code struct virtio_net_hdr} before each packet, its flags and its GSO types. The 16-bit
 * fields are {@code __virtio16}: little-endian on a device set to it, else host-endian (the same on x86_64 and
 * arm64). Pinned field by field against the header by {@code VirtioNetAbiTest}.
 */
public final class VirtioNetAbi {
    private VirtioNetAbi() {}

    // struct virtio_net_hdr (10)
    public static final int HDR_SIZE = 10;
    public static final int HDR_FLAGS = 0, HDR_GSO_TYPE = 1, HDR_HDR_LEN = 2, HDR_GSO_SIZE = 4, HDR_CSUM_START = 6,
            HDR_CSUM_OFFSET = 8;
    /** struct virtio_net_hdr_mrg_rxbuf (12): the header, then {@code num_buffers}. */
    public static final int HDR_MRG_RXBUF_SIZE = 12, HDR_NUM_BUFFERS = 10;

    // flags (VIRTIO_NET_HDR_F_*)
    /** The L4 checksum holds the pseudo-header sum only: complete it from csum_start, store at csum_offset. */
    public static final int F_NEEDS_CSUM = 1;
    /** The checksum was verified. */
    public static final int F_DATA_VALID = 2;
    /** csum_start and csum_offset carry receive-segment-coalescing counts instead. */
    public static final int F_RSC_INFO = 4;
    /** The outer UDP checksum of a UDP-tunnelled GSO packet is to be completed too. */
    public static final int F_UDP_TUNNEL_CSUM = 8;

    // gso_type (VIRTIO_NET_HDR_GSO_*): a kind, plus the tunnel and ECN bits
    public static final int GSO_NONE = 0, GSO_TCPV4 = 1, GSO_UDP = 3, GSO_TCPV6 = 4, GSO_UDP_L4 = 5;
    public static final int GSO_UDP_TUNNEL_IPV4 = 0x20, GSO_UDP_TUNNEL_IPV6 = 0x40;
    /** The TCP super-packet has ECN (CWR) set. */
    public static final int GSO_ECN = 0x80;
}
