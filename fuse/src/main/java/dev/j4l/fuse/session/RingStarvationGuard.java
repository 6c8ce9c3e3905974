package dev.j4l.fuse.session;

import dev.j4l.kernel.CpuAffinity;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.SchedPolicy;
import dev.j4l.kernel.ThreadSchedStat;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the io_uring queue threads SCHED_IDLE, and keeps that from starving anything.
 *
 * <p>Why SCHED_IDLE: a queue thread commits a reply from inside io_uring_enter, and the kernel wakes the
 * request's caller right there. The scheduler puts a waking thread on an idle CPU when it sees one; the queue
 * thread's CPU is about to go idle but is not yet, so the caller is often woken on another,
 * halted CPU: an inter-processor wake-up, which costs tens of microseconds on a VM. A CPU whose only runnable
 * threads are SCHED_IDLE counts as idle, so the caller is woken where it called from, preempts the queue
 * thread, and the queue thread goes back to waiting when the caller blocks again (the traces are in
 * BENCHMARKS.md, "SCHED_IDLE queue threads"). Switching the policy around each
 * wait instead costs two system calls per request, which gave most of the gain back; so the threads stay
 * SCHED_IDLE.
 *
 * <p>What this thread guards against:
 * <ul>
 *   <li>Starvation. A SCHED_IDLE thread barely runs while a normal thread wants its CPU (BENCHMARKS.md,
 *       "The starvation guard"). A queue thread that is runnable at two
 *       samples in a row (4 ms) and got almost no CPU between them, while it has work waiting (a request the kernel has
 *       handed to its ring, or one it is serving), is
 *       given the normal policy for a while (0.1 s, doubling up to 60 s while starvation returns as soon as it
 *       goes back). Samples come every 2 ms while the queues are busy and back off to 64 ms while they are
 *       quiet.</li>
 *   <li>Inheritance. A thread inherits its creator's policy and CPU set, so a thread a driver starts from a
 *       request handler would be SCHED_IDLE and pinned to one CPU too. Every 50 ms while the queues run, the guard looks
 *       for new threads of the process and gives any SCHED_IDLE one that is not a queue thread the normal policy and
 *       the guard's own CPU set.</li>
 * </ul>
 */
