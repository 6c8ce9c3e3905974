package dev.j4l.kernel;

import dev.j4l.kernel.raw.LibcProcess;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Which CPU the calling thread may run on ({@code sched_setaffinity(2)}, per thread). */
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
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mask = a.allocate(MASK_BYTES, 8);
            mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            int r = LibcProcess.schedSetaffinityCurrent(mask);
            if (r < 0) throw KernelException.of("sched_setaffinity", "cpu " + cpu, r);
        }
    }
}
