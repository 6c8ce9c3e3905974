package dev.j4l.drivers.ramdisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.loop.LoopTransport;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Mounts;
import dev.j4l.testkit.Command;
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
 * The ramdisk as a real block device through the loop transport ({@code /dev/loopN} over a file of a private
 * j4l FUSE mount): a file system made, filled, checked and re-read on it with the kernel's ext4 and e2fsprogs,
 * fio's verifying random I/O on the raw device, a driver's failures reaching the kernel as I/O errors, and
 * detaching refused while mounted. The VM tier runs it on Debian's 6.1 kernel too, whose FUSE has no synchronous
 * INIT: the mount path of kernels before 6.18.
 */
@NeedsKernel(modules = {"loop", "fuse", "ext4"}, paths = {"/dev/loop-control", "/dev/fuse"})
class RamDiskLoopTest {
    private static final long MIB = 1 << 20;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @BeforeEach
    void needsLoopAndFuse() {
        Needs.root();
        Needs.fuse();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/loop-control")),
                "needs loop devices (/dev/loop-control)");
    }

    private LoopTransport attach(BlockDriver driver) throws IOException {
        return mounts.closeAfter(LoopTransport.attach(driver));
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

    @Test
    void ext4IsMadeFilledCheckedAndReadBack() throws Exception {
        Needs.program("mkfs.ext4");
        Needs.program("fsck.ext4");
        LoopTransport loop = attach(new RamDisk(256 * MIB));
        String dev = loop.devicePath();
        assertTrue(dev.matches("/dev/loop\\d+"), dev);
        assertEquals(String.valueOf(256 * MIB), Command.of("blockdev", "--getsize64", dev).run().trim());
        String n = dev.substring("/dev/loop".length());
        assertEquals("1", Files.readString(Path.of("/sys/block/loop" + n + "/loop/dio")).trim(), "direct I/O");

        Command.of("mkfs.ext4", "-q", "-F", dev).run();
        Path source = SampleTree.path();
        Path fs = mount(dev, "ext4");
        Command.of("cp", "-a", source.toString(), fs.resolve("tree").toString()).timeout(Duration.ofSeconds(120)).run();
        Command.of("sync").run();
        Mounts.unmount(fs.toString(), 0);

        Command.Result fsck = Command.of("fsck.ext4", "-fn", dev).timeout(Duration.ofSeconds(120)).exec();
        assertEquals(0, fsck.exit(), "fsck.ext4 -fn: " + fsck.output());

        Command.of("mount", "-o", "ro,nosuid,nodev", dev, fs.toString()).run();
        Command.Result diff = Command.of("diff", "-r", source.toString(), fs.resolve("tree").toString()).exec();
        assertEquals(0, diff.exit(), "diff -r: " + diff.output());
    }

    @Test
    void fioVerifiesRandomWritesOnTheRawDevice() throws Exception {
        Needs.program("fio");
        LoopTransport loop = attach(new RamDisk(64 * MIB));
        Command.Result fio = Command.of("fio", "--name=verify", "--filename=" + loop.devicePath(), "--direct=1",
                "--ioengine=libaio", "--rw=randwrite", "--bs=4k", "--iodepth=16", "--size=32M",
                "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--output-format=terse")
                .timeout(Duration.ofSeconds(240)).exec();
        assertEquals(0, fio.exit(), "fio: " + fio.output());
        assertFalse(fio.output().contains("verify: bad"), fio.output());
    }

    @Test
    void detachingAMountedDeviceIsRefusedWithAClearMessage() throws Exception {
        Needs.program("mkfs.ext4");
        LoopTransport loop = attach(new RamDisk(32 * MIB));
        Command.of("mkfs.ext4", "-q", "-F", loop.devicePath()).run();
        Path fs = mount(loop.devicePath(), "busy");
        IOException refused = assertThrows(IOException.class, loop::detach);
        assertTrue(refused.getMessage().contains("in use") && refused.getMessage().contains("unmount it first"),
                refused.getMessage());
        assertTrue(Files.isDirectory(fs.resolve("lost+found")), "the file system keeps working");
        Mounts.unmount(fs.toString(), 0);
        loop.detach();
        assertFalse(loop.isAttached());
    }

    @Test
    void aThrowingDriverGivesIoErrorsAndTheDeviceKeepsServing() throws Exception {
        BlockDriver flaky = FlakyDisk.create();
        LoopTransport loop = attach(flaky);
        String dev = loop.devicePath();
        FlakyDisk.failsThereAndServesElsewhere(dev, mounts.dir("data"), Duration.ofSeconds(30), bad -> { });
        assertTrue(loop.isAttached());
    }

    /**
     * Faults injected under a mounted ext4 (dev.j4l.drivers.faults): its writes and reads then fail with I/O
     * errors, nothing hangs, and the file system can still be unmounted and the device detached.
     */
    @Test
    void injectedFaultsReachAMountedFileSystemAsIoErrors() throws Exception {
        Needs.program("mkfs.ext4");
        dev.j4l.drivers.faults.FaultInjector faults = new dev.j4l.drivers.faults.FaultInjector(new RamDisk(64 * MIB));
        LoopTransport loop = attach(faults);
        Command.of("mkfs.ext4", "-q", "-F", loop.devicePath()).run();
        Path fs = mount(loop.devicePath(), "faulty");
        Files.write(fs.resolve("before"), new byte[1 << 20]);
        Command.of("sync").run();
        Command.of("sh", "-c", "echo 3 > /proc/sys/vm/drop_caches").run(); // the next read must reach the device
        faults.failReads(1).failWrites(1);
        Command.Result write = Command.of("sh", "-c", "head -c 1048576 /dev/urandom > " + fs.resolve("during")
                + " && sync -f " + fs).timeout(Duration.ofSeconds(60)).exec();
        assertFalse(write.timedOut(), "a write under injected faults hung");
        assertTrue(write.exit() != 0, "a write and sync under injected faults succeeded: " + write.output());
        Command.Result read = Command.of("cat", fs.resolve("before").toString()).timeout(Duration.ofSeconds(60)).exec();
        assertFalse(read.timedOut(), "a read under injected faults hung");
        assertTrue(read.exit() != 0 && read.output().contains("Input/output error"), read.output());
        assertTrue(faults.injected() > 0);
        faults.failReads(0).failWrites(0);
        Command.Result umount = Command.of("umount", fs.toString()).timeout(Duration.ofSeconds(60)).exec();
        assertEquals(0, umount.exit(), umount.output());
        loop.detach();
        assertFalse(loop.isAttached());
    }

    /** A driver whose size changes: after {@code resized()} the device has the new capacity. */
    @Test
    void aCapacityChangeReachesTheDevice() throws Exception {
        RamDisk ram = new RamDisk(32 * MIB);
        java.util.concurrent.atomic.AtomicLong size = new java.util.concurrent.atomic.AtomicLong(16 * MIB);
        BlockDriver growing = new BlockDriver() {
            @Override
            public long size() {
                return size.get();
            }

            @Override
            public void read(long offset, BlockData into) {
                ram.read(offset, into);
            }

            @Override
            public void write(long offset, BlockData from, boolean fua) throws ErrnoException {
                ram.write(offset, from, fua);
            }
        };
        LoopTransport loop = attach(growing);
        assertEquals(String.valueOf(16 * MIB), Command.of("blockdev", "--getsize64", loop.devicePath()).run().trim());
        Command.Result past = Command.of("dd", "if=/dev/zero", "of=" + loop.devicePath(), "bs=1M", "seek=20", "count=1",
                "oflag=direct").timeout(Duration.ofSeconds(30)).exec();
        assertTrue(past.exit() != 0, "wrote past the end: " + past.output());
        size.set(32 * MIB);
        loop.resized();
        assertEquals(String.valueOf(32 * MIB), Command.of("blockdev", "--getsize64", loop.devicePath()).run().trim());
        Command.Result grown = Command.of("dd", "if=/dev/zero", "of=" + loop.devicePath(), "bs=1M", "seek=20", "count=1",
                "oflag=direct").timeout(Duration.ofSeconds(30)).exec();
        assertEquals(0, grown.exit(), grown.output());
    }

    /**
     * A daemon killed with SIGKILL, with a file system mounted on its device: I/O then fails (nothing hangs),
     * the file system can be unmounted, and the device is freed once nothing holds it.
     */
    @Test
    void killingTheDaemonGivesIoErrorsAndTheDeviceCanBeCleanedUp() throws Exception {
        Needs.program("mkfs.ext4");
        String modulePath = System.getProperty("jdk.module.path");
        org.junit.jupiter.api.Assumptions.assumeTrue(modulePath != null && !modulePath.isEmpty(), "tests run on the module path");
        Path log = mounts.dir("log").resolve("ramdisk.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process daemon = new ProcessBuilder(java, "--enable-native-access=dev.j4l.kernel",
                "--illegal-native-access=deny", "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism",
                "--module-path", modulePath, "-m", "dev.j4l.drivers/" + RamDisk.class.getName(), String.valueOf(64 * MIB))
                .redirectError(log.toFile()).start();
        mounts.closeAfter(daemon::destroyForcibly);
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(daemon.getInputStream()));
        String dev = out.readLine();
        assertTrue(dev != null && dev.matches("/dev/loop\\d+"), () -> "no device path; log: " + read(log));
        Path backing = Path.of("/sys/block/" + dev.substring(5) + "/loop/backing_file");
        assertTrue(Files.exists(backing), "attached");

        Command.of("mkfs.ext4", "-q", "-F", dev).run();
        Path fs = mount(dev, "killed");
        Files.writeString(fs.resolve("before"), "written before the kill");
        Command.of("sync").run();

        daemon.destroyForcibly();
        assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
        // Uncached I/O now fails, and fails promptly (the command's timeout would show a hang).
        Command.Result read = Command.of("dd", "if=" + dev, "of=/dev/null", "bs=4k", "count=1", "iflag=direct")
                .timeout(Duration.ofSeconds(30)).exec();
        assertFalse(read.timedOut(), "a read of the dead device hung");
        assertTrue(read.exit() != 0 && read.output().contains("Input/output error"), read.output());
        Command.Result write = Command.of("sh", "-c", "echo after > " + fs.resolve("after") + " && sync -f " + fs)
                .timeout(Duration.ofSeconds(30)).exec();
        assertFalse(write.timedOut(), "a write to the dead device hung");
        assertTrue(write.exit() != 0, "sync after the kill reported success: " + write.output());

        Command.Result umount = Command.of("umount", fs.toString()).timeout(Duration.ofSeconds(30)).exec();
        assertEquals(0, umount.exit(), umount.output());
        // Nothing holds the device now: it clears itself.
        for (int i = 0; i < 200 && Files.exists(backing); i++) Thread.sleep(50);
        assertFalse(Files.exists(backing), dev + " still attached after its daemon died and its file system was unmounted");
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
