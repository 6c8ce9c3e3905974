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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
            // SCHED_IDLE each, unless the guard holds it at the normal policy already: on a busy machine the first
            // requests starve.
            for (int tid : rings) {
                SchedPolicy p = SchedPolicy.of(tid);
                assertTrue(p == SchedPolicy.IDLE || guardHasHeld(m), "queue thread " + tid + " runs " + p + " unheld");
            }

            // A normal thread spinning on every CPU: a SCHED_IDLE queue thread alone would get almost no CPU, so the
            // guard must give the starving queue threads the normal policy.
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
            List<Integer> caller = List.of(Credentials.tid());
            long[] queue0 = schedStats(rings), caller0 = schedStats(caller);
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
            long[] queue1 = schedStats(rings), caller1 = schedStats(caller);
            // Starving is waiting for the CPU. Left SCHED_IDLE beside the spinners a queue thread waited about 30 ms
            // for each time slice, the caller 0.05 ms: nearly all of the 2 s, for 21 lookups. Given the normal
            // policy it waits about as long as the caller, which is a normal thread sharing the same CPUs: a
            // measure that holds however busy the machine is, unlike a count of lookups per second.
            long queueWait = queue1[1] - queue0[1], queueSlices = queue1[2] - queue0[2];
            long callerWait = caller1[1] - caller0[1], callerSlices = caller1[2] - caller0[2];
            assertTrue(lookups > 0 && queueSlices > 0 && callerSlices > 0, lookups + " lookups");
            long allowedPerSlice = 10 * callerWait / callerSlices + 100_000;
            assertTrue(queueWait <= queueSlices * allowedPerSlice, "queue threads waited " + queueWait / queueSlices
                    + " ns for each of " + queueSlices + " time slices, the caller " + callerWait / callerSlices
                    + " ns (" + lookups + " lookups in 2 s)");
            assertTrue(m.session().ringStarvationHolds() > 0, "no queue thread was found starving");
            watchdog.interrupt();
        }
    }

    @Test
    void threadsStartedOnTheRingsGetTheNormalPolicy() throws Exception {
        Assumptions.assumeTrue(SchedPolicy.canLeaveIdle(), "no CAP_SYS_NICE to undo SCHED_IDLE");
        Path mnt = mounts.dir("mnt");
        ScratchFs fs = new ScratchFs();
        AtomicReference<FuseMount<ScratchFs.Node>> mounted = new AtomicReference<>();
        AtomicBoolean started = new AtomicBoolean();
        CompletableFuture<Integer> child = new CompletableFuture<>();
        AtomicBoolean startedOnRing = new AtomicBoolean();
        CountDownLatch release = new CountDownLatch(1);
        fs.lookupHook = (r, name) -> {
            FuseMount<ScratchFs.Node> m = mounted.get();
            if (!name.startsWith("spawn") || m == null || started.get()) return null;
            try {
                int self = Credentials.tid();
                // A driver starts a thread from a handler while the queue thread runs SCHED_IDLE, pinned to its CPU:
                // the thread inherits both. On a busy machine the guard holds starving queue threads at the normal
                // policy, so this one is made SCHED_IDLE for the start, as it runs when the machine is quiet.
                SchedPolicy was = SchedPolicy.of(self);
                long holds = m.session().ringStarvationHolds();
                SchedPolicy.IDLE.apply(self);
                try {
                    CompletableFuture<Integer> tid = new CompletableFuture<>();
                    Thread.ofPlatform().daemon(true).start(() -> {
                        tid.complete(Credentials.tid());
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            // the test is over
                        }
                    });
                    // Born SCHED_IDLE unless the guard gave this thread the normal policy meanwhile (it only does so
                    // by a hold, which it counts): then the next name tries again.
                    if (SchedPolicy.of(self) == SchedPolicy.IDLE && m.session().ringStarvationHolds() == holds) {
                        started.set(true);
                        startedOnRing.set(Thread.currentThread().getName().contains("-ring"));
                        tid.thenAccept(child::complete);
                    }
                } finally {
                    was.apply(self);
                }
            } catch (KernelException e) {
                child.completeExceptionally(e);
            }
            return null;
        };
        try (FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4lring")
                .ioUring(true).timeouts(Duration.ZERO).build())) {
            Assumptions.assumeTrue(m.session().negotiated().has(InitFlags.OVER_IO_URING), "kernel did not offer io_uring");
            mounted.set(m);
            Thread watchdog = abortIfStuck(m);
            // Lookups go on while the thread starts and after: the guard looks for new threads only while the queues
            // have work.
            int name = 0;
            while (!child.isDone()) assertFalse(Files.exists(mnt.resolve("spawn" + name++)));
            int tid = child.get();
            assertTrue(startedOnRing.get(), "the lookup was not served on a queue thread");
            // The thread inherited the queue thread's single CPU too, and is given back the process's CPU set.
            while (SchedPolicy.of(tid) != SchedPolicy.NORMAL || !CpuAffinity.of(tid).equals(CpuAffinity.of(0))) {
                assertFalse(Files.exists(mnt.resolve("spawn" + name++)));
                Thread.sleep(10);
            }
            release.countDown();
            watchdog.interrupt();
        } finally {
            release.countDown();
        }
    }

    /**
     * Whether the starvation guard has given a queue thread the normal policy. It counts a hold just after making it,
     * so a thread seen normal may be counted a moment later.
     */
    private static boolean guardHasHeld(FuseMount<?> m) throws InterruptedException {
        for (int i = 0; i < 500 && m.session().ringStarvationHolds() == 0; i++) Thread.sleep(10);
        return m.session().ringStarvationHolds() > 0;
    }

    /** Sums of {@code /proc/self/task/TID/schedstat} over {@code tids}: time run, time waited to run, time slices. */
    private static long[] schedStats(List<Integer> tids) throws java.io.IOException {
        long[] sum = new long[3];
        for (int tid : tids) {
            String[] f = Files.readString(Path.of("/proc/self/task/" + tid + "/schedstat")).strip().split(" ");
            for (int i = 0; i < 3; i++) sum[i] += Long.parseLong(f[i]);
        }
        return sum;
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
