package dev.j4l.adversary;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Sockets;

/**
 * Sockets whose messages are commands the kernel acts on, built byte by byte by the caller: a netlink
 * {@code RTM_NEWLINK} can carry {@code IFLA_NET_NS_FD = N} (the kernel then acts on whatever has number N), an
 * AF_XDP bind names a shared UMEM's descriptor. And options that install descriptors nobody owns
 * ({@code SO_PEERPIDFD} hands out a bare number) or name one ({@code PACKET_FANOUT_DATA}).
 *
 * <p>Refused: KernelException for each. Break: a netlink or XDP socket is opened, or an option accepted.
 */
final class CommandSockets implements Attack {
    private static final int AF_XDP = 44;
    private static final int SO_PASSPIDFD = 76, SO_PEERPIDFD = 77;
    private static final int SOL_PACKET = 263, PACKET_FANOUT_DATA = 22;

    @Override
    public String name() {
        return "command-sockets";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        findings.expectRefusalExplained("socket(AF_NETLINK)", () -> opened(Sockets.AF_NETLINK, Sockets.SOCK_RAW),
                KernelException.class);
        findings.expectRefusalExplained("socket(AF_XDP)", () -> opened(AF_XDP, Sockets.SOCK_RAW), KernelException.class);
        try (Sockets.Pair p = Sockets.pair(Sockets.AF_UNIX, Sockets.SOCK_STREAM)) {
            findings.expectRefusalExplained("getsockopt(SO_PEERPIDFD)",
                    () -> "got descriptor number " + Sockets.intOption(p.first(), Sockets.SOL_SOCKET, SO_PEERPIDFD),
                    KernelException.class);
            findings.expectRefusal("setsockopt(SO_PASSPIDFD)",
                    () -> Sockets.setOption(p.first(), Sockets.SOL_SOCKET, SO_PASSPIDFD, 1), KernelException.class);
            findings.expectRefusal("setsockopt(SOL_PACKET, PACKET_FANOUT_DATA)",
                    () -> Sockets.setOption(p.first(), SOL_PACKET, PACKET_FANOUT_DATA, 3), KernelException.class);
        }
        return findings.verdict();
    }

    private static String opened(int family, int type) throws Exception {
        try (OwnedFd fd = Sockets.socket(family, type, 0)) {
            return "opened " + fd;
        }
    }
}
