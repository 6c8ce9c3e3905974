package dev.j4l.drivers.ramdisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.AsyncBlockDriver;
import dev.j4l.block.BlockCompletion;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.BlockOp;
import dev.j4l.block.BlockRequest;
import dev.j4l.block.ublk.UblkTransport;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.Mounts;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.NeedsKernel;
import dev.j4l.testkit.TempMounts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ramdisk as a real block device through ublk ({@code /dev/ublkbN}): ext4 made, filled, checked and read
 * back; fio's verifying random read/write with many requests in flight on the raw device, over one and two
 * queues and for a driver answering from its own threads; a driver's failures reaching the kernel as I/O errors
 * while the device keeps serving; removing refused while mounted; and a daemon killed with SIGKILL: I/O errors,
 * no hang, the device removable afterwards. Needs a kernel with ublk (and ext4), so it runs in the kernel test
 * VM tier, on the j4l kernel.
 */
@NeedsKernel(config = {"BLK_DEV_UBLK", "EXT4_FS"}, paths = {"/dev/ublk-control"})
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RamDiskUblkTest {
    private static final long MIB = 1 << 20;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private final ExecutorService completer = Executors.newFixedThreadPool(3);

    @AfterEach
    void stopCompleter() {
        completer.shutdownNow();
    }

    private UblkTransport serve(BlockDriver driver) throws IOException {
        return mounts.closeAfter(UblkTransport.serve(driver));
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
        UblkTransport ublk = serve(new RamDisk(256 * MIB));
        String dev = ublk.devicePath();
        assertTrue(dev.matches("/dev/ublkb\\d+"), dev);
        assertEquals(String.valueOf(256 * MIB), Command.of("blockdev", "--getsize64", dev).run().trim());

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
    }

    private static void fioVerifies(String device, int iodepth) throws Exception {
        Command.Result fio = Command.of("fio", "--name=verify", "--filename=" + device, "--direct=1",
                "--ioengine=libaio", "--rw=randrw", "--bs=4k", "--iodepth=" + iodepth, "--size=16M",
                "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--output-format=terse")
                .timeout(Duration.ofSeconds(240)).exec();
        assertEquals(0, fio.exit(), "fio: " + fio.output());
        assertFalse(fio.output().contains("verify: bad"), fio.output());
    }

    @Test
    void fioVerifiesRandomReadsAndWritesInFlight() throws Exception {
        UblkTransport ublk = serve(new RamDisk(32 * MIB));
        fioVerifies(ublk.devicePath(), 32);
    }

    @Test
    void twoQueuesServeAtOnce() throws Exception {
        UblkTransport ublk = mounts.closeAfter(UblkTransport.serve(new RamDisk(32 * MIB), new UblkTransport.Options(2, 16, 128 * 1024)));
        assertEquals(2, ublk.queues(), "the guest has 2 CPUs");
        fioVerifies(ublk.devicePath(), 16);
    }

    /** A RAM disk that answers every request on another thread (its reads with a copy of the stored bytes). */
    final class LaterDisk implements AsyncBlockDriver {
        final byte[] bytes;
        final AtomicInteger deferred = new AtomicInteger();

        LaterDisk(int size) {
            bytes = new byte[size];
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void submit(BlockRequest r) {
            int at = (int) r.offset(), n = (int) r.length();
            BlockOp op = r.op();
            byte[] written = null;
            if (op == BlockOp.WRITE) {
                written = new byte[n];
                r.data().get(0, written, 0, n);
            }
            BlockCompletion later = r.defer();
            deferred.incrementAndGet();
            byte[] data = written;
            completer.execute(() -> {
                synchronized (bytes) {
                    switch (op) {
                        case READ -> later.complete(java.util.Arrays.copyOfRange(bytes, at, at + n), 0);
                        case WRITE -> {
                            System.arraycopy(data, 0, bytes, at, n);
                            later.complete();
                        }
                        case WRITE_ZEROES, DISCARD -> {
                            java.util.Arrays.fill(bytes, at, at + n, (byte) 0);
                            later.complete();
                        }
                        default -> later.complete();
                    }
                }
            });
        }
    }

    @Test
    void anAsynchronousDriverAnswersFromItsOwnThreads() throws Exception {
        LaterDisk disk = new LaterDisk((int) (32 * MIB));
        UblkTransport ublk = serve(disk);
        fioVerifies(ublk.devicePath(), 16);
        assertTrue(disk.deferred.get() > 1000, "answered later: " + disk.deferred.get());
    }

    @Test
    void aThrowingDriverGivesIoErrorsAndTheDeviceKeepsServing() throws Exception {
        BlockDriver flaky = FlakyDisk.create();
        UblkTransport ublk = serve(flaky);
        String dev = ublk.devicePath();
        FlakyDisk.failsThereAndServesElsewhere(dev, mounts.dir("data"), Duration.ofSeconds(30), bad -> { });
        assertTrue(ublk.isServing());
    }

    @Test
    void removingAMountedDeviceIsRefusedWithAClearMessage() throws Exception {
        UblkTransport ublk = serve(new RamDisk(32 * MIB));
        Command.of("mkfs.ext4", "-q", "-F", ublk.devicePath()).run();
        Path fs = mount(ublk.devicePath(), "busy");
        IOException refused = assertThrows(IOException.class, ublk::detach);
        assertTrue(refused.getMessage().contains("in use") && refused.getMessage().contains("unmount it first"),
                refused.getMessage());
        assertTrue(Files.isDirectory(fs.resolve("lost+found")), "the file system keeps working");
        Mounts.unmount(fs.toString(), 0);
        int id = ublk.deviceId();
        ublk.detach();
        assertFalse(ublk.isServing());
        assertFalse(Files.exists(Path.of("/dev/ublkb" + id)), "block device removed");
        assertFalse(Files.exists(Path.of("/sys/class/ublk-char/ublkc" + id)), "ublk device deleted");
    }

    /**
     * A daemon killed with SIGKILL, with a file system mounted on its device: I/O then fails (nothing hangs), the
     * file system can be unmounted, and the device is deleted from another process.
     */
    @Test
    void killingTheDaemonGivesIoErrorsAndTheDeviceCanBeRemoved() throws Exception {
        String modulePath = System.getProperty("jdk.module.path");
        org.junit.jupiter.api.Assumptions.assumeTrue(modulePath != null && !modulePath.isEmpty(), "tests run on the module path");
        Path log = mounts.dir("log").resolve("ramdisk.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process daemon = new ProcessBuilder(java, "--enable-native-access=dev.j4l.kernel",
                "--illegal-native-access=deny", "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism",
                "-XX:TieredStopAtLevel=1", "--module-path", modulePath,
                "-m", "dev.j4l.drivers/" + RamDisk.class.getName(), String.valueOf(64 * MIB), "--ublk")
                .redirectError(log.toFile()).start();
        mounts.closeAfter(daemon::destroyForcibly);
        BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream()));
        String dev = out.readLine();
        assertTrue(dev != null && dev.matches("/dev/ublkb\\d+"), () -> "no device path; log: " + read(log));
        int id = Integer.parseInt(dev.substring("/dev/ublkb".length()));

        Command.of("mkfs.ext4", "-q", "-F", dev).timeout(Duration.ofSeconds(120)).run();
        Path fs = mount(dev, "killed");
        Files.writeString(fs.resolve("before"), "written before the kill");
        Command.of("sync").run();

        daemon.destroyForcibly();
        assertTrue(daemon.waitFor(60, TimeUnit.SECONDS), "the killed daemon did not exit");
        // Uncached I/O now fails, and fails promptly (the command's timeout would show a hang).
        Command.Result read = Command.of("dd", "if=" + dev, "of=/dev/null", "bs=4k", "count=1", "iflag=direct")
                .timeout(Duration.ofSeconds(30)).exec();
        assertFalse(read.timedOut(), "a read of the dead device hung");
        assertTrue(read.exit() != 0, "a read of the dead device succeeded: " + read.output());
        Command.Result write = Command.of("sh", "-c", "echo after > " + fs.resolve("after") + " && sync -f " + fs)
                .timeout(Duration.ofSeconds(30)).exec();
        assertFalse(write.timedOut(), "a write to the dead device hung");
        assertTrue(write.exit() != 0, "sync after the kill reported success: " + write.output());

        Command.Result umount = Command.of("umount", fs.toString()).timeout(Duration.ofSeconds(30)).exec();
        assertEquals(0, umount.exit(), umount.output());
        assertTrue(UblkTransport.removeDead(id), "the dead daemon's device is removed");
        assertFalse(Files.exists(Path.of("/sys/class/ublk-char/ublkc" + id)), "ublk device " + id + " still there");
        assertFalse(Files.exists(Path.of(dev)), dev + " still there");
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
