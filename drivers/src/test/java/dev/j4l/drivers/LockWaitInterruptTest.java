package dev.j4l.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.drivers.memfs.MemFsDriver;
import dev.j4l.drivers.passthrough.PassthroughFs;
import dev.j4l.drivers.passthrough.PassthroughOptions;
import dev.j4l.fuse.FuseMount;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A process waiting for a lock that another holds gives up when a signal arrives ({@code flock -w}'s timer):
 * the kernel interrupts the waiting request, the driver's interrupt callback answers EINTR, and the waiter is
 * gone from the queue, so the lock goes to the next one asking once it is free.
 */
class LockWaitInterruptTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memfs", "passthroughfs"})
    void aSignalEndsALockWait(String driver) throws Exception {
        Needs.root();
        Path mnt = mounts.dir("mnt");
        FuseMount<?> mount;
        if (driver.equals("memfs")) {
            mount = MemFsDriver.mount(mnt, 64 << 20);
        } else {
            PassthroughFs fs = new PassthroughFs(PassthroughOptions.of(mounts.dir("src")));
            mount = FuseMount.mount(mnt, fs, fs.mountOptions());
        }
        mounts.closeAfter(mount);
        Path file = Files.writeString(mnt.resolve("locked"), "x");
        // The holder keeps an exclusive flock for as long as it sleeps.
        Process holder = new ProcessBuilder("flock", "-x", file.toString(), "sleep", "30").start();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Command.of("flock", "-n", "-x", file.toString(), "true").exec().ok()) {
                assertTrue(System.nanoTime() < end, "the holder never took the lock");
                Thread.sleep(20);
            }
            long start = System.nanoTime();
            Command.Result waited = Command.of("flock", "-w", "1", "-x", file.toString(), "true")
                    .timeout(Duration.ofSeconds(20)).exec();
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, waited.exit(), "flock -w 1 should give up: " + waited.output());
            assertTrue(tookMs < 10_000, "gave up after " + tookMs + " ms");
        } finally {
            // The sleeping child holds the lock too (it inherited the descriptor).
            holder.descendants().forEach(ProcessHandle::destroy);
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        // The interrupted waiter left nothing behind: the free lock is granted (within the time the holder's
        // release takes to reach the driver).
        Command.Result after = Command.of("flock", "-w", "10", "-x", file.toString(), "true").exec();
        assertTrue(after.ok(), "the lock was not granted after the holder left: " + after.output());
    }
}
