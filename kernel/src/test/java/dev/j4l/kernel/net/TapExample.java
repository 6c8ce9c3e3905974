package dev.j4l.kernel.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The documentation example of {@link TunDevice} and {@link RtNetlink}: it runs as a test. */
class TapExample {
    @Test
    void createsATapDeviceAndBringsItUp() throws Exception {
        try (TestNamespace t = TestNamespace.create("ex")) {
            t.ns.run(() -> {
                // @start region=tap
                try (TunDevice tap = TunDevice.builder("j4ltap%d")
                             .mode(TunDevice.Mode.TAP)
                             .vnetHeader(true)
                             .offloads(TunOffload.forwarding()) // CSUM, TSO4/6, USO4/6 where the kernel has them
                             .open();
                     RtNetlink netlink = RtNetlink.open()) {
                    netlink.setMtu(tap.name(), 9000);
                    netlink.addAddress(tap.name(), InetAddress.getByName("10.98.0.1"), 24);
                    netlink.setUp(tap.name(), true);
                    LinkInfo link = netlink.link(tap.name()).orElseThrow();
                    // @end
                    assertEquals("j4ltap0", tap.name());
                    assertTrue(link.up());
                    assertEquals(9000, link.mtu());
                    assertEquals("tun", link.kind());
                    assertTrue(tap.offloads().contains(TunOffload.TSO4), tap.toString());
                }
            });
        }
    }
}
