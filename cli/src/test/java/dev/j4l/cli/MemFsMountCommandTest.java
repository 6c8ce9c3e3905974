package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code j4l mount memfs} as users run it: a separate JVM in the foreground, stopped with Ctrl-C, or killed
 * with SIGKILL (which leaves a dead mount that the next mount cleans up), plus its argument errors.
 */
class MemFsMountCommandTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts("j4l-cli-memfs-");

    private Path base;
    private Path mnt;
    private Process daemon;

    @BeforeEach
    void setUp() throws IOException {
        Needs.fuse();
        base = mounts.dir("work");
        mnt = mounts.dir("mnt");
    }

    @AfterEach
    void stopDaemon() throws Exception {
        // Before the extension unmounts: a daemon still serving would answer for a mount being taken away.
        if (daemon != null) daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private boolean mounted() throws IOException {
        return MountTable.at(mnt.toString()).map(m -> m.fsType().equals("fuse.memfs")).orElse(false);
    }

    /** {@code j4l mount memfs DIR --size 64M} in a child JVM, from this build's modules. */
    private Process startDaemon() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = System.getProperty("jdk.module.path");
        Assumptions.assumeTrue(modulePath != null && !modulePath.isEmpty(), "tests run on the module path");
        // env restores SIGINT's default action: a test run started in the background (nohup, `&` in a script)
        // passes SIGINT on ignored, and a JVM that starts with it ignored never sees Ctrl-C.
        Process p = new ProcessBuilder(List.of("env", "--default-signal=INT", java, "--enable-native-access=dev.j4l.kernel",
                "--illegal-native-access=deny", "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism", "--module-path", modulePath, "-m", "dev.j4l.cli/dev.j4l.cli.Main",
                "mount", "memfs", mnt.toString(), "--size", "64M"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("daemon.log").toFile()))
                .start();
        // Ready once it says so (a stale mount of a killed daemon may still be listed until it is replaced).
        for (int i = 0; i < 300 && !log().contains("memfs mounted at"); i++) {
            if (!p.isAlive()) throw new AssertionError("daemon exited " + p.exitValue() + ": " + log());
            Thread.sleep(50);
        }
        assertTrue(log().contains("memfs mounted at") && mounted(), "not mounted after 15 s: " + log());
        return p;
    }

    private String log() throws IOException {
        Path l = base.resolve("daemon.log");
        return Files.exists(l) ? Files.readString(l) : "";
    }

    /** The errno name stat(2) gets on the mountpoint, via Python (Java maps ENOTCONN to a generic exception). */
    private String statErrno() throws Exception {
        return Command.of("/usr/bin/python3", "-c", """
                import os, sys, errno
                try:
                    os.stat(sys.argv[1] + '/x'); print('OK')
                except OSError as e:
                    print(errno.errorcode[e.errno])
                """, mnt.toString()).timeout(Duration.ofSeconds(10)).run().strip();
    }

    @Test
    void servesUntilCtrlCThenUnmounts() throws Exception {
        daemon = startDaemon();
        Files.writeString(mnt.resolve("x"), "data");
        assertEquals(List.of("x"), Files.list(mnt).map(p -> p.getFileName().toString()).toList());
        Command.run("kill", "-INT", Long.toString(daemon.pid()));
        assertTrue(daemon.waitFor(20, TimeUnit.SECONDS), "still running after Ctrl-C: " + log());
        assertFalse(mounted(), "still mounted after Ctrl-C");
        assertEquals(0, Files.list(mnt).count(), "the mountpoint shows its own (empty) directory again");
    }

    @Test
    void killedDaemonLeavesEnotconnAndTheNextMountCleansUp() throws Exception {
        daemon = startDaemon();
        Files.writeString(mnt.resolve("x"), "data");
        daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9: no chance to unmount
        assertTrue(mounted(), "the dead mount stays until someone removes it");
        assertEquals("ENOTCONN", statErrno());
        Files.writeString(base.resolve("daemon.log"), "");
        daemon = startDaemon(); // replaces the stale mount
        assertEquals("ENOENT", statErrno(), "a fresh, empty memfs");
        Files.writeString(mnt.resolve("y"), "new");
        assertEquals("new", Files.readString(mnt.resolve("y")));
        daemon.destroy(); // SIGTERM unmounts like Ctrl-C
        assertTrue(daemon.waitFor(20, TimeUnit.SECONDS));
        assertFalse(mounted());
    }

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(status), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void clearErrorsForBadArguments() throws Exception {
        String[] r = run("mount", "memfs", base.resolve("missing").toString());
        assertFalse(r[0].equals("0"));
        assertTrue(r[2].contains("does not exist") && r[2].contains("missing"), r[2]);
        r = run("mount", "memfs", mnt.toString(), "--size", "lots");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("bad size 'lots'") && r[2].contains("(try j4l mount memfs --help)"), r[2]);
        r = run("mount", "memfs", mnt.toString(), "--size", "64T");
        assertTrue(r[2].contains("does not fit") && r[2].contains("J4L_JAVA_OPTS=-Xmx"), r[2]);
        r = run("mount", "memfs");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("MOUNTPOINT"), r[2]);
        r = run("mount", "memfs", "--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("--size"), r[1]);
        Path file = Files.writeString(base.resolve("file"), "");
        r = run("mount", "memfs", file.toString());
        assertTrue(r[2].contains("not a directory"), r[2]);
        assertFalse(mounted());
    }
}
