package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.protocol.InitFlags;
import dev.j4l.kernel.FuseIoUringSwitch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FUSE-over-io_uring (experimental): requests arrive on the rings, FORGET and notifications stay on /dev/fuse. */
class IoUringTest {
    @TempDir
    Path dir;
    String before;

    @BeforeEach
    void enable() throws Exception {
        TestMounts.assumeRoot();
        Assumptions.assumeTrue(Files.isWritable(FuseIoUringSwitch.PARAMETER),
                "no writable " + FuseIoUringSwitch.PARAMETER + " (kernel without FUSE io_uring)");
        before = FuseIoUringSwitch.value();
        FuseIoUringSwitch.set(true);
    }

    @AfterEach
    void restore() throws Exception {
        if (before != null) FuseIoUringSwitch.set(before.equals("Y"));
    }

    @Test
    void requestsAreServedOnTheRings() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        Set<String> threads = ConcurrentHashMap.newKeySet();
        ScratchFs fs = new ScratchFs();
        fs.lookupHook = (r, name) -> {
            threads.add(Thread.currentThread().getName());
            return null;
        };
        for (int i = 0; i < 50; i++) fs.put("f" + i, "content of " + i);
        try (FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4lring")
                .ioUring(true).timeouts(Duration.ZERO).build())) {
            Assumptions.assumeTrue(m.session().negotiated().has(InitFlags.OVER_IO_URING), "kernel did not offer io_uring");
            assertTrue(m.session().ringQueues() > 0);
            Thread watchdog = abortIfStuck(m);
            for (int i = 0; i < 50; i++) assertEquals("content of " + i, Files.readString(mnt.resolve("f" + i)));
            byte[] big = new byte[2 << 20];
            for (int i = 0; i < big.length; i++) big[i] = (byte) (i % 251);
            Files.write(mnt.resolve("big"), big);
            assertArrayEquals(big, Files.readAllBytes(mnt.resolve("big")));
            try (Stream<Path> s = Files.list(mnt)) {
                assertEquals(51, s.count());
            }
            Files.delete(mnt.resolve("big"));
            assertTrue(threads.stream().allMatch(t -> t.contains("-ring")), "lookups served on " + threads);
            // Notifications still go through /dev/fuse.
            assertTrue(m.notifier().invalidateEntry(fs.root, "f1"));
            watchdog.interrupt();
        }
    }

    @Test
    void deferredRepliesAreCommittedByTheRingThread() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        ScratchFs fs = new ScratchFs();
        ScratchFs.Node n = fs.put("real", "answered later");
        java.util.concurrent.ScheduledExecutorService later = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        fs.lookupHook = (r, name) -> {
            if (!name.startsWith("later")) return null;
            Deferred<Entry<ScratchFs.Node>> d = r.defer();
            later.schedule(() -> d.complete(Entry.of(n, n.attr)), 50, java.util.concurrent.TimeUnit.MILLISECONDS);
            return Entry.negative(0);
        };
        try (FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4lring")
                .ioUring(true).timeouts(Duration.ZERO).build())) {
            Assumptions.assumeTrue(m.session().negotiated().has(InitFlags.OVER_IO_URING), "kernel did not offer io_uring");
            Thread watchdog = abortIfStuck(m);
            for (int i = 0; i < 20; i++) assertEquals("answered later", Files.readString(mnt.resolve("later" + i)));
            watchdog.interrupt();
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void ringsThatCannotBeMadeLeaveTheMountOnDevFuse() throws Exception {
        // With io_uring_disabled = 2 no process may create a ring. The kernel still offers FUSE io_uring in INIT;
        // accepting it without rings would hold every request forever, so the session must decline it.
        Path sysctl = Path.of("/proc/sys/kernel/io_uring_disabled");
        Assumptions.assumeTrue(Files.isWritable(sysctl), "no writable " + sysctl);
        String was = Files.readString(sysctl).trim();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        ScratchFs fs = new ScratchFs();
        fs.put("f", "served anyway");
        Files.writeString(sysctl, "2");
        try (FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4lring")
                .ioUring(true).timeouts(Duration.ZERO).build())) {
            Files.writeString(sysctl, was);
            Thread watchdog = abortIfStuck(m);
            assertEquals("served anyway", Files.readString(mnt.resolve("f")));
            assertEquals(0, m.session().ringQueues());
            assertTrue(!m.session().negotiated().has(InitFlags.OVER_IO_URING), "io_uring accepted without rings");
            watchdog.interrupt();
        } finally {
            Files.writeString(sysctl, was);
        }
    }

    /** A stuck ring must fail the test, not hang the build: abort the connection after 30 s. */
    static Thread abortIfStuck(FuseMount<?> m) {
        return Thread.ofPlatform().daemon(true).start(() -> {
            try {
                Thread.sleep(30_000);
                m.abort();
            } catch (InterruptedException done) {
                // the test finished in time
            } catch (java.io.IOException e) {
                // already gone
            }
        });
    }
}
