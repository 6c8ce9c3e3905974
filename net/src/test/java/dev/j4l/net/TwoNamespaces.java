package dev.j4l.net;

import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.kernel.net.RtNetlink;
import java.net.InetAddress;

/** Test topology: device {@code a} moved into {@code left}, {@code b} into {@code right}, each with a /24 address and up. */
final class TwoNamespaces {
    private TwoNamespaces() {}

    static void place(NetNamespace left, String a, String addressA, NetNamespace right, String b, String addressB)
            throws Exception {
        try (RtNetlink nl = RtNetlink.open()) {
            nl.moveToNamespace(a, left);
            nl.moveToNamespace(b, right);
        }
        configure(left, a, addressA);
        configure(right, b, addressB);
    }

    private static void configure(NetNamespace ns, String dev, String address) throws Exception {
        try (RtNetlink nl = ns.call(RtNetlink::open)) {
            nl.addAddress(dev, InetAddress.getByName(address), 24);
            nl.setUp(dev, true);
        }
    }
}
