package dev.j4l.kernel.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NetNamespaceTest {
    @Test
    void createEnterRunAndDelete() throws Exception {
        String name;
        try (TestNamespace t = TestNamespace.create("ns")) {
            name = t.ns.name();
            assertTrue(NetNamespace.list().contains(name));
            // Inside, only loopback exists; outside there is more.
            assertEquals(1, t.nl.links().size(), t.nl.links().toString());
            String inode = t.ns.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
            String mine = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
            assertNotEquals(mine, inode);
            Process p = t.ns.command("ip", "-o", "link").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor());
            assertEquals(1, out.lines().count(), out);
            KernelException dup = assertThrows(KernelException.class, () -> NetNamespace.create(name));
            assertEquals(Errno.EEXIST, dup.errno());
            // The namespace is visible to iproute2 too.
            Process ip = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            assertTrue(new String(ip.getInputStream().readAllBytes()).contains(name));
            ip.waitFor();
        }
        assertFalse(NetNamespace.list().contains(name));
        assertFalse(Files.exists(NetNamespace.RUN_NETNS.resolve(name)));
    }

    @Test
    void exceptionsFromTheTaskReachTheCaller() throws Exception {
        try (TestNamespace t = TestNamespace.create("ex")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.ns.call(() -> {
                throw new IllegalStateException("boom");
            }));
            assertEquals("boom", e.getMessage());
        }
    }
}
