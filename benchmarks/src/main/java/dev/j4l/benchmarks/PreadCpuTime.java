package dev.j4l.benchmarks;

import dev.j4l.kernel.Fs;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

/**
 * The same comparison as {@link PreadBenchmark}, measured in the calling thread's CPU time instead of wall
 * time, with the two variants alternating in short blocks. On a machine with background load, wall-time
 * results swing with whatever else runs; CPU time excludes the time the thread was not on a CPU, and
 * alternating blocks expose both variants to the same conditions. Prints the median ns/op of each and the
 * ratio. Run through {@code bench/jmh-pread.sh --cpu-time}.
 */
public final class PreadCpuTime {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 256;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Path file = Files.createTempFile("j4l-cpu-pread", ".bin");
        try {
            byte[] data = new byte[BLOCK * BLOCKS];
            new Random(42).nextBytes(data);
            Files.write(file, data);
            Files.readAllBytes(file);
            try (OwnedFd fd = Fs.open(file.toString(), Fs.O_RDONLY);
                    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                NativeBuffer buf = NativeBuffer.allocate(BLOCK, BLOCK);
                ByteBuffer direct = ByteBuffer.allocateDirect(BLOCK);
                ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                long sink = 0;
                // Warm-up: both paths compiled before anything is measured.
                for (int i = 0; i < 10; i++) {
                    sink += j4l(fd, buf, calls);
                    sink += channel(ch, direct, calls);
                }
                double[] j = new double[rounds], c = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    boolean j4lFirst = (r & 1) == 0;
                    for (int k = 0; k < 2; k++) {
                        boolean doJ4l = (k == 0) == j4lFirst;
                        long t0 = mx.getCurrentThreadCpuTime();
                        sink += doJ4l ? j4l(fd, buf, calls) : channel(ch, direct, calls);
                        double ns = (double) (mx.getCurrentThreadCpuTime() - t0) / calls;
                        if (doJ4l) j[r] = ns;
                        else c[r] = ns;
                    }
                }
                double mj = median(j), mc = median(c);
                System.out.printf("CPU time per call, median of %d blocks of %d calls (alternating):%n", rounds, calls);
                System.out.printf("  FileChannel.read  %8.1f ns/op  (min %.1f, max %.1f)%n", mc, min(c), max(c));
                System.out.printf("  OwnedFd.pread     %8.1f ns/op  (min %.1f, max %.1f)%n", mj, min(j), max(j));
                System.out.printf("  ratio j4l/FileChannel: %.2fx   (checksum %d)%n", mj / mc, sink);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long j4l(OwnedFd fd, NativeBuffer buf, int calls) throws Exception {
        long s = 0;
        for (int i = 0; i < calls; i++) s += fd.pread(buf, 0, BLOCK, (long) (i & (BLOCKS - 1)) * BLOCK);
        return s + buf.getByte(0);
    }

    private static long channel(FileChannel ch, ByteBuffer direct, int calls) throws Exception {
        long s = 0;
        for (int i = 0; i < calls; i++) {
            direct.clear();
            s += ch.read(direct, (long) (i & (BLOCKS - 1)) * BLOCK);
        }
        return s + direct.get(0);
    }

    private static double median(double[] a) {
        double[] b = a.clone();
        Arrays.sort(b);
        return b.length % 2 == 1 ? b[b.length / 2] : (b[b.length / 2 - 1] + b[b.length / 2]) / 2;
    }

    private static double min(double[] a) {
        return Arrays.stream(a).min().orElse(Double.NaN);
    }

    private static double max(double[] a) {
        return Arrays.stream(a).max().orElse(Double.NaN);
    }
}
