package dev.j4l.drivers.ramdisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.nbd.NbdDeviceTransport;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Mounts;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.LogCapture;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.NeedsKernel;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ramdisk as a real block device through the kernel's own NBD client ({@code /dev/nbdN}, sockets handed to the
 * kernel in the transmission phase): ext4 made, filled, checked and re-read with the kernel's ext4 and e2fsprogs;
 * fio's verifying random reads and writes at depth; flush, FUA and discard as the device shows them; a driver's
 * exceptions reaching the kernel as I/O errors while the device serves on; disconnecting refused while mounted;
 * a daemon killed with SIGKILL leaving a device that fails fast and is reused. Runs in the kernel test VM tier
 * ({@code ./j4l test --vm RamDiskNbdDeviceTest}): the CI host has no nbd module.
 */
// ext4 checks its metadata with crc32c, which the guest cannot load on demand: it is loaded up front.
@NeedsKernel(modules = {"nbd", "ext4", "crc32c_generic"}, paths = "/dev/nbd0")
class RamDiskNbdDeviceTest {
    private static final long MIB = 1 << 20;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @BeforeEach
    void needsRoot() {
        Needs.root();
    }

    private NbdDeviceTransport attach(BlockDriver driver) throws IOException {
        return mounts.closeAfter(NbdDeviceTransport.attach(driver));
    }

    /** Mounts {@code device} at a new directory, unmounted before the transport is closed. */
    private Path mount(String device, String name) throws Exception {
        Path dir = mounts.dir(name);
        Command.of("mount", "-o", "nosuid,nodev", device, dir.toString()).run();
        mounts.closeAfter(() -> {
            try {
                Mounts.unmount(dir.toString(), 0);
            } catch (dev.j4l.kernel.KernelException e) {
                if (e.errno() != Errno.EINVAL) throw e; // EINVAL: the test unmounted it already
            }
        });
        return dir;
    }

    private static String sys(String device, String attribute) throws IOException {
        return Files.readString(Path.of("/sys/block/" + device.substring("/dev/".length()) + "/" + attribute)).trim();
    }

    /** The process whose thread runs the device ({@code pid} shows the thread in NBD_DO_IT). */
    private static long servingProcess(String device) throws IOException {
        String status = Files.readString(Path.of("/proc/" + sys(device, "pid") + "/status"));
        return status.lines().filter(l -> l.startsWith("Tgid:")).mapToLong(l -> Long.parseLong(l.substring(5).trim()))
                .findFirst().orElseThrow();
    }

    private static boolean connected(String device) {
        return Files.exists(Path.of("/sys/block/" + device.substring("/dev/".length()) + "/pid"));
    }

    @Test
    void ext4IsMadeFilledCheckedAndReadBack() throws Exception {
        Needs.program("mkfs.ext4");
        Needs.program("fsck.ext4");
        NbdDeviceTransport nbd = attach(new RamDisk(128 * MIB));
        String dev = nbd.devicePath();
        assertTrue(dev.matches("/dev/nbd\\d+"), dev);
        assertEquals(String.valueOf(128 * MIB), Command.of("blockdev", "--getsize64", dev).run().trim());
        assertEquals(ProcessHandle.current().pid(), servingProcess(dev), "served by this process");

        Command.of("mkfs.ext4", "-q", "-F", dev).timeout(Duration.ofSeconds(120)).run();
        Path source = SampleTree.path();
        Path fs = mount(dev, "ext4");
        Command.of("cp", "-a", source.toString(), fs.resolve("tree").toString()).timeout(Duration.ofSeconds(180)).run();
        Command.of("sync").run();
        Mounts.unmount(fs.toString(), 0);

        Command.Result fsck = Command.of("fsck.ext4", "-fn", dev).timeout(Duration.ofSeconds(120)).exec();
        assertEquals(0, fsck.exit(), "fsck.ext4 -fn: " + fsck.output());

        Command.of("mount", "-o", "ro,nosuid,nodev", dev, fs.toString()).run();
        Command.Result diff = Command.of("diff", "-r", source.toString(), fs.resolve("tree").toString())
                .timeout(Duration.ofSeconds(120)).exec();
        assertEquals(0, diff.exit(), "diff -r: " + diff.output());
        Mounts.unmount(fs.toString(), 0);
        nbd.detach();
        assertFalse(nbd.isAttached());
        assertFalse(connected(dev), dev + " still connected after detach");
    }

