package dev.j4l.kernel;

import dev.j4l.kernel.raw.LibcProcess;
import dev.j4l.kernel.raw.Native;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;

/**
 * Which CPUs a thread of this process may run on ({@code sched_setaffinity(2)}, per thread). A new thread
 * starts with its creator's set.
 */
public final class CpuAffinity {
    private CpuAffinity() {}

    /** Room for 1024 CPUs, glibc's cpu_set_t. */
    private static final int MASK_BYTES = 128;

    /**
     * Lets the calling platform thread run only on {@code cpu}. Used where the kernel hands work to a
     * per-CPU queue (FUSE over io_uring) and the thread serving it should stay on that CPU.
     */
    public static void pinCurrentThread(int cpu) throws KernelException {
        if (cpu < 0 || cpu >= MASK_BYTES * 8) throw new IllegalArgumentException("cpu " + cpu + " out of range");
        BitSet one = new BitSet();
        one.set(cpu);
        set(0, one);
    }

    /** The CPUs thread {@code tid} (see {@link Credentials#tid()}; 0 for the caller) may run on. */
    public static BitSet of(int tid) throws KernelException {
        MemorySegment mask = Native.scratch().allocate(MASK_BYTES, 8);
        // SAFETY: mask has 128 bytes and the raw call passes cpusetsize = mask.byteSize(), the most the kernel writes.
        int r = LibcProcess.schedGetaffinity(tid, mask);
        if (r < 0) throw KernelException.of("sched_getaffinity", "thread " + tid, r);
        return BitSet.valueOf(mask.toArray(ValueLayout.JAVA_BYTE));
    }

    /** Lets thread {@code tid} (0 for the caller) run only on {@code cpus}. */
    public static void set(int tid, BitSet cpus) throws KernelException {
        if (cpus.isEmpty() || cpus.length() > MASK_BYTES * 8) throw new IllegalArgumentException("cpus " + cpus);
        MemorySegment mask = Native.scratch().allocate(MASK_BYTES, 8); // zeroed
        byte[] bytes = cpus.toByteArray();
        MemorySegment.copy(bytes, 0, mask, ValueLayout.JAVA_BYTE, 0, bytes.length);
        // SAFETY: mask has 128 bytes and the raw call passes cpusetsize = mask.byteSize(), the most the kernel reads.
        int r = LibcProcess.schedSetaffinity(tid, mask);
        if (r < 0) throw KernelException.of("sched_setaffinity", "thread " + tid + " to cpus " + cpus, r);
    }
}
