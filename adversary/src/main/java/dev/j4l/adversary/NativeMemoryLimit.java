package dev.j4l.adversary;

import dev.j4l.kernel.NativeBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * NativeBuffer.allocate has no ceiling: buffers of 64 KiB and more are anonymous mappings nobody accounts
 * for, so a driver can reserve far more than the machine has (the kernel overcommits untouched pages) and
 * the process dies when the pages are touched, or the OOM killer picks another. 64 GiB in 1 GiB buffers,
 * all held, never touched.
 *
 * <p>Refused: an exception that is not an Error (dev.j4l.kernel.NativeMemoryLimitException after the fix).
 * Break: everything was granted, or an OutOfMemoryError (the JVM's own failure, not a refusal).
 */
final class NativeMemoryLimit implements Attack {
    private static final long GIB = 1L << 30;
    private static final int STEPS = 64;

    @Override
    public String name() {
        return "native-memory-limit";
    }

    @Override
    public Verdict run() {
        List<NativeBuffer> held = new ArrayList<>();
        try {
            for (int i = 0; i < STEPS; i++) held.add(NativeBuffer.allocate(GIB));
        } catch (OutOfMemoryError e) {
            int n = held.size();
            held.clear();
            return new Verdict.Broken("OutOfMemoryError after " + n + " GiB (an Error, not a refusal): " + e.getMessage());
        } catch (RuntimeException e) {
            int n = held.size();
            held.clear();
            System.err.println("native-memory-limit: refused after " + n + " GiB");
            return Verdict.refused(e);
        }
        return new Verdict.Broken("granted " + held.size() + " GiB of native memory in 1 GiB buffers (machine has "
                + physicalGiB() + " GiB), no exception");
    }

    private static String physicalGiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) return String.valueOf(Long.parseLong(line.replaceAll("\\D", "")) >> 20);
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return "?";
        }
        return "?";
    }
}
