package dev.j4l.kernel.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TunDeviceTest {
    @Test
    void probesOffloadsTheKernelAccepts() throws Exception {
        try (TestNamespace t = TestNamespace.create("probe")) {
            Set<TunOffload> got = t.ns.call(() -> TunDevice.probeOffloads("j4ltprobe"));
            // CSUM and TSO are in every kernel with IFF_VNET_HDR; the rest is probed, not assumed.
            assertTrue(got.containsAll(EnumSet.of(TunOffload.CSUM, TunOffload.TSO4, TunOffload.TSO6)), got.toString());
            int features = t.ns.call(TunDevice::features);
            assertTrue((features & TunDevice.IFF_VNET_HDR) != 0, Integer.toHexString(features));
            assertTrue((features & TunDevice.IFF_MULTI_QUEUE) != 0, Integer.toHexString(features));
            assertTrue(t.nl.link("j4ltprobe").isEmpty(), "probe device left behind");
        }
    }

    @Test
    void multiQueueTapWithVnetHeaderCarriesPackets() throws Exception {
        try (TestNamespace t = TestNamespace.create("mq")) {
            t.ns.run(() -> {
                try (TunDevice tap = TunDevice.builder("j4ltmq").queues(2).vnetHeader(true).vnetHeaderSize(12)
                        .offloads(EnumSet.of(TunOffload.CSUM)).open()) {
                    assertEquals(2, tap.queues().size());
                    assertEquals(12, tap.vnetHeaderSize());
                    assertEquals(EnumSet.of(TunOffload.CSUM), tap.offloads());
                    t.nl.addAddress("j4ltmq", InetAddress.getByName("10.97.0.1"), 24);
                    t.nl.setUp("j4ltmq", true);
                    // A ping to an unknown neighbour makes the kernel send an ARP request out of the TAP.
                    Process p = new ProcessBuilder("ping", "-c", "1", "-W", "1", "10.97.0.2")
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    NativeBuffer buf = NativeBuffer.allocate(2048);
                    boolean arp = false;
                    int n = -1;
                    long deadline = System.nanoTime() + 3_000_000_000L;
                    // IPv6 router solicitations may come first; look for the ARP request.
                    while (!arp && System.nanoTime() < deadline) {
                        for (TunQueue q : tap.queues()) {
                            if (q.awaitReadable(50) && (n = q.read(buf, 0, 2048)) > 0) {
                                // Ethernet type at 12 (vnet header) + 12 (MACs), big-endian 0x0806
                                arp |= n >= 12 + 42 && buf.getShort(24) == (short) 0x0608;
                                if (arp) break;
                            }
                        }
                    }
                    p.waitFor();
                    assertTrue(arp, "expected an ARP request out of the TAP");
                    assertEquals(-1, buf.getInt(12));
                }
            });
            assertTrue(t.nl.link("j4ltmq").isEmpty(), "non-persistent device must vanish with its queues");
        }
    }

    @Test
    void persistentDeviceCanBeAttachedAgainAndRemoved() throws Exception {
        try (TestNamespace t = TestNamespace.create("pers")) {
            t.ns.run(() -> {
                try (TunDevice d = TunDevice.builder("j4ltpers").persistent(true).owner(0).group(0).open()) {
                    assertTrue(d.persistent());
                }
                assertTrue(t.nl.link("j4ltpers").isPresent(), "persistent device gone after close");
                try (TunDevice again = TunDevice.builder("j4ltpers").vnetHeader(true).open()) {
                    assertTrue(again.persistent());
                    KernelException busy = assertThrows(KernelException.class,
                            () -> TunDevice.builder("j4ltpers").open());
                    assertEquals(Errno.EBUSY, busy.errno());
                    KernelException tun = assertThrows(KernelException.class,
                            () -> TunDevice.builder("j4ltpers").mode(TunDevice.Mode.TUN).open());
                    assertTrue(tun.getMessage().contains("j4ltpers"), tun.getMessage());
                    again.setPersistent(false);
                }
                assertFalse(t.nl.link("j4ltpers").isPresent(), "device kept after persist was cleared");
            });
        }
    }

    @Test
    void badNamesAreRefusedWithTheName() {
        KernelException e = assertThrows(KernelException.class,
                () -> TunDevice.builder("a-name-far-too-long").open());
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("a-name-far-too-long"), e.getMessage());
    }
}