    @Test
    void fioVerifiesRandomReadsAndWritesAtDepthOverSeveralConnections() throws Exception {
        Needs.program("fio");
        NbdDeviceTransport nbd = mounts.closeAfter(NbdDeviceTransport.attach(new RamDisk(64 * MIB),
                new NbdDeviceTransport.Options(2, Duration.ofSeconds(60))));
        String dev = nbd.devicePath();
        try (var queues = Files.list(Path.of("/sys/block/" + dev.substring(5) + "/mq"))) {
            assertEquals(2, queues.count(), "a hardware queue per connection");
        }
        Command.Result fio = Command.of("fio", "--name=verify", "--filename=" + dev, "--direct=1",
                "--ioengine=libaio", "--rw=randrw", "--bs=4k", "--iodepth=32", "--size=16M",
                "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--verify_state_save=0",
                "--output-format=terse").timeout(Duration.ofSeconds(300)).exec();
        assertEquals(0, fio.exit(), "fio: " + fio.output());
        assertFalse(fio.output().contains("verify: bad"), fio.output());
    }

    /** What the device shows of the server's flags: a write-back cache with FUA, and discard. */
    @Test
    void flushFuaAndDiscardReachTheDriver() throws Exception {
        java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger fuaWrites = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger discards = new java.util.concurrent.atomic.AtomicInteger();
        RamDisk ram = new RamDisk(16 * MIB);
        BlockDriver counting = new BlockDriver() {
            @Override
            public long size() {
                return ram.size();
            }

            @Override
            public void read(long offset, BlockData into) {
                ram.read(offset, into);
            }

            @Override
            public void write(long offset, BlockData from, boolean fua) throws ErrnoException {
                if (fua) fuaWrites.incrementAndGet();
                ram.write(offset, from, fua);
            }

            @Override
            public void flush() {
                flushes.incrementAndGet();
            }

            @Override
            public boolean canDiscard() {
                return true;
            }

            @Override
            public void discard(long offset, long length) throws ErrnoException {
                discards.incrementAndGet();
                ram.discard(offset, length);
            }
        };
        NbdDeviceTransport nbd = attach(counting);
        String dev = nbd.devicePath();
        assertEquals("write back", sys(dev, "queue/write_cache"));
        assertEquals("1", sys(dev, "queue/fua"));
        assertTrue(Long.parseLong(sys(dev, "queue/discard_max_bytes")) > 0, "takes discards");

        Command.of("dd", "if=/dev/urandom", "of=" + dev, "bs=64k", "count=4", "oflag=direct").run();
        Command.of("sync", dev).run(); // fsync of the block device: a FLUSH
        assertTrue(flushes.get() > 0, "no FLUSH reached the driver");
        Command.of("dd", "if=/dev/urandom", "of=" + dev, "bs=4k", "count=1", "oflag=direct,dsync").run();
        assertTrue(fuaWrites.get() + flushes.get() > 1, "a dsync write was neither FUA nor flushed");
        Command.of("blkdiscard", "-o", "0", "-l", String.valueOf(256 * 1024), dev).run();
        assertTrue(discards.get() > 0, "no TRIM reached the driver");
        Path back = mounts.dir("back").resolve("zeroes");
        Command.of("dd", "if=" + dev, "of=" + back, "bs=64k", "count=4", "iflag=direct").run();
        assertArrayEquals(new byte[256 * 1024], Files.readAllBytes(back), "discarded bytes read as zeroes");
    }

    @Test
    void aThrowingDriverGivesIoErrorsWithALogLineAndTheDeviceKeepsServing() throws Exception {
        BlockDriver flaky = FlakyDisk.create();
        try (LogCapture log = new LogCapture("dev.j4l.block")) {
            NbdDeviceTransport nbd = attach(flaky);
            String dev = nbd.devicePath();
            FlakyDisk.failsThereAndServesElsewhere(dev, mounts.dir("data"), Duration.ofSeconds(60), bad -> {
                assertFalse(bad.timedOut(), "a failing read hung");
                assertTrue(log.contains("block driver failed in read", "at " + 4 * MIB),
                        "no log line names the failed read: " + log.lines);
            });
            assertTrue(nbd.isAttached());
            assertTrue(connected(dev));
        }
    }

