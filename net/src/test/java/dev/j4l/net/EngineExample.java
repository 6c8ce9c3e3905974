package dev.j4l.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.kernel.net.TunDevice;
import dev.j4l.kernel.net.TunOffload;
import dev.j4l.testkit.Needs;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The documentation example of {@link NetEngine}: a "patch cable" driver between two TAP devices. */
class EngineExample {
    @Test
    void patchCableBetweenTwoNamespaces() throws Exception {
        Needs.networkNamespaces();
        String tag = "j4lt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        NetNamespace left = NetNamespace.create(tag + "l");
        NetNamespace right = NetNamespace.create(tag + "r");
        try {
            // @start region=engine
            try (TunDevice a = TunDevice.builder(tag + "a").vnetHeader(true).offloads(TunOffload.forwarding()).open();
                 TunDevice b = TunDevice.builder(tag + "b").vnetHeader(true).offloads(TunOffload.forwarding()).open()) {
                Port[] ports = new Port[2];
                // The driver: every frame from one port goes out of the other, super-packets included.
                FrameHandler cable = (frame, egress) -> egress.send(ports[1 - frame.port().index()], frame);
                try (NetEngine engine = new NetEngine(cable)) {
                    ports[0] = engine.attach(a);
                    ports[1] = engine.attach(b);
                    engine.start();
                    // @end
                    TwoNamespaces.place(left, a.name(), "10.90.0.1", right, b.name(), "10.90.0.2");
                    Process ping = left.command("ping", "-c", "3", "-i", "0.2", "-W", "2", "10.90.0.2")
                            .redirectErrorStream(true).start();
                    String out = new String(ping.getInputStream().readAllBytes());
                    assertEquals(0, ping.waitFor(), out);
                    assertTrue(ports[0].counters().txPackets() >= 3, ports[0].counters().toString());
                    assertTrue(ports[1].counters().rxPackets() >= 3, ports[1].counters().toString());
                }
            }
        } finally {
            left.delete();
            right.delete();
        }
    }
}
