package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.mount.Mounter;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.MountTable;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.testkit.LogCapture;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Mount errors, unmount while busy, abort through fusectl, and a daemon killed with SIGKILL. */
class MountLifecycleTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void errorsNameThePathAndTheReason() throws Exception {
        Needs.fuse();
        Path missing = dir.resolve("missing");
        IOException e = assertThrows(IOException.class, () -> FuseMount.mount(missing, new OneFileFs(), MountOptions.defaults()));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"), e.getMessage());

        Path file = Files.writeString(dir.resolve("file"), "x");
        e = assertThrows(IOException.class, () -> FuseMount.mount(file, new OneFileFs(), MountOptions.defaults()));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a directory"), e.getMessage());

        Path mnt = mounts.dir("mnt");
        try (FuseMount<OneFileFs.Node> _ = FuseMount.mount(mnt, new OneFileFs(), MountOptions.builder().subtype("j4ltest").build())) {
            e = assertThrows(IOException.class, () -> FuseMount.mount(mnt, new OneFileFs(), MountOptions.defaults()));
            assertTrue(e.getMessage().contains(mnt.toString()) && e.getMessage().contains("already mounted"), e.getMessage());
            assertEquals("one file\n", Files.readString(mnt.resolve("file")));
        }
        assertThrows(IllegalArgumentException.class, () -> MountOptions.builder().fsname("a,allow_other").build());
    }

    @Test
    void failedMountLeavesNoReaderBehind() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        // MS_BIND turns mount(2) into a bind mount of a source that does not exist: it fails after the
        // INIT reader has started (and, with sync init, is blocked waiting for a mount).
        MountOptions bad = MountOptions.builder().subtype("j4lfail").fsname("no-such-source")
                .mountFlags(dev.j4l.kernel.Mounts.MS_BIND).build();
        IOException e = assertThrows(IOException.class, () -> FuseMount.mount(mnt, new OneFileFs(), bad));
        assertTrue(e.getMessage().contains(mnt.toString()), e.getMessage());
        long end = System.nanoTime() + 5_000_000_000L;
        while (readers("j4lfail") > 0 && System.nanoTime() < end) Thread.sleep(20);
        assertEquals(0, readers("j4lfail"), "a reader thread is still blocked on the unmounted descriptor");
        assertFalse(MountTable.isMountPoint(mnt));
    }

    static long readers(String label) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("j4l-fuse-" + label)).count();
    }

    @Test
    void unmountWhileFilesAreOpenDetachesLazilyAndServesThemToTheEnd() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        ScratchFs fs = new ScratchFs();
        fs.put("a", "still readable");
        FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest").build());
        try (FileChannel ch = FileChannel.open(mnt.resolve("a"), StandardOpenOption.READ)) {
            m.close();
            assertFalse(MountTable.isMountPoint(mnt), "mount still visible after close()");
            ByteBuffer b = ByteBuffer.allocate(64);
            int n = ch.read(b, 0);
            assertEquals("still readable", new String(b.array(), 0, n));
            assertTrue(m.isAlive(), "session ended while a file was still open");
        } finally {
            m.close();
        }
        assertTrue(m.awaitUnmount(Duration.ofSeconds(10)), "session did not end after the last file closed");
        // No assertion on RELEASE: the kernel may drop the last file's asynchronous RELEASE when the detached
        // superblock dies with it ("one release per open" does not hold at unmount).
    }

    @Test
    void abortThroughFusectlEndsTheSession() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        FuseMount<OneFileFs.Node> m = FuseMount.mount(mnt, new OneFileFs(), MountOptions.builder().subtype("j4ltest").build());
        try {
            assertEquals("one file\n", Files.readString(mnt.resolve("file")));
            m.abort();
            assertTrue(m.awaitUnmount(Duration.ofSeconds(10)), "workers did not notice the abort");
            assertEquals(Errno.ECONNABORTED, m.session().endReason());
            KernelException e = assertThrows(KernelException.class, () -> Fs.open(mnt.resolve("file").toString(), Fs.O_RDONLY).close());
            assertEquals(Errno.ENOTCONN, e.errno());
        } finally {
            m.close();
        }
        assertFalse(MountTable.isMountPoint(mnt));
    }

    @Test
    void killedDaemonLeavesEnotconnAndTheNextMountCleansUp() throws Exception {
        killedDaemon(false);
    }

    /** The same over FUSE-over-io_uring: the kernel completes the killed daemon's ring commands itself. */
    @Test
    void killedIoUringDaemonLeavesEnotconnAndTheNextMountCleansUp() throws Exception {
        killedDaemon(true);
    }

    private void killedDaemon(boolean ioUring) throws Exception {
        Needs.fuse();
        if (ioUring) {
            org.junit.jupiter.api.Assumptions.assumeTrue(dev.j4l.kernel.FuseIoUringSwitch.value() != null,
                    "no FUSE io_uring in this kernel");
        }
        Path mnt = mounts.dir("mnt");
        Process child;
        String line;
        if (ioUring) {
            // READY comes once the child has mounted: only until then does it need enable_uring on.
            Process[] started = new Process[1];
            line = dev.j4l.kernel.FuseIoUringSwitch.whileOn(
                    () -> firstLine(started[0] = startChildDaemon(mnt, List.of(), "-", "iouring")));
            child = started[0];
        } else {
            child = startChildDaemon(mnt);
            line = firstLine(child);
        }
        try {
            assertTrue(line != null && line.startsWith("READY"), "child said: " + line);
            assertTrue(line.endsWith(ioUring ? " io_uring" : " /dev/fuse"), "child said: " + line);
            assertEquals("one file\n", Command.run("cat", mnt.resolve("file").toString()));
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            // The kernel tears a dead daemon's io_uring down asynchronously; a request that reaches a ring while
            // it goes gets ECONNABORTED (or ECANCELED, when its ring entry is being cancelled). Once it is gone the
            // mount reports ENOTCONN, as over /dev/fuse.
            long deadline = System.nanoTime() + 5_000_000_000L;
            Errno seen;
            while (true) {
                KernelException e = assertThrows(KernelException.class, () -> {
                    try (OwnedFd _ = Fs.open(mnt.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
                        // nothing
                    }
                });
                seen = e.errno();
                if ((seen != Errno.ECONNABORTED && seen != Errno.ECANCELED) || !ioUring || System.nanoTime() > deadline) break;
                Thread.sleep(10);
            }
            assertEquals(Errno.ENOTCONN, seen);
            assertTrue(MountTable.isMountPoint(mnt));
            try (LogCapture log = new LogCapture("dev.j4l.fuse");
                    FuseMount<OneFileFs.Node> _ = FuseMount.mount(mnt, new OneFileFs(), MountOptions.builder().subtype("j4ltest").build())) {
                assertTrue(log.contains("stale FUSE mount", mnt.toString()), log.lines.toString());
                assertEquals("one file\n", Files.readString(mnt.resolve("file")));
            }
        } finally {
            child.destroyForcibly(); // the stale mount it leaves is the extension's to clean up
        }
    }

    @Test
    void autoUnmountRemovesTheMountWhenTheDaemonIsKilled() throws Exception {
        Needs.fuse();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/fusermount3")), "needs fusermount3");
        Path mnt = mounts.dir("mnt");
        Process child = startChildDaemon(mnt, List.of(), "autounmount");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("READY"), "child said: " + line);
            assertEquals("one file\n", Files.readString(mnt.resolve("file")));
            child.destroyForcibly(); // SIGKILL: no shutdown hook; the fusermount3 watchdog must act
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            long end = System.nanoTime() + 10_000_000_000L;
            while (MountTable.isMountPoint(mnt) && System.nanoTime() < end) Thread.sleep(20);
            assertFalse(MountTable.isMountPoint(mnt), "auto_unmount did not remove the mount of a killed daemon");
        } finally {
            child.destroyForcibly(); // the stale mount it leaves is the extension's to clean up
        }
    }

    @Test
    void autoUnmountMountClosesNormallyToo() throws Exception {
        Needs.fuse();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/fusermount3")), "needs fusermount3");
        Path mnt = mounts.dir("mnt");
        try (FuseMount<OneFileFs.Node> m = FuseMount.mount(mnt, new OneFileFs(),
                MountOptions.builder().subtype("j4ltest").autoUnmount(true).build())) {
            assertEquals("one file\n", Files.readString(mnt.resolve("file")));
            assertTrue(m.connection() > 0);
        }
        assertFalse(MountTable.isMountPoint(mnt));
        long end = System.nanoTime() + 5_000_000_000L;
        while (fusermountWatchdogs(mnt) > 0 && System.nanoTime() < end) Thread.sleep(20);
        assertEquals(0, fusermountWatchdogs(mnt), "fusermount3 watchdog left running");
    }

    static long fusermountWatchdogs(Path mnt) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("fusermount3")
                && c.contains(mnt.toString())).orElse(false)).count();
    }

    @Test
    void unprivilegedDaemonMountsThroughFusermount3() throws Exception {
        Needs.fuse();
        Needs.root();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/fusermount3")), "needs fusermount3");
        Path mnt = mounts.dir("mnt"); // mode 0755 all the way down: the user nobody can reach it
        Files.setAttribute(mnt, "unix:uid", 65534);
        Files.setAttribute(mnt, "unix:gid", 65534);
        // fusermount3 opens /dev/fuse with the user's own rights; Debian's udev makes it 0666, this VM has 0600.
        Path dev = Path.of("/dev/fuse");
        java.util.Set<java.nio.file.attribute.PosixFilePermission> devMode = Files.getPosixFilePermissions(dev);
        Files.setPosixFilePermissions(dev, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        Process child = startChildDaemon(mnt, List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups"), "selfcheck"); // no capabilities left after leaving uid 0
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            String read = out.readLine();
            assertEquals("READ one file", read);
            assertTrue(out.readLine().startsWith("READY"));
            assertEquals("fuse.j4lchild", MountTable.at(mnt.toString()).orElseThrow().fsType());
            child.destroy(); // SIGTERM: the shutdown hook unmounts through fusermount3 -u
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
            assertFalse(MountTable.isMountPoint(mnt), "unprivileged daemon did not unmount on SIGTERM");
        } finally {
            child.destroyForcibly();
            Files.setPosixFilePermissions(dev, devMode);
        }
    }

    @Test
    void servesAConnectionMountedByALauncher() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        // The launcher's part: open /dev/fuse, mount it, hand the descriptor to the daemon as fd 3.
        try (OwnedFd launcherFd = dev.j4l.kernel.FuseDevice.open()) {
            dev.j4l.kernel.FuseDevice.mount(launcherFd, "launched", mnt.toString(), "fuse.j4llaunch",
                    dev.j4l.kernel.Mounts.MS_NOSUID | dev.j4l.kernel.Mounts.MS_NODEV, "rootmode=40000,user_id=0,group_id=0");
            List<String> cmd = new ArrayList<>(childCommand(mnt));
            cmd.set(cmd.size() - 1, "/dev/fd/3");
            dev.j4l.kernel.ChildProcess child = dev.j4l.kernel.ChildProcess.spawn(cmd,
                    java.util.Map.of("PATH", "/usr/bin:/bin"), java.util.Map.of(3, launcherFd));
            try {
                long end = System.nanoTime() + 30_000_000_000L;
                String text = null;
                while (text == null && System.nanoTime() < end) {
                    try {
                        text = Files.readString(mnt.resolve("file"));
                    } catch (IOException notYet) {
                        Thread.sleep(50);
                    }
                }
                assertEquals("one file\n", text);
            } finally {
                Mounter.unmount(mnt.toString());
                assertEquals(0, child.waitFor(), "daemon should end cleanly when the launcher unmounts");
            }
        }
        assertFalse(MountTable.isMountPoint(mnt));
    }

    @Test
    void unprivilegedWithoutDeviceAccessSaysWhy() throws Exception {
        Needs.fuse();
        Needs.root();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.getPosixFilePermissions(Path.of("/dev/fuse"))
                .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE), "/dev/fuse is world-writable here");
        Path mnt = mounts.dir("mnt");
        Files.setAttribute(mnt, "unix:uid", 65534);
        Process child = startChildDaemon(mnt, List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups"), true);
        String out = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(out.contains(mnt.toString()) && out.contains("/dev/fuse is not accessible to uid 65534"), out);
        assertFalse(MountTable.isMountPoint(mnt));
    }

    private static String firstLine(Process child) throws IOException {
        return new BufferedReader(new InputStreamReader(child.getInputStream())).readLine();
    }

    static Process startChildDaemon(Path mnt, List<String> prefix, String... extra) throws IOException {
        return startChildDaemon(mnt, prefix, false, extra);
    }

    static Process startChildDaemon(Path mnt) throws IOException {
        return startChildDaemon(mnt, List.of());
    }

    /** The java command line running {@link ChildDaemon} for {@code mnt} (mountpoint last). */
    static List<String> childCommand(Path mnt) {
        // Launched as ./j4l launches the CLI: named modules, native access for dev.j4l.kernel only. The test
        // classes (ChildDaemon, OneFileFs) are patched into dev.j4l.fuse, as Surefire does for this JVM.
        List<String> modules = new ArrayList<>();
        modules.add(Path.of("target/classes").toAbsolutePath().toString());
        for (String p : System.getProperty("jdk.module.path", "").split(File.pathSeparator)) {
            if (p.contains("kernel")) modules.add(p);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "--enable-native-access=dev.j4l.kernel", "--illegal-native-access=deny",
                "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism", "--module-path", String.join(File.pathSeparator, modules),
                "--patch-module", "dev.j4l.fuse=" + Path.of("target/test-classes").toAbsolutePath(),
                "-m", "dev.j4l.fuse/" + ChildDaemon.class.getName(), mnt.toString());
    }

    /** A child JVM running {@link ChildDaemon} from this module's classes, on the class path. */
    static Process startChildDaemon(Path mnt, List<String> prefix, boolean mergeStderr, String... extra)
            throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(childCommand(mnt));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        return (mergeStderr ? pb.redirectErrorStream(true) : pb.redirectError(ProcessBuilder.Redirect.INHERIT)).start();
    }
}
