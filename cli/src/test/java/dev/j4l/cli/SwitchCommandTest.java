package dev.j4l.cli;

import static dev.j4l.cli.J4lRun.j4l;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.kernel.net.RtNetlink;
import dev.j4l.testkit.Needs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code j4l switch}: argument errors, and a real run that creates its ports and removes them on stop. */
class SwitchCommandTest {
    @Test
    void badArgumentsAreClearErrors() {
        j4l("switch", "j4ltonly").assertStatusAndError(1, "need at least two PORTs");
        j4l("switch", "--demo", "3", "tap0").assertStatusAndError(1, "--demo takes no PORT");
        j4l("switch", "a@x", "b").assertStatusAndError(1, "a@x");
        j4l("switch", "--queues", "many", "a", "b").assertStatusAndError(2, "'many' is not an int (try j4l switch --help)");
        j4l("switch", "--help").assertPrinted("usage: j4l switch");
    }

    @Test
    void runsUntilStoppedAndRemovesItsDevices() throws Exception {
        Needs.networkNamespaces();
        String p = "j4lt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        NetNamespace ns = NetNamespace.create(p);
        try (RtNetlink nl = ns.call(RtNetlink::open)) {
            CountDownLatch stop = new CountDownLatch(1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread t = ns.startThread("switch-command", () -> {
                try {
                    SwitchCommand sw = new SwitchCommand();
                    new CommandLine(sw).parseArgs(p + "a", p + "b@7", "--stats", "1");
                    sw.serve(new PrintStream(out, true, StandardCharsets.UTF_8), stop);
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((nl.link(p + "b").isEmpty() || !out.toString(StandardCharsets.UTF_8).contains("rx pkts"))
                    && System.nanoTime() < deadline && t.isAlive()) {
                Thread.sleep(50);
            }
            assertTrue(nl.link(p + "a").orElseThrow().up(), "port a created and up: " + out + failed.get());
            assertTrue(nl.link(p + "b").orElseThrow().up());
            String shown = out.toString(StandardCharsets.UTF_8);
            assertTrue(shown.contains(p + "b@7") && shown.contains("learned MACs"), shown);
            stop.countDown();
            t.join(10_000);
            assertEquals(null, failed.get());
            assertTrue(nl.link(p + "a").isEmpty() && nl.link(p + "b").isEmpty(), "devices removed on stop");
        } finally {
            ns.delete();
        }
    }
}
