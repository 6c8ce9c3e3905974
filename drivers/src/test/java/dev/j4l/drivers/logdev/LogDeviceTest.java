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
            assertEquals("hello\n", sh("cat " + node));
            // dd reads 2 bytes at a time: the open file keeps its position across reads.
            assertEquals("hello\n", sh("dd if=" + node + " bs=2 status=none"));
            assertEquals("", sh("printf 'world\\n' | dd of=" + node + " bs=3 status=none"));
            assertEquals("hello\nworld\n", sh("cat " + node));

            // Two openers, each with its own position.
            try (InputStream a = new FileInputStream(node.toFile()); InputStream b = new FileInputStream(node.toFile())) {
                assertEquals(2, log.openFiles());
                assertEquals("hel", read(a, 3));
                assertEquals("hello\n", read(b, 6));
                assertEquals("lo\nworld\n", read(a, 100));
                assertEquals(-1, a.read(), "end of the log");
                sh("echo more > " + node);
                assertEquals("world\nmore\n", read(b, 100));
            }
            // close(2) waits for RELEASE, so both are released by now.
            assertEquals(0, log.openFiles());

            assertThrows(ErrnoException.class, () -> CuseDevice.create(NAME, new LogDevice(16)), "the name is taken");
            assertTrue(dev.isServing());
        }
        assertFalse(Files.exists(node), "the node is removed on close");
        assertFalse(Files.exists(Path.of("/sys/class/cuse", NAME)));
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
