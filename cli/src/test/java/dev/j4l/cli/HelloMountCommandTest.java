package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code j4l mount hello}: the first example driver, served by the CLI until unmounted. */
class HelloMountCommandTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void servesHelloUntilUnmounted() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        CompletableFuture<Integer> served = CompletableFuture.supplyAsync(
                () -> run(out, err, "mount", "hello", "--no-io-uring", mnt.toString()));
        for (int i = 0; i < 300 && !MountTable.isMountPoint(mnt) && !served.isDone(); i++) Thread.sleep(50);
        assertEquals("fuse.hello", MountTable.at(mnt.toString()).orElseThrow(() -> new AssertionError(
                "not mounted: " + err.toString(StandardCharsets.UTF_8))).fsType());
        assertEquals("Hello, world!\n", Command.run("cat", mnt.resolve("hello").toString()));
        Command.run("umount", mnt.toString());
        assertEquals(0, served.get(20, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
        assertFalse(MountTable.isMountPoint(mnt));
    }

    @Test
    void listedFirstAndExplainsItsArguments() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "mount", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.indexOf("  hello ") >= 0 && help.indexOf("  hello ") < help.indexOf("  memfs "), help);
        assertEquals(0, run(out, err, "mount", "hello", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: j4l mount hello [-dfhqvV]"), out.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream out2 = new ByteArrayOutputStream(), err2 = new ByteArrayOutputStream();
        assertEquals(2, run(out2, err2, "mount", "hello"));
        assertTrue(err2.toString(StandardCharsets.UTF_8).contains("MOUNTPOINT"), err2.toString(StandardCharsets.UTF_8));
    }
}
