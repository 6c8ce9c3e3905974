package dev.j4l.kernel.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RtNetlinkTest {
    @Test
    void vethLifecycleMtuMacAddressesAndRoutes() throws Exception {
        try (TestNamespace t = TestNamespace.create("nl")) {
            RtNetlink nl = t.nl;
            nl.createVeth("j4ltva", "j4ltvb");
            LinkInfo a = nl.link("j4ltva").orElseThrow();
            assertEquals("veth", a.kind());
            assertFalse(a.up());
            assertEquals(a.index(), nl.linkIndex("j4ltva"));
            nl.setMtu("j4ltva", 4000);
            nl.setMac("j4ltva", "02:00:00:aa:bb:cc");
            nl.setUp("j4ltva", true);
            nl.setUp("j4ltvb", true);
            a = nl.link("j4ltva").orElseThrow();
            assertEquals(4000, a.mtu());
            assertEquals("02:00:00:aa:bb:cc", a.mac());
            assertTrue(a.up());
            nl.addAddress("j4ltva", InetAddress.getByName("10.96.0.1"), 24);
            nl.addAddress("j4ltva", InetAddress.getByName("fd00:96::1"), 64);
            nl.addRoute(InetAddress.getByName("10.95.0.0"), 16, InetAddress.getByName("10.96.0.2"), "j4ltva");
            String routes = run(t, "ip", "route", "show");
            assertTrue(routes.contains("10.95.0.0/16 via 10.96.0.2 dev j4ltva"), routes);
            String addrs = run(t, "ip", "addr", "show", "dev", "j4ltva");
            assertTrue(addrs.contains("10.96.0.1/24") && addrs.contains("fd00:96::1/64"), addrs);
            nl.deleteRoute(InetAddress.getByName("10.95.0.0"), 16, InetAddress.getByName("10.96.0.2"), "j4ltva");
            nl.deleteAddress("j4ltva", InetAddress.getByName("10.96.0.1"), 24);
            assertFalse(run(t, "ip", "route", "show").contains("10.95.0.0"));
            assertFalse(run(t, "ip", "addr", "show", "dev", "j4ltva").contains("10.96.0.1"));

            nl.createBridge("j4ltbr");
            nl.setMaster("j4ltvb", "j4ltbr");
            assertEquals(nl.linkIndex("j4ltbr"), nl.link("j4ltvb").orElseThrow().master());
            List<String> names = new ArrayList<>();
            for (LinkInfo l : nl.links()) names.add(l.name());
            assertTrue(names.containsAll(List.of("lo", "j4ltva", "j4ltvb", "j4ltbr")), names.toString());

            nl.deleteLink("j4ltva");
            assertTrue(nl.link("j4ltvb").isEmpty(), "deleting one veth end removes the peer");
            nl.deleteLink("j4ltbr");
        }
    }

    @Test
    void kernelRefusalsCarryTheExtendedAckMessage() throws Exception {
        try (TestNamespace t = TestNamespace.create("err")) {
            RtNetlink nl = t.nl;
            nl.createVeth("j4ltea", "j4lteb");
            NetlinkException mtu = assertThrows(NetlinkException.class, () -> nl.setMtu("j4ltea", 70000));
            assertEquals(Errno.EINVAL, mtu.errno());
            assertFalse(mtu.extAck().isEmpty(), "kernel sent no ext-ack: " + mtu.getMessage());
            assertTrue(mtu.getMessage().contains("mtu 70000 on j4ltea") && mtu.getMessage().contains(mtu.extAck()),
                    mtu.getMessage());

            nl.addAddress("j4ltea", InetAddress.getByName("10.94.0.1"), 24);
            NetlinkException dup = assertThrows(NetlinkException.class,
                    () -> nl.addAddress("j4ltea", InetAddress.getByName("10.94.0.1"), 24));
            assertEquals(Errno.EEXIST, dup.errno());
            assertTrue(dup.getMessage().contains("RTM_NEWADDR 10.94.0.1/24 on j4ltea"), dup.getMessage());

            NetlinkException exists = assertThrows(NetlinkException.class, () -> nl.createVeth("j4ltea", "j4ltec"));
            assertEquals(Errno.EEXIST, exists.errno());

            NetlinkException missing = assertThrows(NetlinkException.class, () -> nl.setUp("j4ltnone", true));
            assertEquals(Errno.ENODEV, missing.errno());
            assertTrue(missing.getMessage().contains("j4ltnone"), missing.getMessage());
            nl.deleteLink("j4ltea");
        }
    }

    @Test
    void subscribersSeeLinksAndAddressesComeAndGo() throws Exception {
        try (TestNamespace t = TestNamespace.create("ev");
             RtNetlink events = t.ns.call(() -> RtNetlink.subscribe(RtNetlink.GROUP_LINK | RtNetlink.GROUP_IPV4_ADDRESS))) {
            t.nl.createVeth("j4ltxa", "j4ltxb");
            t.nl.addAddress("j4ltxa", InetAddress.getByName("10.93.0.1"), 24);
            t.nl.deleteLink("j4ltxa");
            boolean sawNew = false, sawDel = false, sawAddr = false;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!(sawNew && sawDel && sawAddr) && System.nanoTime() < deadline) {
                Optional<NetlinkEvent> e = events.nextEvent(Duration.ofMillis(500));
                if (e.isEmpty()) continue;
                switch (e.get()) {
                    case NetlinkEvent.Link l when l.link().name().equals("j4ltxa") -> {
                        if (l.added()) sawNew = true; else sawDel = true;
                    }
                    case NetlinkEvent.Address ad when ad.added()
                            && ad.address().equals(InetAddress.getByName("10.93.0.1")) && ad.prefixLength() == 24 ->
                            sawAddr = true;
                    default -> { }
                }
            }
            assertTrue(sawNew, "no RTM_NEWLINK for j4ltxa");
            assertTrue(sawAddr, "no RTM_NEWADDR for 10.93.0.1/24");
            assertTrue(sawDel, "no RTM_DELLINK for j4ltxa");
        }
    }

    @Test
    void movesALinkIntoAnotherNamespace() throws Exception {
        try (TestNamespace a = TestNamespace.create("mva"); TestNamespace b = TestNamespace.create("mvb")) {
            a.nl.createVeth("j4ltma", "j4ltmb");
            a.nl.moveToNamespace("j4ltmb", b.ns);
            assertTrue(a.nl.link("j4ltmb").isEmpty());
            assertTrue(b.nl.link("j4ltmb").isPresent());
            a.nl.addAddress("j4ltma", InetAddress.getByName("10.92.0.1"), 24);
            b.nl.addAddress("j4ltmb", InetAddress.getByName("10.92.0.2"), 24);
            a.nl.setUp("j4ltma", true);
            b.nl.setUp("j4ltmb", true);
            Process p = a.ns.command("ping", "-c", "1", "-W", "2", "10.92.0.2").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
        }
    }

    private static String run(TestNamespace t, String... cmd) throws Exception {
        Process p = t.ns.command(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
