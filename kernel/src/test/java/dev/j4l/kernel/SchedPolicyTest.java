package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Thread policies and scheduler statistics, on the real scheduler. */
class SchedPolicyTest {

    @Test
    void aThreadGoesIdleAndComesBack() throws Exception {
        Assumptions.assumeTrue(SchedPolicy.canLeaveIdle(), "no CAP_SYS_NICE");
        CompletableFuture<String> seen = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                int tid = Credentials.tid();
                StringBuilder b = new StringBuilder().append(SchedPolicy.of(tid));
                SchedPolicy.IDLE.apply(tid);
                b.append(' ').append(SchedPolicy.of(tid));
                // A thread inherits its creator's policy.
                CompletableFuture<SchedPolicy> child = new CompletableFuture<>();
                Thread c = Thread.ofPlatform().start(() -> {
                    try {
                        child.complete(SchedPolicy.of(Credentials.tid()));
                    } catch (KernelException e) {
                        child.completeExceptionally(e);
                    }
                });
                c.join();
                b.append(' ').append(child.get());
                SchedPolicy.NORMAL.apply(tid);
                b.append(' ').append(SchedPolicy.of(tid));
                seen.complete(b.toString());
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        });
        t.join();
        assertEquals("NORMAL IDLE IDLE NORMAL", seen.get());
    }

    @Test
    void aPinnedThreadPassesItsCpuToThreadsItStartsAndCanBeUnpinned() throws Exception {
        java.util.BitSet all = CpuAffinity.of(0);
        int cpu = all.nextSetBit(0);
        CompletableFuture<java.util.BitSet[]> seen = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                CpuAffinity.pinCurrentThread(cpu);
                java.util.BitSet mine = CpuAffinity.of(0);
                CompletableFuture<java.util.BitSet> child = new CompletableFuture<>();
                Thread.ofPlatform().start(() -> {
                    try {
                        child.complete(CpuAffinity.of(0));
                    } catch (KernelException e) {
                        child.completeExceptionally(e);
                    }
                }).join();
                CpuAffinity.set(Credentials.tid(), all);
                seen.complete(new java.util.BitSet[] {mine, child.get(), CpuAffinity.of(0)});
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        }).join();
        java.util.BitSet one = new java.util.BitSet();
        one.set(cpu);
        java.util.BitSet[] s = seen.get();
        assertEquals(one, s[0]);
        assertEquals(one, s[1], "a new thread starts with its creator's CPUs");
        assertEquals(all, s[2]);
        assertThrows(IllegalArgumentException.class, () -> CpuAffinity.set(0, new java.util.BitSet()));
    }

    @Test
    void noSuchThread() {
        KernelException e = assertThrows(KernelException.class, () -> SchedPolicy.NORMAL.apply(Integer.MAX_VALUE - 1));
        assertEquals(Errno.ESRCH, e.errno());
    }

    @Test
    void schedStatSeesASpinningAndASleepingThread() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger spinnerTid = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        Thread spinner = Thread.ofPlatform().start(() -> {
            spinnerTid.set(Credentials.tid());
            started.countDown();
            while (!stop.get()) Thread.onSpinWait();
        });
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger sleeperTid = new AtomicInteger();
        CountDownLatch sleeping = new CountDownLatch(1);
        Thread sleeper = Thread.ofPlatform().start(() -> {
            sleeperTid.set(Credentials.tid());
            sleeping.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        started.await();
        sleeping.await();
        Thread.sleep(50);
        try (ThreadSchedStat s = ThreadSchedStat.open(spinnerTid.get());
                ThreadSchedStat z = ThreadSchedStat.open(sleeperTid.get())) {
            s.sample();
            long run0 = s.runNanos();
            long slices0 = s.timeslices();
            // On an idle machine the spinner runs 20 ms within the first 100 ms; on a busy one it gets a share of a
            // CPU, so the window grows until it has (10 s at most).
            long waited = 0;
            do {
                Thread.sleep(100);
                waited += 100;
                s.sample();
            } while (s.runNanos() - run0 <= 20_000_000L && waited < 10_000);
            assertTrue(s.runnable(), "a spinning thread is runnable");
            assertTrue(s.runNanos() - run0 > 20_000_000L, "ran " + (s.runNanos() - run0) + " ns in " + waited + " ms");
            assertTrue(s.timeslices() >= slices0);
            z.sample();
            assertFalse(z.runnable(), "a thread waiting on a latch sleeps");
            assertEquals(sleeperTid.get(), z.tid());
            stop.set(true);
            release.countDown();
            spinner.join();
            sleeper.join();
            // Once the thread is gone (join returns a little before the kernel task exits), a sample fails loudly
            // instead of reporting stale numbers.
            long deadline = System.nanoTime() + 5_000_000_000L;
            boolean failed = false;
            while (!failed && System.nanoTime() < deadline) {
                try {
                    s.sample();
                    Thread.sleep(10);
                } catch (KernelException e) {
                    failed = true;
                }
            }
            assertTrue(failed, "a sample of an ended thread still succeeds");
        }
    }
}