    /**
     * Disconnecting under a mounted file system is refused (its every later request would fail): the file system
     * keeps working, and once it is unmounted the device disconnects and is free.
     */
    @Test
    void detachingAMountedDeviceIsRefusedWithAClearMessage() throws Exception {
        Needs.program("mkfs.ext4");
        NbdDeviceTransport nbd = attach(new RamDisk(32 * MIB));
        String dev = nbd.devicePath();
        Command.of("mkfs.ext4", "-q", "-F", dev).timeout(Duration.ofSeconds(120)).run();
        Path fs = mount(dev, "busy");
        IOException refused = assertThrows(IOException.class, nbd::detach);
        assertTrue(refused.getMessage().contains("in use") && refused.getMessage().contains("unmount it first"),
                refused.getMessage());
        Files.writeString(fs.resolve("after-refusal"), "still served");
        Command.of("sync", "-f", fs.toString()).run();
        assertTrue(nbd.isAttached());
        Mounts.unmount(fs.toString(), 0);
        nbd.detach();
        assertFalse(nbd.isAttached());
        assertFalse(connected(dev));
    }

    /**
     * A daemon killed with SIGKILL, with a file system mounted on its device: I/O then fails promptly (nothing
     * hangs), the file system can be unmounted, and the device is free for the next daemon.
     */
    @Test
    void killingTheDaemonGivesIoErrorsAndTheDeviceIsReused() throws Exception {
        Needs.program("mkfs.ext4");
        String modulePath = System.getProperty("jdk.module.path");
        org.junit.jupiter.api.Assumptions.assumeTrue(modulePath != null && !modulePath.isEmpty(), "tests run on the module path");
        Path log = mounts.dir("log").resolve("ramdisk.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process daemon = new ProcessBuilder(java, "--enable-native-access=dev.j4l.kernel",
                "--illegal-native-access=deny", "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism",
                "-XX:TieredStopAtLevel=1", "--module-path", modulePath, "-m",
                "dev.j4l.drivers/" + RamDisk.class.getName(), String.valueOf(64 * MIB), "--nbd-device")
                .redirectError(log.toFile()).start();
        mounts.closeAfter(daemon::destroyForcibly);
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(daemon.getInputStream()));
        String dev = out.readLine();
        assertTrue(dev != null && dev.matches("/dev/nbd\\d+"), () -> "no device path; log: " + read(log));
        assertEquals(daemon.pid(), servingProcess(dev));

        Command.of("mkfs.ext4", "-q", "-F", dev).timeout(Duration.ofSeconds(120)).run();
        Path fs = mount(dev, "killed");
        Files.writeString(fs.resolve("before"), "written before the kill");
        Command.of("sync").run();

        daemon.destroyForcibly();
        assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
        Command.Result read = Command.of("dd", "if=" + dev, "of=/dev/null", "bs=4k", "count=1", "iflag=direct")
                .timeout(Duration.ofSeconds(30)).exec();
        assertFalse(read.timedOut(), "a read of the dead device hung");
        assertTrue(read.exit() != 0, "a read of the dead device succeeded: " + read.output());
        Command.Result write = Command.of("sh", "-c", "echo after > " + fs.resolve("after") + " && sync -f " + fs)
                .timeout(Duration.ofSeconds(30)).exec();
        assertFalse(write.timedOut(), "a write to the dead device hung");
        assertTrue(write.exit() != 0, "sync after the kill reported success: " + write.output());
        Command.Result umount = Command.of("umount", fs.toString()).timeout(Duration.ofSeconds(30)).exec();
        assertFalse(umount.timedOut(), "umount of the dead device hung");
        assertEquals(0, umount.exit(), umount.output());

        for (int i = 0; i < 200 && connected(dev); i++) Thread.sleep(50);
        assertFalse(connected(dev), dev + " still connected after its daemon died");
        // The lowest free device is the dead one's again: a new daemon gets it and it serves.
        NbdDeviceTransport next = attach(new RamDisk(8 * MIB));
        assertEquals(dev, next.devicePath(), "the device freed by the dead daemon is taken again");
        assertEquals(String.valueOf(8 * MIB), Command.of("blockdev", "--getsize64", dev).run().trim());
        Command.of("dd", "if=/dev/zero", "of=" + dev, "bs=64k", "count=16", "oflag=direct").run();
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
