package dev.j4l.drivers.logdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.chardev.CuseDevice;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.testkit.NeedsKernel;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LogDevice} as a real {@code /dev/NAME} through CUSE, used with the shell's own tools. Needs the cuse
 * module, so it runs in the kernel test VM tier ({@code ./j4l test --vm LogDeviceTest}); elsewhere it is
 * skipped.
 */
@NeedsKernel(modules = {"cuse"}, paths = {"/dev/cuse"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogDeviceTest {
    private static final String NAME = "j4llog" + ProcessHandle.current().pid();

    @Test
    void echoCatDdTwoOpenersAndTheNodeGoesAway() throws Exception {
        LogDevice log = new LogDevice(64 * 1024);
        Path node;
        try (CuseDevice dev = CuseDevice.create(NAME, log)) {
            node = dev.path();
            assertEquals(Path.of("/dev", NAME), node);
            assertEquals("", sh("test -c " + node + " && echo -n"), "a character device node");

            assertEquals("", sh("echo hello > " + node));
            // A reader at the end of the log waits, like cat on /dev/kmsg: head stops after the bytes it wants.
            assertEquals("hello\n", sh("head -c 6 " + node));
            // dd reads 2 bytes at a time: the open file keeps its position across reads.
            assertEquals("hello\n", sh("dd if=" + node + " bs=2 count=3 status=none"));
            assertEquals("", sh("printf 'world\\n' | dd of=" + node + " bs=3 status=none"));
            assertEquals("hello\nworld\n", sh("head -c 12 " + node));

            // Two openers, each with its own position.
            try (InputStream a = new FileInputStream(node.toFile()); InputStream b = new FileInputStream(node.toFile())) {
                assertEquals(2, log.openFiles());
                assertEquals("hel", read(a, 3));
                assertEquals("hello\n", read(b, 6));
                assertEquals("lo\nworld\n", read(a, 100));
                sh("echo more > " + node);
                assertEquals("world\nmore\n", read(b, 100));
                assertEquals("more\n", read(a, 100));
            }
            // close(2) waits for RELEASE, so both are released by now.
            assertEquals(0, log.openFiles());

            assertThrows(ErrnoException.class, () -> CuseDevice.create(NAME, new LogDevice(16)), "the name is taken");
            assertTrue(dev.isServing());
        }
        assertFalse(Files.exists(node), "the node is removed on close");
        assertFalse(Files.exists(Path.of("/sys/class/cuse", NAME)));
    }

    @Test
    void manyReadersFollowTheLogAndPollForIt() throws Exception {
        LogDevice log = new LogDevice(4096);
        try (CuseDevice dev = CuseDevice.create(NAME, log)) {
            Path node = dev.path();
            sh("echo old > " + node);
            // Three followers that have read what there is and wait for more, and one select(2) at the end.
            List<Process> readers = new ArrayList<>();
            for (int i = 0; i < 3; i++) readers.add(start("head -c 15 " + node));
            Process select = start("perl -e 'open(my $f, \"<\", shift) or die; sysread($f, my $b, 4); "
                    + "my $r = \"\"; vec($r, fileno($f), 1) = 1; print scalar(select($r, undef, undef, 20));' " + node);
            Thread.sleep(1000);
            for (Process p : readers) assertTrue(p.isAlive(), "a follower waits at the end of the log");
            assertTrue(select.isAlive(), "select waits at the end of the log");
            sh("echo new line > " + node + "; echo x > " + node);
            for (Process p : readers) assertEquals("old\nnew line\nx\n", finish(p));
            assertEquals("1", finish(select));
            // Non-blocking at the end: EAGAIN.
            String dd = shStatus("dd if=" + node + " iflag=nonblock bs=64 skip=0 count=2 status=none > /dev/null");
            assertTrue(dd.contains("Resource temporarily unavailable"), dd);
        }
    }

    private static Process start(String script) throws IOException {
        return new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
    }

    private static String finish(Process p) throws Exception {
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "woken by the write");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Runs {@code script}, which must fail; returns its output. */
    private static String shStatus(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(p.exitValue() != 0, () -> script + " should fail: " + out);
        return out;
    }

    private static String read(InputStream in, int max) throws IOException {
        byte[] b = new byte[max];
        int n = in.read(b);
        return n < 0 ? "" : new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** Runs {@code script} with sh; returns its output, failing on a non-zero exit. */
    private static String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + script);
        }
        assertEquals(0, p.exitValue(), () -> script + ": " + out);
        return out;
    }
}
