package dev.j4l.drivers.netswitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.kernel.net.RtNetlink;
import dev.j4l.kernel.net.TunOffload;
import dev.j4l.testkit.Needs;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documentation example of {@link TapSwitch}: it runs as a test. */
class SwitchExample {
    @Test
    void switchesBetweenTwoTapsInANamespace() throws Exception {
        Needs.networkNamespaces();
        String p = SwitchTest.prefix();
        NetNamespace host = NetNamespace.create(p + "h");
        NetNamespace peer = NetNamespace.create(p + "p");
        try {
            host.run(() -> {
                // @start region=switch
                List<PortSpec> ports = List.of(PortSpec.parse(p + "a"), PortSpec.parse(p + "b"));
                try (TapSwitch sw = TapSwitch.open(ports, TapSwitch.Options.DEFAULT);
                     RtNetlink netlink = RtNetlink.open()) {
                    // Port b goes to another namespace; the switch keeps serving it there.
                    netlink.moveToNamespace(p + "b", peer);
                    netlink.addAddress(p + "a", InetAddress.getByName("10.89.0.1"), 24);
                    System.out.println(sw.report());
                    // @end
                    try (RtNetlink inside = peer.call(RtNetlink::open)) {
                        inside.addAddress(p + "b", InetAddress.getByName("10.89.0.2"), 24);
                        inside.setUp(p + "b", true);
                    }
                    assertEquals(0, SwitchTest.exitOf(host, "ping", "-c", "2", "-i", "0.2", "-W", "2", "10.89.0.2"));
                    assertTrue(sw.devices().getFirst().offloads().contains(TunOffload.TSO4));
                    assertTrue(sw.report().contains(p + "a"));
                }
                try (RtNetlink netlink = RtNetlink.open()) {
                    assertTrue(netlink.link(p + "a").isEmpty(), "created devices are removed on close");
                }
            });
        } finally {
            host.delete();
            peer.delete();
        }
    }
}
