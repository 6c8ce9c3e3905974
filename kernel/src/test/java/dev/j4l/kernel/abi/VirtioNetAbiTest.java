package dev.j4l.kernel.abi;

import static dev.j4l.kernel.abi.CStruct.U16;
import static dev.j4l.kernel.abi.CStruct.U8;
import static dev.j4l.kernel.abi.CStruct.anonymousStruct;
import static dev.j4l.kernel.abi.CStruct.anonymousUnion;
import static dev.j4l.kernel.abi.CStruct.f;
import static dev.j4l.kernel.abi.CStruct.off;
import static dev.j4l.kernel.abi.CStruct.struct;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * {@link VirtioNetAbi} against {@code include/uapi/linux/virtio_net.h} of Linux 6.18: the packet headers
 * transcribed member by member (names and C types as the header spells them), the flag and GSO defines copied
 * as written there, and every constant of {@code VirtioNetAbi} checked against them.
 */
class VirtioNetAbiTest {
    /** {@code __virtio16} and {@code __le16}: 16-bit integers. */
    private static final ValueLayout VIRTIO16 = U16, LE16 = U16;

    static final StructLayout virtio_net_hdr = struct("virtio_net_hdr",
            f("flags", U8), f("gso_type", U8), f("hdr_len", VIRTIO16), f("gso_size", VIRTIO16),
            f("csum_start", VIRTIO16), f("csum_offset", VIRTIO16));

    static final StructLayout virtio_net_hdr_mrg_rxbuf = struct("virtio_net_hdr_mrg_rxbuf",
            f("hdr", virtio_net_hdr), f("num_buffers", VIRTIO16));

    /** The virtio 1.0 header, which the header calls bitwise-equivalent to virtio_net_hdr_mrg_rxbuf. */
    static final StructLayout virtio_net_hdr_v1 = struct("virtio_net_hdr_v1",
            f("flags", U8), f("gso_type", U8), f("hdr_len", VIRTIO16), f("gso_size", VIRTIO16),
            anonymousUnion(anonymousStruct(f("csum_start", VIRTIO16), f("csum_offset", VIRTIO16)),
                    struct("csum", f("start", VIRTIO16), f("offset", VIRTIO16)),
                    struct("rsc", f("segments", LE16), f("dup_acks", LE16))),
            f("num_buffers", VIRTIO16));

    static final StructLayout[] STRUCTS = {virtio_net_hdr, virtio_net_hdr_mrg_rxbuf, virtio_net_hdr_v1};

    static final long VIRTIO_NET_HDR_F_NEEDS_CSUM = 1, VIRTIO_NET_HDR_F_DATA_VALID = 2, VIRTIO_NET_HDR_F_RSC_INFO = 4,
            VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM = 8;
    static final long VIRTIO_NET_HDR_GSO_NONE = 0, VIRTIO_NET_HDR_GSO_TCPV4 = 1, VIRTIO_NET_HDR_GSO_UDP = 3,
            VIRTIO_NET_HDR_GSO_TCPV6 = 4, VIRTIO_NET_HDR_GSO_UDP_L4 = 5, VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4 = 0x20,
            VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV6 = 0x40, VIRTIO_NET_HDR_GSO_ECN = 0x80;

    @Test
    void everyConstantIsTheHeaders() {
        new CStruct.Pins(VirtioNetAbi.class)
                .pin("HDR_SIZE", virtio_net_hdr.byteSize())
                .pin("HDR_FLAGS", off(virtio_net_hdr, "flags")).pin("HDR_GSO_TYPE", off(virtio_net_hdr, "gso_type"))
                .pin("HDR_HDR_LEN", off(virtio_net_hdr, "hdr_len")).pin("HDR_GSO_SIZE", off(virtio_net_hdr, "gso_size"))
                .pin("HDR_CSUM_START", off(virtio_net_hdr, "csum_start"))
                .pin("HDR_CSUM_OFFSET", off(virtio_net_hdr, "csum_offset"))
                .pin("HDR_MRG_RXBUF_SIZE", virtio_net_hdr_mrg_rxbuf.byteSize())
                .pin("HDR_NUM_BUFFERS", off(virtio_net_hdr_mrg_rxbuf, "num_buffers"))
                .pin("F_NEEDS_CSUM", VIRTIO_NET_HDR_F_NEEDS_CSUM).pin("F_DATA_VALID", VIRTIO_NET_HDR_F_DATA_VALID)
                .pin("F_RSC_INFO", VIRTIO_NET_HDR_F_RSC_INFO).pin("F_UDP_TUNNEL_CSUM", VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM)
                .pin("GSO_NONE", VIRTIO_NET_HDR_GSO_NONE).pin("GSO_TCPV4", VIRTIO_NET_HDR_GSO_TCPV4)
                .pin("GSO_UDP", VIRTIO_NET_HDR_GSO_UDP).pin("GSO_TCPV6", VIRTIO_NET_HDR_GSO_TCPV6)
                .pin("GSO_UDP_L4", VIRTIO_NET_HDR_GSO_UDP_L4)
                .pin("GSO_UDP_TUNNEL_IPV4", VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4)
                .pin("GSO_UDP_TUNNEL_IPV6", VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV6)
                .pin("GSO_ECN", VIRTIO_NET_HDR_GSO_ECN)
                .check();
    }

    @Test
    void theVirtio1HeaderIsTheLegacyOneWithNumBuffers() {
        assertEquals(10, virtio_net_hdr.byteSize());
        assertEquals(virtio_net_hdr_mrg_rxbuf.byteSize(), virtio_net_hdr_v1.byteSize());
        for (String m : new String[] {"flags", "gso_type", "hdr_len", "gso_size", "csum_start", "csum_offset"}) {
            assertEquals(off(virtio_net_hdr, m), off(virtio_net_hdr_v1, m), m);
        }
        assertEquals(off(virtio_net_hdr_mrg_rxbuf, "num_buffers"), off(virtio_net_hdr_v1, "num_buffers"));
    }
}
