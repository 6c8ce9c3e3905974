package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.abi.FuseAbi.InitFlags;
import dev.j4l.kernel.CpuAffinity;
import dev.j4l.kernel.Credentials;
import dev.j4l.kernel.FuseIoUringSwitch;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.SchedPolicy;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FUSE-over-io_uring (experimental): requests arrive on the rings, FORGET and notifications stay on /dev/fuse. */
class IoUringTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();
    String before;

    @BeforeEach
    void enable() throws Exception {
        Needs.fuse();
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
        Path mnt = mounts.dir("mnt");
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
        Path mnt = mounts.dir("mnt");
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
        Path mnt = mounts.dir("mnt");
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

    @Test
    void ringThreadsRunIdleYetServeUnderCpuLoad() throws Exception {
        Assumptions.assumeTrue(SchedPolicy.canLeaveIdle(), "no CAP_SYS_NICE to undo SCHED_IDLE");
        Path mnt = mounts.dir("mnt");
        ScratchFs fs = new ScratchFs();
        fs.put("f", "x");
        try (FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4lring")
                .ioUring(true).timeouts(Duration.ZERO).build())) {
            Assumptions.assumeTrue(m.session().negotiated().has(InitFlags.OVER_IO_URING), "kernel did not offer io_uring");
            Thread watchdog = abortIfStuck(m);
            Files.readAttributes(mnt.resolve("f"), BasicFileAttributes.class); // every queue thread is up
            List<Integer> rings = m.session().idleRingThreads();
            assertEquals(m.session().ringQueues(), rings.size());
            for (int tid : rings) assertEquals(SchedPolicy.IDLE, SchedPolicy.of(tid), "queue thread " + tid);

            // A normal thread spinning on every CPU: a SCHED_IDLE queue thread alone would get almost no CPU
            // (284 lookups/s measured), so the guard must give the starving queue threads the normal policy.
            AtomicBoolean stop = new AtomicBoolean();
            int cpus = Runtime.getRuntime().availableProcessors();
            List<Thread> spinners = new ArrayList<>();
            for (int cpu = 0; cpu < cpus; cpu++) {
                int c = cpu;
                spinners.add(Thread.ofPlatform().daemon(true).start(() -> {
                    try {
                        CpuAffinity.pinCurrentThread(c);
                    } catch (KernelException e) {
                        return;
                    }
                    while (!stop.get()) Thread.onSpinWait();
                }));
            }
            int lookups = 0;
            long end = System.nanoTime() + 2_000_000_000L;
            try {
                while (System.nanoTime() < end) {
                    Files.readAttributes(mnt.resolve("f"), BasicFileAttributes.class); // a LOOKUP each: no caching
                    lookups++;
                }
            } finally {
                stop.set(true);
                for (Thread t : spinners) t.join();
            }
            assertTrue(lookups > 4000, "only " + lookups + " lookups in 2 s under CPU load");
            assertTrue(m.session().ringStarvationHolds() > 0, "no queue thread was found starving");
            watchdog.interrupt();
        }
    }

    @Test
    void threadsStartedOnTheRingsGetTheNormalPolicy() throws Exception {
        Assumptions.assumeTrue(SchedPolicy.canLeaveIdle(), "no CAP_SYS_NICE to undo SCHED_IDLE");
        Path mnt = mounts.dir("mnt");
        ScratchFs fs = new ScratchFs();
        CompletableFuture<int[]> child = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        fs.lookupHook = (r, name) -> {
            if (!name.startsWith("spawn") || child.isDone()) return null;
            boolean onRing = Thread.currentThread().getName().contains("-ring");
            try {
                // The guard may hold a queue thread normal for a while (it starved): then try the next name.
                if (SchedPolicy.of(Credentials.tid()) != SchedPolicy.IDLE) return null;
            } catch (KernelException e) {
                return null;
            }
            // A driver starting a thread from a handler: the thread inherits the queue thread's policy.
            Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    int tid = Credentials.tid();
                    child.complete(new int[] {tid, SchedPolicy.of(tid) == SchedPolicy.IDLE ? 1 : 0, onRing ? 1 : 0});
                    release.await();
                } catch (Exception e) {
                    child.completeExceptionally(e);
                }
            });
            return null;
        };
        try (FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4lring")
                .ioUring(true).timeouts(Duration.ZERO).build())) {
            Assumptions.assumeTrue(m.session().negotiated().has(InitFlags.OVER_IO_URING), "kernel did not offer io_uring");
            Thread watchdog = abortIfStuck(m);
            for (int i = 0; i < 200 && !child.isDone(); i++) {
                assertFalse(Files.exists(mnt.resolve("spawn" + i)));
                if (!child.isDone()) Thread.sleep(10);
            }
            int[] seen = child.get(10, TimeUnit.SECONDS);
            assertEquals(1, seen[2], "the lookup was not served on a queue thread");
            assertEquals(1, seen[1], "the thread did not start SCHED_IDLE, so this test shows nothing");
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (SchedPolicy.of(seen[0]) != SchedPolicy.NORMAL && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(SchedPolicy.NORMAL, SchedPolicy.of(seen[0]), "the inherited SCHED_IDLE was not undone");
            // The queue thread's single CPU was inherited too, and is undone with the policy.
            assertEquals(CpuAffinity.of(0), CpuAffinity.of(seen[0]), "the thread stays pinned to its queue's CPU");
            release.countDown();
            watchdog.interrupt();
        } finally {
            release.countDown();
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
