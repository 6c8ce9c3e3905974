package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code j4l block}: argument errors, and a ramdisk served over NBD until stopped. */
class BlockCommandTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void badArgumentsAreClearErrors() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8), e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(1, Main.run(new String[] {"block", "floppy"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("ramdisk"), err.toString());
        assertEquals(1, Main.run(new String[] {"block", "ramdisk"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("needs --size"), err.toString());
        assertEquals(1, Main.run(new String[] {"block", "ramdisk", "--size", "1G", "--nbd", "udp:9"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unix:PATH or tcp:PORT"), err.toString());
        assertEquals(0, Main.run(new String[] {"block", "--help"}, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: j4l block"));
    }

    @Test
    void servesARamdiskUntilStopped() throws Exception {
        Needs.program("nbdinfo");
        Path socket = mounts.dir("nbd").resolve("sock");
        CountDownLatch stop = new CountDownLatch(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                BlockCommand.serve(new String[] {"ramdisk", "--size", "8M", "--nbd", "unix:" + socket},
                        new PrintStream(out, true, StandardCharsets.UTF_8), stop);
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        long end = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(socket) && System.nanoTime() < end) Thread.sleep(10);
        while (out.size() == 0 && System.nanoTime() < end) Thread.sleep(10);
        String uri = out.toString(StandardCharsets.UTF_8).trim();
        assertEquals("nbd+unix:///ramdisk?socket=" + socket, uri);
        assertEquals(String.valueOf(8 << 20), Command.of("nbdinfo", "--size", uri).run().trim());
        stop.countDown();
        t.join(10_000);
        assertEquals(null, failed.get());
        assertFalse(Files.exists(socket), "the socket is removed when serving stops");
    }
}
