package dev.j4l.cli;

import static dev.j4l.cli.J4lRun.j4l;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code j4l block}: argument errors, a ramdisk served over NBD until stopped, the fault knobs, and the image
 * and cow drivers as users run them: a separate JVM killed with SIGKILL after a flush keeps what was flushed.
 */
class BlockCommandTest {
    private static final int MIB = 1 << 20;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private final List<Process> daemons = new ArrayList<>();

    @AfterEach
    void killDaemons() throws Exception {
        for (Process p : daemons) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void badArgumentsAreClearErrors() {
        j4l("block", "floppy").assertStatusAndError(2, "'floppy' (try j4l block --help)");
        j4l("block", "ramdisk").assertStatusAndError(2, "Missing required option: '--size SIZE'");
        j4l("block", "ramdisk", "--size", "1G", "--nbd", "udp:9").assertStatusAndError(1, "unix:PATH or tcp:PORT");
        j4l("block", "ramdisk", "--size", "1M", "--nbd-device", "--nbd", "tcp:0").assertStatusAndError(1,
                "--nbd, --nbd-device and --ublk are transports: choose one");
        assertEquals(1, j4l("block", "ramdisk", "--size", "1M", "--nbd-device", "--ublk").status());
        j4l("block", "ramdisk", "--size", "1M", "--queues", "2").assertStatusAndError(1, "--queues and --depth are for --ublk");
        j4l("block", "--help").assertPrinted("usage: j4l block");
        j4l("block", "cow", "commit", "--help").assertPrinted("usage: j4l block cow commit [-hqvV] --delta FILE BASE");
    }

    @Test
    void badImageCowAndFaultArgumentsAreClearErrors() throws Exception {
        Path dir = mounts.dir("args");
        Path base = Files.write(dir.resolve("base"), new byte[MIB]);
        assertTrue(j4l("block", "image").err().contains("Missing required parameter: 'FILE'"));
        assertTrue(j4l("block", "image", "a", "b").err().contains("Unmatched argument at index 3: 'b'"));
        assertTrue(j4l("block", "image", base.toString(), "--fast").err()
                .contains("Unknown option: '--fast' (try j4l block image --help)"));
        assertTrue(j4l("block", "image", dir.resolve("missing").toString()).err().contains("ENOENT"));
        assertTrue(j4l("block", "cow", base.toString()).err().contains("Missing required option: '--delta FILE'"));
        assertTrue(j4l("block", "cow", "commit", base.toString()).err()
                .contains("j4l block cow commit: Missing required option: '--delta FILE'"));
        assertTrue(j4l("block", "cow", "discard", base.toString(), "--delta", dir.resolve("none").toString(), "--nbd",
                "tcp:1").err().contains("Unknown options: '--nbd', 'tcp:1' (try j4l block cow discard --help)"));
        j4l("block", "ramdisk", "--size", "1M", "--latency", "fast").assertStatusAndError(2, "bad time 'fast'");
        assertTrue(j4l("block", "ramdisk", "--size", "1M", "--fail-reads", "2").err().contains("fraction from 0 to 1"));
        assertTrue(j4l("block", "ramdisk", "--size", "1M", "--fail-range", "1M").err().contains("OFFSET+LENGTH"));
        j4l("block", "ramdisk", "--size", "1M", "--size").assertStatusAndError(2,
                "Missing required parameter for option '--size'");
    }

    @Test
    void faultKnobsReachTheClient() throws Exception {
        Needs.program("qemu-io");
        Path socket = mounts.dir("nbd").resolve("sock");
        CountDownLatch stop = new CountDownLatch(1);
        String uri = Serving.start(stop, "ramdisk", "--size", "4M", "--nbd", "unix:" + socket, "--fail-range", "0+64K",
                "--latency", "100us").address();
        try {
            String out = Command.of("qemu-io", "-f", "raw", "-c", "read 0 4k", "-c", "read 64k 4k", uri).exec().output();
            assertTrue(out.contains("read failed: Input/output error") && out.contains("read 4096/4096"), out);
        } finally {
            stop.countDown();
        }
    }

    /** {@code j4l block ARGS} served on a thread of this JVM until its stop latch opens. */
    private record Serving(Thread thread, String address, AtomicReference<Throwable> failed) {
        /** Starts serving {@code args}; returns once it printed where it serves (a device path or URI). */
        static Serving start(CountDownLatch stop, String... args) throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread thread = Thread.ofPlatform().start(() -> {
                try {
                    int status = BlockCommand.serve(args, new PrintStream(out, true, StandardCharsets.UTF_8), stop);
                    if (status != 0) failed.set(new AssertionError("exit status " + status + " (its error is on standard error)"));
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            long end = System.nanoTime() + 20_000_000_000L;
            while (out.size() == 0 && failed.get() == null && System.nanoTime() < end) Thread.sleep(10);
            if (failed.get() != null) throw new AssertionError("serving failed", failed.get());
            return new Serving(thread, out.toString(StandardCharsets.UTF_8).trim(), failed);
        }

        /** Waits up to {@code millis} for serving to end (its latch opened), then checks it did not fail. */
        void awaitEnd(long millis) throws InterruptedException {
            thread.join(millis);
            if (failed.get() != null) throw new AssertionError("serving failed", failed.get());
        }
    }

    /** {@code j4l block ARGS} in a child JVM from this build's modules; returns its URI once it serves. */
    private String startDaemon(Path log, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = System.getProperty("jdk.module.path");
        Assumptions.assumeTrue(modulePath != null && !modulePath.isEmpty(), "tests run on the module path");
        List<String> argv = new ArrayList<>(List.of(java, "--enable-native-access=dev.j4l.kernel",
                "--illegal-native-access=deny", "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism",
                "--module-path", modulePath, "-m", "dev.j4l.cli/dev.j4l.cli.Main", "block"));
        argv.addAll(List.of(args));
        Files.deleteIfExists(log);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        daemons.add(p);
        for (int i = 0; i < 300 && !read(log).contains("nbd+unix://"); i++) {
            if (!p.isAlive()) throw new AssertionError("daemon exited " + p.exitValue() + ": " + read(log));
            Thread.sleep(50);
        }
        String uri = read(log).lines().filter(l -> l.startsWith("nbd+unix://")).findFirst()
                .orElseThrow(() -> new AssertionError("no URI after 15 s: " + read(log)));
        return uri;
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String qemuIo(String uri, String... commands) throws Exception {
        List<String> argv = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        for (String c : commands) argv.addAll(List.of("-c", c));
        argv.add(uri);
        return Command.of(argv).exec().output();
    }

    /** {@code j4l block cow ACTION BASE --delta DELTA}; returns what it printed. */
    private static String endCow(String action, Path base, Path delta) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, BlockCommand.serve(new String[] {"cow", action, base.toString(), "--delta", delta.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new CountDownLatch(0)));
        return out.toString(StandardCharsets.UTF_8);
    }

    private void kill9(int daemon) throws Exception {
        Process p = daemons.get(daemon);
        p.destroyForcibly();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "SIGKILL did not end the daemon");
    }

    @Test
    void anImageKeepsAFlushedWriteWhenTheDaemonIsKilled() throws Exception {
        Needs.program("qemu-io");
        Path dir = mounts.dir("image");
        Path image = dir.resolve("disk.raw");
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(8 * MIB);
        }
        String uri = startDaemon(dir.resolve("daemon.log"), "image", image.toString(), "--nbd",
                "unix:" + dir.resolve("sock"));
        assertEquals("nbd+unix:///image?socket=" + dir.resolve("sock"), uri);
        String out = qemuIo(uri, "write -P 0x5a 1M 1M", "flush");
        assertTrue(out.contains("wrote 1048576/1048576"), out);
        kill9(0);
        byte[] file = Files.readAllBytes(image);
        for (int i = MIB; i < 2 * MIB; i++) if (file[i] != 0x5a) throw new AssertionError("byte " + i + " lost");
        assertEquals(0, file[MIB - 1]);
        assertEquals(0, file[2 * MIB]);
    }

    @Test
    void aCowDeltaKeepsFlushedWritesThroughSigkillUntilCommitted() throws Exception {
        Needs.program("qemu-io");
        Path dir = mounts.dir("cow");
        byte[] baseBytes = new byte[8 * MIB];
        new java.util.Random(3).nextBytes(baseBytes);
        Path base = Files.write(dir.resolve("base.raw"), baseBytes);
        Path delta = dir.resolve("delta");
        String[] serve = {"cow", base.toString(), "--delta", delta.toString(), "--nbd", "unix:" + dir.resolve("sock")};
        String uri = startDaemon(dir.resolve("daemon.log"), serve);
        String out = qemuIo(uri, "write -P 0x5a 1M 1M", "flush");
        assertTrue(out.contains("wrote 1048576/1048576"), out);
        kill9(0);
        assertTrue(java.util.Arrays.equals(baseBytes, Files.readAllBytes(base)), "the base is never written");
        Files.delete(dir.resolve("sock")); // a killed server leaves its socket, and NbdServer will not bind over it
        uri = startDaemon(dir.resolve("daemon.log"), serve);
        out = qemuIo(uri, "read -P 0x5a 1M 1M");
        assertTrue(out.contains("read 1048576/1048576") && !out.contains("Pattern verification failed"),
                "the flushed write survived: " + out);
        kill9(1);
        assertTrue(endCow("commit", base, delta).contains("committed 1048576 bytes"));
        byte[] now = Files.readAllBytes(base);
        for (int i = MIB; i < 2 * MIB; i++) if (now[i] != 0x5a) throw new AssertionError("byte " + i + " not committed");
        assertTrue(java.util.Arrays.equals(baseBytes, 0, MIB, now, 0, MIB), "the rest of the base is as it was");
        String discarded = endCow("discard", base, delta);
        assertTrue(discarded.contains("discarded 0 bytes"), "commit emptied the delta: " + discarded);
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

    /** Without --nbd the ramdisk is a loop device: its path is printed, it is sized, and stopping detaches it. */
    @Test
    void servesARamdiskAsALoopDeviceByDefault() throws Exception {
        Needs.root();
        Needs.fuse();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/loop-control")), "needs loop devices");
        CountDownLatch stop = new CountDownLatch(1);
        try {
            Serving serving = Serving.start(stop, "ramdisk", "--size", "8M");
            String dev = serving.address();
            assertTrue(dev.matches("/dev/loop\\d+"), dev);
            assertEquals(String.valueOf(8 << 20), Command.of("blockdev", "--getsize64", dev).run().trim());
            Path backing = Path.of("/sys/block/" + dev.substring(5) + "/loop/backing_file");
            assertTrue(Files.exists(backing));
            stop.countDown();
            serving.awaitEnd(20_000);
            assertFalse(Files.exists(backing), dev + " is still attached after serving stopped");
        } finally {
            stop.countDown();
        }
    }

    /** Stopping while a file system is mounted on the device says why it stays, and the device goes once unmounted. */
    @Test
    void stoppingWhileMountedSaysSoAndTheDeviceGoesOnceUnmounted() throws Exception {
        Needs.root();
        Needs.fuse();
        Needs.program("mkfs.ext4");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/loop-control")), "needs loop devices");
        CountDownLatch stop = new CountDownLatch(1);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream realErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Path fs = mounts.dir("mounted");
        String dev = null;
        try {
            Serving serving = Serving.start(stop, "ramdisk", "--size", "32M");
            dev = serving.address();
            Command.of("mkfs.ext4", "-q", "-F", dev).run();
            Command.of("mount", "-o", "nosuid,nodev", dev, fs.toString()).run();
            stop.countDown();
            serving.awaitEnd(30_000);
            String said = err.toString(StandardCharsets.UTF_8);
            assertTrue(said.contains("cannot detach " + dev) && said.contains("unmount it first"), said);
        } finally {
            System.setErr(realErr);
            stop.countDown();
            Command.of("umount", fs.toString()).exec();
        }
        Path backing = Path.of("/sys/block/" + dev.substring(5) + "/loop/backing_file");
        for (int i = 0; i < 200 && Files.exists(backing); i++) Thread.sleep(50);
        assertFalse(Files.exists(backing), dev + " still attached after it was unmounted");
    }
}
