package dev.j4l.kernel.net;

import java.net.InetAddress;

/** A change the kernel announced on an rtnetlink multicast group (see {@link RtNetlink#subscribe}). */
public sealed interface NetlinkEvent {
    /** A link appeared or changed ({@code added} true, RTM_NEWLINK) or was removed (RTM_DELLINK). */
    record Link(boolean added, LinkInfo link) implements NetlinkEvent {}

    /** An address was added (RTM_NEWADDR) or removed (RTM_DELADDR) on interface {@code index}. */
    record Address(boolean added, int index, InetAddress address, int prefixLength) implements NetlinkEvent {}
}