final class RingStarvationGuard implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");
    static final long BUSY_PERIOD_NS = 2_000_000L, QUIET_PERIOD_NS = 64_000_000L;
    static final long MIN_HOLD_NS = 100_000_000L, MAX_HOLD_NS = 60_000_000_000L;
    /** Consecutive starved samples before a hold: 4 ms while busy. */
    static final int STARVED_SAMPLES = 2;
    static final long THREAD_SCAN_NS = 50_000_000L;

    /** One watched queue thread; the fields are the guard thread's own. */
    static final class Watched {
        final RingQueue queue;
        final ThreadSchedStat stat;
        volatile boolean gone;
        boolean normalHeld;
        int starvedSamples;
        long lastRun;
        long normalUntil;
        long hold = MIN_HOLD_NS;
        long releasedAt;
        boolean releasedBefore;

        Watched(RingQueue queue, ThreadSchedStat stat) {
            this.queue = queue;
            this.stat = stat;
        }
    }

    private final String label;
    private final CopyOnWriteArrayList<Watched> watched = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Watched> retired = new ConcurrentLinkedQueue<>();
    private final Set<Integer> seenThreads = new HashSet<>();
    private volatile Thread thread;
    private volatile boolean stopping;
    private volatile long holds;

    RingStarvationGuard(String label) {
        this.label = label;
    }

    /**
     * Called on a queue thread as it starts: watches it and makes it SCHED_IDLE. Returns the handle for
     * {@link #unwatch}, or null when the thread keeps the normal policy.
     */
    Watched watch(RingQueue queue, int tid) {
        int qid = queue.qid;
        ThreadSchedStat stat;
        try {
            stat = ThreadSchedStat.open(tid);
        } catch (KernelException e) {
            LOG.log(Level.INFO, "FUSE io_uring queue " + qid + " keeps the normal policy: " + e.getMessage());
            return null;
        }
        Watched w = new Watched(queue, stat);
        watched.add(w);
        try {
            SchedPolicy.IDLE.apply(tid);
        } catch (KernelException e) {
            unwatch(w);
            LOG.log(Level.INFO, "FUSE io_uring queue " + qid + " keeps the normal policy: " + e.getMessage());
            return null;
        }
        return w;
    }

    /** The queue thread is ending: stop watching it. */
    void unwatch(Watched w) {
        w.gone = true;
        watched.remove(w);
        retired.add(w); // closed by the guard thread, which may be sampling it right now
        LockSupport.unpark(thread);
    }

    /** How many times a starving queue thread was given the normal policy. */
    long holds() {
        return holds;
    }

    List<Integer> threadIds() {
        List<Integer> ids = new ArrayList<>();
        for (Watched w : watched) if (!w.gone) ids.add(w.stat.tid());
        return ids;
    }

    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
    }

    /**
     * Starts the guard thread; called before the queue threads start, from a thread that is neither pinned nor
     * SCHED_IDLE, so the guard inherits neither and its CPU set is the one inherited threads are given back.
     */
    synchronized void start() {
        if (thread != null || stopping) return;
        thread = Thread.ofPlatform().daemon(true).name("j4l-fuse-" + label + "-ring-guard").start(this);
    }

    /** The CPUs a thread of this process may use unless pinned: the guard's own, read as it starts. */
    private BitSet allCpus;

    @Override
    public void run() {
        try {
            allCpus = CpuAffinity.of(0);
        } catch (KernelException e) {
            allCpus = null;
        }
        long period = BUSY_PERIOD_NS;
        long lastScan = System.nanoTime();
        boolean ranSinceScan = true;
        try {
            // Runs until the session stops and every queue thread has ended, so each stat file is closed here.
            while (!(stopping && watched.isEmpty())) {
                LockSupport.parkNanos(period);
                closeRetired();
                if (stopping) continue;
                long now = System.nanoTime();
                boolean busy = false;
                for (Watched w : watched) {
                    if (w.gone) continue;
                    try {
                        w.stat.sample();
                    } catch (KernelException e) {
                        continue; // the thread has just ended; unwatch follows
                    }
                    long ran = w.stat.runNanos() - w.lastRun;
                    boolean runnable = w.stat.runnable();
                    if (ran > 0 || runnable) busy = true;
                    // Runnable with almost no CPU since the last sample, several samples in a row, with work
                    // waiting: a queue thread merely preempted after its last reply, with nothing to do, is left
                    // alone.
                    boolean starved = !w.normalHeld && runnable && ran < period / 8 && w.queue.hasWork();
                    w.starvedSamples = starved ? w.starvedSamples + 1 : 0;
                    if (w.starvedSamples >= STARVED_SAMPLES) {
                        hold(w, now);
                        w.starvedSamples = 0;
                    } else if (w.normalHeld && now - w.normalUntil >= 0) {
                        release(w, now);
                    }
                    w.lastRun = w.stat.runNanos();
                }
                period = busy ? BUSY_PERIOD_NS : Math.min(QUIET_PERIOD_NS, period * 2);
                ranSinceScan |= busy;
                // Only queue threads that ran can have started threads: a quiet daemon does not list its threads.
                if (ranSinceScan && now - lastScan >= THREAD_SCAN_NS) {
                    lastScan = now;
                    ranSinceScan = false;
                    fixInherited();
                }
            }
        } finally {
            closeRetired();
            for (Watched w : watched) w.stat.close();
        }
    }

    private void closeRetired() {
        for (Watched w; (w = retired.poll()) != null; ) w.stat.close();
    }

    private void hold(Watched w, long now) {
        try {
            SchedPolicy.NORMAL.apply(w.stat.tid());
        } catch (KernelException e) {
            if (!w.gone) LOG.log(Level.WARNING, "FUSE io_uring queue " + w.queue.qid + " is starving and cannot leave SCHED_IDLE: "
                    + e.getMessage());
            return;
        }
        holds++;
        // Starving again right after the last hold ended means the load is lasting: hold longer.
        w.hold = w.releasedBefore && now - w.releasedAt < 2 * w.hold ? Math.min(MAX_HOLD_NS, 2 * w.hold) : MIN_HOLD_NS;
        w.normalUntil = now + w.hold;
        w.normalHeld = true;
        LOG.log(Level.DEBUG, () -> "FUSE io_uring queue " + w.queue.qid + " of " + label + " was starving: normal policy for "
                + w.hold / 1_000_000 + " ms");
    }

    private void release(Watched w, long now) {
        try {
            SchedPolicy.IDLE.apply(w.stat.tid());
        } catch (KernelException e) {
            return; // stays normal: slower wake-ups, never starving
        }
        w.normalHeld = false;
        w.releasedAt = now;
        w.releasedBefore = true;
    }

    /** Gives threads that inherited SCHED_IDLE (and a pinned CPU) from a queue thread the normal policy and every CPU. */
    private void fixInherited() {
        Set<Integer> queues = new HashSet<>();
        for (Watched w : watched) queues.add(w.stat.tid());
        Set<Integer> present = new HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path p : ds) {
                int tid;
                try {
                    tid = Integer.parseInt(p.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                present.add(tid);
                if (seenThreads.contains(tid) || queues.contains(tid)) continue;
                try {
                    if (SchedPolicy.of(tid) == SchedPolicy.IDLE) {
                        SchedPolicy.NORMAL.apply(tid);
                        // It inherited the queue thread's CPU too.
                        if (allCpus != null) CpuAffinity.set(tid, allCpus);
                        LOG.log(Level.DEBUG, () -> "FUSE: thread " + tid + " inherited SCHED_IDLE from an io_uring queue "
                                + "thread of " + label + "; given the normal policy and every CPU");
                    }
                } catch (KernelException e) {
                    // the thread has just ended
                }
            }
        } catch (IOException e) {
            return;
        }
        seenThreads.retainAll(present);
        seenThreads.addAll(present);
    }
}
