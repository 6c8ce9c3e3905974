package dev.j4l.kernel;

import dev.j4l.kernel.raw.LibcProcess;
import dev.j4l.kernel.raw.Native;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scheduling policy of one thread of this process ({@code sched_setscheduler(2)}): the two non-real-time
 * policies a server may choose between.
 */
public enum SchedPolicy {
    /** SCHED_OTHER: the default, a fair share of the CPU. */
    NORMAL(0),
    /**
     * SCHED_IDLE: runs only when no normal thread on its CPU wants to, and its CPU counts as idle when the
     * scheduler places a waking thread. A thread may enter it freely; leaving it needs CAP_SYS_NICE.
     */
    IDLE(5);

    private final int number;

    SchedPolicy(int number) {
        this.number = number;
    }

    /** Gives thread {@code tid} (see {@link Credentials#tid()}) of this process this policy. */
    public void apply(int tid) throws KernelException {
        Native.Scratch s = Native.scratch();
        MemorySegment param = s.allocate(ValueLayout.JAVA_INT); // sched_priority: 0 for both policies
        param.set(ValueLayout.JAVA_INT, 0, 0);
        // SAFETY: param is the 4-byte struct sched_param (sched_priority) the kernel reads; scratch made just above.
        int r = LibcProcess.schedSetscheduler(tid, number, param);
        if (r < 0) throw KernelException.of("sched_setscheduler", name() + " for thread " + tid, r);
    }

    /** The policy of thread {@code tid}, or null for one that is neither (a real-time or deadline policy). */
    public static SchedPolicy of(int tid) throws KernelException {
        int r = LibcProcess.schedGetscheduler(tid);
        if (r < 0) throw KernelException.of("sched_getscheduler", "thread " + tid, r);
        for (SchedPolicy p : values()) if (p.number == r) return p;
        return null;
    }

    /** Whether a thread put in {@link #IDLE} can be given {@link #NORMAL} back: CAP_SYS_NICE. */
    public static boolean canLeaveIdle() {
        try {
            return Capabilities.has(Capabilities.CAP_SYS_NICE);
        } catch (KernelException e) {
            return false;
        }
    }
}
