package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code j4l mount -d}: the command returns once the mount is visible, the daemon serves on in a session of
 * its own and logs to its file, and umount ends it; a daemon that cannot mount makes the command fail with its
 * error. The command runs as users run it, in a JVM of its own.
 */
class MountDaemonTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts("j4l-cli-daemon-");

    private Path work;

    @BeforeEach
    void setUp() throws Exception {
        Needs.fuse();
        work = mounts.dir("work");
    }

    /** {@code java ... -m dev.j4l.cli/dev.j4l.cli.Main ARGS} from this build's modules, as ./j4l runs it. */
    static List<String> j4l(String... args) {
        String modulePath = System.getProperty("jdk.module.path");
        Assumptions.assumeTrue(modulePath != null && !modulePath.isEmpty(), "tests run on the module path");
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=dev.j4l.kernel", "--illegal-native-access=deny",
                "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism", "--module-path", modulePath,
                "-m", "dev.j4l.cli/dev.j4l.cli.Main"));
        argv.addAll(List.of(args));
        return argv;
    }

    /** The pid of the daemon serving {@code mnt}: the process whose command line names it and the daemon env. */
    private static Optional<ProcessHandle> daemonOf(Path mnt) {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> List.of(a).contains(mnt.toString()) && List.of(a).contains("-d")).orElse(false)
                && p.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
    }

    @Test
    void returnsOnceMountedAndTheDaemonServesUntilUnmounted() throws Exception {
        Path mnt = mounts.dir("mnt");
        Path log = work.resolve("logs/memfs.log");
        long t0 = System.nanoTime();
        Command.Result r = Command.of(j4l("mount", "memfs", "-d", "--log", log.toString(), "-o", "size=32M",
                mnt.toString())).timeout(Duration.ofSeconds(150)).exec();
        try {
            assertEquals(0, r.exit(), r.toString());
            // Visible when the command returns: no waiting here.
            assertEquals("fuse.memfs", MountTable.at(mnt.toString()).orElseThrow(
                    () -> new AssertionError("not mounted when -d returned: " + r)).fsType());
            assertTrue(r.err().contains("daemon pid") && r.err().contains(log.toString()), r.err());
            ProcessHandle daemon = daemonOf(mnt).orElseThrow(() -> new AssertionError("no daemon process"));
            // setsid: a session of its own, so the shell's Ctrl-C and hang-up do not reach it.
            String stat = Files.readString(Path.of("/proc", Long.toString(daemon.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertEquals(Long.toString(daemon.pid()), f[3], "session id is the daemon's own pid: " + stat);
            Files.writeString(mnt.resolve("f"), "served");
            assertEquals("served", Files.readString(mnt.resolve("f")));
            assertTrue(Files.readString(log).contains("memfs mounted at " + mnt), Files.readString(log));
            Command.run("umount", mnt.toString());
            assertTrue(daemon.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS) != null);
            assertFalse(daemon.isAlive(), "daemon still running after umount");
            System.err.println("j4l mount -d returned after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } finally {
            if (MountTable.isMountPoint(mnt)) Command.run("umount", "-l", mnt.toString());
        }
    }

    @Test
    void aDaemonThatCannotMountFailsTheCommandWithItsError() throws Exception {
        Path log = work.resolve("memfs.log");
        Path missing = work.resolve("no-such-dir");
        Command.Result r = Command.of(j4l("mount", "memfs", "-d", "--log", log.toString(), missing.toString()))
                .timeout(Duration.ofSeconds(150)).exec();
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("does not exist") && r.err().contains("no-such-dir"), r.toString());
        assertTrue(Files.readString(log).contains("does not exist"), "the daemon logged it too");
        assertFalse(MountTable.isMountPoint(missing));
    }
}
