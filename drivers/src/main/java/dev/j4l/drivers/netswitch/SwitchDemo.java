package dev.j4l.drivers.netswitch;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.kernel.net.RtNetlink;
import dev.j4l.kernel.net.TunDevice;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code j4l switch --demo N}: N network namespaces, each holding one switch port (a TAP device moved into
 * it) addressed {@code 10.99.0.i/24}, all switched by one {@link TapSwitch}. {@link #close} removes
 * everything.
 */
public final class SwitchDemo implements AutoCloseable {
    private final List<NetNamespace> namespaces = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private TapSwitch sw;

    private SwitchDemo() {}

    /**
     * Builds the demo. Namespaces are {@code PREFIX1..PREFIXn}, ports {@code PREFIXp1..}; addresses are
     * {@code SUBNET.i/24} (e.g. subnet {@code 10.99.0}).
     */
    public static SwitchDemo start(int n, String prefix, String subnet, TapSwitch.Options options) throws Exception {
        return start(java.util.Collections.nCopies(n, options), prefix, subnet);
    }

    /** As {@link #start(int, String, String, TapSwitch.Options)} with options per port. */
    public static SwitchDemo start(List<TapSwitch.Options> perPort, String prefix, String subnet) throws Exception {
        int n = perPort.size();
        if (n < 2 || n > 200) throw new IllegalArgumentException("demo needs 2..200 ports, got " + n);
        if ((prefix + "p" + n).length() > TunDevice.MAX_NAME) {
            throw new IllegalArgumentException("prefix '" + prefix + "' too long for interface names");
        }
        SwitchDemo d = new SwitchDemo();
        List<TunDevice> devices = new ArrayList<>();
        List<PortSpec> specs = new ArrayList<>();
        try (RtNetlink nl = RtNetlink.open()) {
            for (int i = 1; i <= n; i++) {
                NetNamespace ns = NetNamespace.create(prefix + i);
                d.namespaces.add(ns);
                String port = prefix + "p" + i;
                TunDevice tap = TapSwitch.openTap(port, perPort.get(i - 1));
                devices.add(tap);
                specs.add(new PortSpec(port, 0, false));
                nl.moveToNamespace(port, ns);
                String addr = subnet + "." + i;
                try (RtNetlink inside = ns.call(RtNetlink::open)) {
                    inside.setUp("lo", true);
                    inside.addAddress(port, InetAddress.getByName(addr), 24);
                    inside.setUp(port, true);
                }
                d.addresses.add(addr);
            }
            d.sw = new TapSwitch(specs, devices, perPort.getFirst().agingMillis());
            return d;
        } catch (Exception | Error e) {
            for (TunDevice t : devices) t.close();
            d.deleteNamespaces();
            throw e;
        }
    }

    public TapSwitch switchboard() {
        return sw;
    }

    public List<NetNamespace> namespaces() {
        return namespaces;
    }

    /** The address of port {@code i} (0-based), e.g. {@code 10.99.0.1}. */
    public String address(int i) {
        return addresses.get(i);
    }

    @Override
    public void close() throws KernelException {
        if (sw != null) sw.close();
        deleteNamespaces();
    }

    private void deleteNamespaces() throws KernelException {
        KernelException first = null;
        for (NetNamespace ns : namespaces) {
            try {
                ns.delete();
            } catch (KernelException e) {
                if (first == null) first = e;
            }
        }
        namespaces.clear();
        if (first != null) throw first;
    }
}
