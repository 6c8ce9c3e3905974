package dev.j4l.examples.pingd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.kernel.net.RtNetlink;
import dev.j4l.kernel.net.TunDevice;
import dev.j4l.net.NetEngine;
import dev.j4l.testkit.Needs;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The ping responder behind a real TUN device in a namespace of its own, pinged by iputils' ping. */
public class PingResponderTest {
    /** Moves {@code device} into {@code ns}, addresses it {@code 10.91.0.1/24} and brings it up. */
    public static void place(String device, NetNamespace ns) throws Exception {
        try (RtNetlink nl = RtNetlink.open()) {
            nl.moveToNamespace(device, ns);
        }
        try (RtNetlink nl = ns.call(RtNetlink::open)) {
            nl.addAddress(device, InetAddress.getByName("10.91.0.1"), 24);
            nl.setUp(device, true);
        }
    }

    public static String ping(NetNamespace ns, String address) throws Exception {
        Process p = ns.command("ping", "-c", "3", "-i", "0.2", "-W", "2", address).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void everyAddressBehindTheDeviceAnswersPing() throws Exception {
        Needs.networkNamespaces();
        String tag = "j4lx" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        NetNamespace ns = NetNamespace.create(tag);
        try (TunDevice tun = TunDevice.builder(tag + "t").mode(TunDevice.Mode.TUN).open();
             NetEngine engine = PingResponder.serve(tun)) {
            place(tun.name(), ns);
            String out = ping(ns, "10.91.0.77");
            assertTrue(out.contains("3 received"), out);
            assertTrue(out.contains("from 10.91.0.77"), out);
            assertTrue(engine.ports().getFirst().counters().txPackets() >= 3, engine.ports().getFirst().counters().toString());
        } finally {
            ns.delete();
        }
    }
}
