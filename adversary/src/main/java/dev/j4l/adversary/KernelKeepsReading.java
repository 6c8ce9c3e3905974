package dev.j4l.adversary;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Sockets;

/**
 * Zero-copy sends: with {@code SO_ZEROCOPY} set, a send flagged {@code MSG_ZEROCOPY} makes the kernel transmit
 * (and retransmit) from the caller's pages after the call has returned, so a buffer freed or lent again
 * meanwhile would leak its new contents to the peer. Both must be refused.
 *
 * <p>Refused: KernelException (EINVAL) for the option and for the flag. Break: either accepted.
 */
final class KernelKeepsReading implements Attack {
    private static final int SO_ZEROCOPY = 60;
    private static final int MSG_ZEROCOPY = 0x4000000;

    @Override
    public String name() {
        return "zerocopy-send";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        try (Sockets.Pair p = Sockets.pair(Sockets.AF_UNIX, Sockets.SOCK_STREAM)) {
            OwnedFd s = p.first();
            findings.expectRefusal("setsockopt(SO_ZEROCOPY)",
                    () -> Sockets.setOption(s, Sockets.SOL_SOCKET, SO_ZEROCOPY, 1), KernelException.class);
            NativeBuffer b = NativeBuffer.allocate(4096);
            findings.expectRefusalExplained("send(MSG_ZEROCOPY)",
                    () -> "sent " + Sockets.send(s, b, 0, 4096, MSG_ZEROCOPY) + " bytes flagged zero-copy",
                    KernelException.class);
        }
        return findings.verdict();
    }
}
