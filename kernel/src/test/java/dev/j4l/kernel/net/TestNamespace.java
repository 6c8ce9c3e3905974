package dev.j4l.kernel.net;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.j4l.kernel.Capabilities;
import dev.j4l.kernel.KernelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** A throw-away network namespace named {@code j4lt...} with an rtnetlink socket inside; always deleted. */
final class TestNamespace implements AutoCloseable {
    final NetNamespace ns;
    final RtNetlink nl;

    private TestNamespace(NetNamespace ns, RtNetlink nl) {
        this.ns = ns;
        this.nl = nl;
    }

    static TestNamespace create(String tag) throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
        // The kernel's own tests cannot use the test kit (it depends on this module); they ask the same question.
        assumeTrue(Capabilities.has(Capabilities.CAP_SYS_ADMIN) && Capabilities.has(Capabilities.CAP_NET_ADMIN),
                "needs CAP_SYS_ADMIN and CAP_NET_ADMIN for network namespaces");
        String name = "j4lt" + tag + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        NetNamespace ns = NetNamespace.create(name);
        try {
            return new TestNamespace(ns, ns.call(RtNetlink::open));
        } catch (Exception e) {
            ns.delete();
            throw e;
        }
    }

    @Override
    public void close() throws KernelException {
        nl.close();
        ns.delete();
    }
}
