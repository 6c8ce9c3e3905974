package dev.j4l.drivers.netswitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.kernel.net.RtNetlink;
import dev.j4l.kernel.net.TunDevice;
import dev.j4l.testkit.Needs;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Access ports of VLANs 10 and 20 and a trunk whose namespace has a VLAN 10 sub-interface: frames are
 * untagged on access ports, tagged on the trunk, and never cross VLANs.
 */
class VlanTest {
    @Test
    void accessAndTrunkPortsKeepVlansApart() throws Exception {
        Needs.networkNamespaces();
        String p = SwitchTest.prefix();
        List<PortSpec> specs = List.of(new PortSpec(p + "a", 10, false), new PortSpec(p + "b", 10, false),
                new PortSpec(p + "c", 20, false), new PortSpec(p + "t", 0, true));
        List<NetNamespace> spaces = new ArrayList<>();
        List<TunDevice> devices = new ArrayList<>();
        TapSwitch sw = null;
        try (RtNetlink nl = RtNetlink.open()) {
            for (int i = 0; i < specs.size(); i++) {
                String port = specs.get(i).name();
                NetNamespace ns = NetNamespace.create(port);
                spaces.add(ns);
                devices.add(TapSwitch.openTap(port, TapSwitch.Options.DEFAULT));
                nl.moveToNamespace(port, ns);
                try (RtNetlink inside = ns.call(RtNetlink::open)) {
                    inside.setUp(port, true);
                    if (!specs.get(i).trunk()) inside.addAddress(port, InetAddress.getByName("10.91.7." + (i + 1)), 24);
                }
            }
            NetNamespace trunk = spaces.get(3);
            sw = new TapSwitch(specs, devices, 300_000);
            devices.clear();

            SwitchTest.run(spaces.get(0), "ping", "-c", "2", "-i", "0.2", "-W", "2", "10.91.7.2");
            assertNotEquals(0, SwitchTest.exitOf(spaces.get(0), "ping", "-c", "1", "-W", "1", "10.91.7.3"),
                    "VLAN 10 must not reach VLAN 20");
            assertEquals(0, sw.ports().get(2).counters().txPackets(), "nothing from VLAN 10 may leave port c");

            // This kernel may lack 802.1Q devices, so the trunk side is checked with packet sockets: frames of
            // VLAN 10 leave the trunk tagged 10, and a tagged frame entering the trunk reaches VLAN 10 untagged.
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 needed for the packet-socket half");
            Process capture = trunk.command("python3", "-c", CAPTURE, p + "t").redirectErrorStream(true).start();
            Thread.sleep(700);
            SwitchTest.exitOf(spaces.get(0), "ping", "-c", "2", "-i", "0.3", "-W", "1", "10.91.7.99");
            String tag = new String(capture.getInputStream().readAllBytes()).trim();
            capture.waitFor();
            assertEquals("10", tag, "VLAN 10 broadcast on the trunk");

            SwitchTest.run(trunk, "python3", "-c", INJECT, p + "t");
            Thread.sleep(300);
            String neigh = SwitchTest.run(spaces.get(0), "ip", "neigh", "show", "10.91.7.4");
            assertTrue(neigh.contains("02:00:00:00:0a:bc"), "tagged ARP from the trunk reaches VLAN 10: " + neigh);
            String other = SwitchTest.run(spaces.get(2), "ip", "neigh", "show", "10.91.7.4");
            assertTrue(other.isBlank(), "and not VLAN 20: " + other);
        } finally {
            if (sw != null) sw.close();
            for (TunDevice d : devices) d.close();
            for (NetNamespace ns : spaces) ns.delete();
        }
    }

    /**
     * Prints the VLAN id of the first ARP request for 10.91.7.99 seen on the interface (the kernel may have
     * moved the tag from the frame into the packet auxdata).
     */
    private static final String CAPTURE = """
            import socket, struct, sys
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
            s.bind((sys.argv[1], 0))
            s.setsockopt(263, 8, 1)  # SOL_PACKET, PACKET_AUXDATA
            s.settimeout(5)
            while True:
                data, anc, flags, addr = s.recvmsg(65535, 1024)
                vid, at = None, 12
                for level, kind, d in anc:
                    if level == 263 and kind == 8:
                        status, _, _, _, _, tci, _ = struct.unpack("IIIHHHH", d[:20])
                        if status & 0x10:
                            vid = tci & 0xfff
                if data[12:14] == b"\\x81\\x00":
                    vid, at = int.from_bytes(data[14:16], "big") & 0xfff, 16
                if data[at:at + 2] == b"\\x08\\x06" and data[at + 26:at + 30] == bytes([10, 91, 7, 99]):
                    print(vid); sys.exit(0)
            """;

    /** Sends a VLAN 10 tagged ARP request "who has 10.91.7.1, tell 10.91.7.4" out of the interface. */
    private static final String INJECT = """
            import socket, sys
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((sys.argv[1], 0))
            src = bytes.fromhex("020000000abc")
            arp = bytes.fromhex("0001080006040001") + src + bytes([10, 91, 7, 4]) + bytes(6) + bytes([10, 91, 7, 1])
            s.send(b"\\xff" * 6 + src + b"\\x81\\x00" + (10).to_bytes(2, "big") + b"\\x08\\x06" + arp)
            """;
}
