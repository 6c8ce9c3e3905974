package dev.j4l.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.kernel.net.TunDevice;
import dev.j4l.kernel.net.TunOffload;
import dev.j4l.testkit.Needs;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Layer 3: two TUN devices joined by the engine. One has TSO, the other no virtio-net header, so TCP
 * super-packets without an Ethernet header are segmented (and the answers merged) in user space.
 */
class TunEngineTest {
    @Test
    void tcpAcrossTunDevicesWithAndWithoutOffloads() throws Exception {
        Needs.networkNamespaces();
        String tag = "j4lt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        NetNamespace left = NetNamespace.create(tag + "l");
        NetNamespace right = NetNamespace.create(tag + "r");
        try (TunDevice a = TunDevice.builder(tag + "a").mode(TunDevice.Mode.TUN).vnetHeader(true)
                     .offloads(TunOffload.forwarding()).open();
             TunDevice b = TunDevice.builder(tag + "b").mode(TunDevice.Mode.TUN)
                     .offloads(EnumSet.noneOf(TunOffload.class)).open()) {
            Port[] ports = new Port[2];
            try (NetEngine engine = new NetEngine((frame, egress) -> egress.send(ports[1 - frame.port().index()], frame))) {
                ports[0] = engine.attach(a);
                ports[1] = engine.attach(b);
                engine.start();
                TwoNamespaces.place(left, a.name(), "10.85.0.1", right, b.name(), "10.85.0.2");
                byte[] data = new byte[8 << 20];
                new Random(7).nextBytes(data);
                try (ServerSocket server = right.call(() -> new ServerSocket(5400, 1, InetAddress.getByName("10.85.0.2")))) {
                    CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                            return in.readAllBytes();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    left.run(() -> {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("10.85.0.2", 5400), 5000);
                            s.getOutputStream().write(data);
                            s.shutdownOutput();
                            s.getInputStream().read();
                        }
                    });
                    assertTrue(Arrays.equals(data, got.get(60, TimeUnit.SECONDS)), "data changed on the way");
                }
                assertTrue(ports[1].counters().segmented() > 0, "no segmentation: " + ports[1].counters());
                assertEquals(0, engine.handlerErrors());
            }
        } finally {
            left.delete();
            right.delete();
        }
    }
}
