package dev.j4l.net;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.kernel.net.TunDevice;
import dev.j4l.kernel.net.TunOffload;
import dev.j4l.testkit.Needs;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The forwarding path allocates only the {@link Frame} per packet once compiled (a frame lives for its batch, so
 * each packet gets its own, 48 bytes): a worker's bytes allocated per forwarded packet, read from the JVM's
 * per-thread counter over steady-state windows (best of several, since a window can include a one-off such as
 * a deoptimization).
 *
 * <p>Bound: the frame, plus the JDK's downcall stub, which may slice its errno-capture segment (40 bytes) when
 * C2 does not inline the stub (see the kernel's AllocationTest); a worker makes two system calls per packet
 * (read, write).
 */
class EngineAllocationTest {
    @Test
    void forwardingAllocatesOnlyTheFramePerPacket() throws Exception {
        Needs.networkNamespaces();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported(), "no per-thread allocation counter");
        String tag = "j4lt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        NetNamespace left = NetNamespace.create(tag + "l");
        NetNamespace right = NetNamespace.create(tag + "r");
        try (TunDevice a = TunDevice.builder(tag + "a").vnetHeader(true).offloads(TunOffload.forwarding()).open();
             TunDevice b = TunDevice.builder(tag + "b").vnetHeader(true).offloads(TunOffload.forwarding()).open()) {
            Port[] ports = new Port[2];
            try (NetEngine engine = new NetEngine((frame, egress) -> egress.send(ports[1 - frame.port().index()], frame))) {
                ports[0] = engine.attach(a);
                ports[1] = engine.attach(b);
                engine.start();
                TwoNamespaces.place(left, a.name(), "10.86.0.1", right, b.name(), "10.86.0.2");
                long worker = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("j4l-net-" + a.name() + "-q0")).findFirst().orElseThrow()
                        .threadId();
                // The receiver's socket keeps the kernel from answering each datagram with an ICMP error.
                try (DatagramSocket _ = right.call(() -> new DatagramSocket(new InetSocketAddress("10.86.0.2", 9)));
                     DatagramSocket src = left.call(DatagramSocket::new)) {
                    DatagramPacket p = new DatagramPacket(new byte[64], 64, InetAddress.getByName("10.86.0.2"), 9);
                    send(src, p, 100_000); // warm-up: C2 compiles and escape-analyses the worker's loop
                    double best = Double.MAX_VALUE;
                    for (int w = 0; w < 5; w++) {
                        long bytes = mx.getThreadAllocatedBytes(worker);
                        long packets = ports[0].counters().rxPackets();
                        send(src, p, 30_000);
                        Thread.sleep(50);
                        long n = ports[0].counters().rxPackets() - packets;
                        if (n > 0) best = Math.min(best, (double) (mx.getThreadAllocatedBytes(worker) - bytes) / n);
                    }
                    System.out.println("forwarding: " + best + " bytes allocated per packet by the worker");
                    assertTrue(best <= 48 + 2 * 40 + 8, "worker allocates " + best + " bytes per forwarded packet");
                }
            }
        } finally {
            left.delete();
            right.delete();
        }
    }

    private static void send(DatagramSocket s, DatagramPacket p, int n) throws Exception {
        for (int i = 0; i < n; i++) s.send(p);
    }
}
