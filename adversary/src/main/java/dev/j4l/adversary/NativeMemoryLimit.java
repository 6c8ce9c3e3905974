package dev.j4l.adversary;

import dev.j4l.kernel.BufferPool;
import dev.j4l.kernel.NativeBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Native memory without a ceiling. NativeBuffer.allocate of 64 KiB and more is an anonymous mapping nobody
 * accounts for, so a driver can reserve far more than the machine has (the kernel overcommits untouched
 * pages) and the process dies when the pages are touched, or the OOM killer picks another: 64 GiB in 1 GiB
 * buffers, all held, never touched. Smaller requests and BufferPool go through the JDK, whose limit answers
 * with OutOfMemoryError — an Error a driver framework cannot recover from — so one absurd buffer (1 PiB) and
 * one absurd pool (64 x 1 GiB) are tried too.
 *
 * <p>Refused: an exception that is not an Error (dev.j4l.kernel.NativeMemoryLimitException after the fix).
 * Break: everything was granted, or an OutOfMemoryError.
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
        Findings findings = new Findings();
        findings.expectRefusalExplained("NativeBuffer.allocate(1 PiB)", () -> "granted " + NativeBuffer.allocate(1L << 50));
        findings.expectRefusalExplained("new BufferPool(64, 1 GiB)", () -> "granted " + new BufferPool(64, GIB).capacity() + " GiB");
        findings.expectRefusalExplained("new BufferPool(2^31 - 1, 1)",
                () -> "granted " + new BufferPool(Integer.MAX_VALUE, 1).capacity() + " buffers");
        findings.expectRefusalExplained("new Poller(2^31 - 1)",
                () -> "granted a poller of " + new dev.j4l.kernel.Poller(Integer.MAX_VALUE).size() + " registrations");
        findings.expectRefusalExplained("Fs.open of a 100,000-character path",
                () -> "opened " + dev.j4l.kernel.Fs.open("/" + "a".repeat(100_000), dev.j4l.kernel.Fs.O_RDONLY));
        findings.expectRefusalExplained(STEPS + " x NativeBuffer.allocate(1 GiB), all held", () -> {
            List<NativeBuffer> held = new ArrayList<>();
            try {
                for (int i = 0; i < STEPS; i++) held.add(NativeBuffer.allocate(GIB));
            } catch (RuntimeException | Error e) {
                System.err.println("native-memory-limit: stopped after " + held.size() + " GiB by " + e);
                held.clear();
                throw e;
            }
            return "granted " + held.size() + " GiB of native memory in 1 GiB buffers (the machine has " + physicalGiB() + " GiB)";
        });
        return findings.verdict();
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
