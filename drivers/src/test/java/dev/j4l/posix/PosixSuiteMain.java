package dev.j4l.posix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the POSIX suite against any mounted directory:
 * {@code java -cp drivers/target/test-classes dev.j4l.posix.PosixSuiteMain DIR [CASE...]} (as root). Each case
 * gets a fresh subdirectory; prints one line per case and exits non-zero if any failed.
 */
public final class PosixSuiteMain {
    private PosixSuiteMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: PosixSuiteMain DIR [CASE...]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        List<String> only = Arrays.asList(args).subList(1, args.length);
        int failed = 0;
        for (PosixCases.Case c : PosixCases.all()) {
            if (!only.isEmpty() && !only.contains(c.name())) continue;
            Path d = Files.createDirectory(dir.resolve(c.name() + "-" + System.nanoTime()));
            try {
                c.run(d);
                System.out.println("ok   " + c.name());
            } catch (Throwable t) {
                failed++;
                String m = String.valueOf(t.getMessage());
                System.out.println("FAIL " + c.name() + ": " + (m.length() > 2000 ? m.substring(m.length() - 2000) : m));
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
