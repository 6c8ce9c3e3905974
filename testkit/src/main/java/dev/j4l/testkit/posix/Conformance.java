package dev.j4l.testkit.posix;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The differential check of one {@link PosixCases.Case}, without a test framework: the case runs on a reference
 * directory first, then on each target, each time in a fresh subdirectory. {@link PosixSuite} turns the
 * {@link Verdict}s into JUnit tests; {@code j4l conform} prints them as a table.
 *
 * <p>A case the reference fails is not held against a target (the case, or the machine, is broken). A case that
 * acts as a second user ({@code nobody}) cannot pass on a target that only its owner may enter, so it is skipped
 * there with that reason.
 */
public final class Conformance {
    private Conformance() {}

    /** A directory under test: a name for messages, its root, and whether users other than root may enter. */
    public record Target(String name, Path root, boolean othersMayEnter) {
        /** A target every user may enter ({@code allow_other}): every case runs on it. */
        public static Target of(String name, Path root) {
            return new Target(name, root, true);
        }

        /** A target only the mounting user may enter: cases that act as a second user are skipped on it. */
        public static Target ownerOnly(String name, Path root) {
            return new Target(name, root, false);
        }
    }

    /** What one case did on one target. */
    public sealed interface Verdict {
        /** The target under test. */
        Target target();

        /** How long the case ran on the target (zero when it did not run there). */
        Duration took();
    }

    /** The case behaved on the target as on the reference. */
    public record Passed(Target target, Duration took) implements Verdict {}

    /** The reference passes the case and the target does not; {@code cause} is what the target did. */
    public record Failed(Target target, Duration took, Throwable cause) implements Verdict {
        /** The first line of the failure, for a table. */
        public String summary() {
            String m = String.valueOf(cause.getMessage()).strip();
            int nl = m.lastIndexOf('\n');
            // Python's traceback ends with the assertion; that last line is the one that says what differed.
            return nl < 0 ? m : m.substring(nl + 1).strip();
        }
    }

    /** The case was not held against the target, and why. */
    public record Skipped(Target target, Duration took, String reason) implements Verdict {}

    /**
     * Runs {@code c} on {@code reference}, then on each target. {@code knownDifferences} (case name to reason)
     * turns a target's failure of a listed case into a {@link Skipped} with that reason.
     */
    public static List<Verdict> check(PosixCases.Case c, Path reference, List<Target> targets,
            Map<String, String> knownDifferences) {
        int nobodyRuns = Python.nobodyRuns();
        Throwable referenceFailure = run(c, reference);
        List<Verdict> verdicts = new ArrayList<>();
        if (referenceFailure != null) {
            String why = "the reference " + reference + " fails this case too: " + firstLine(referenceFailure);
            for (Target t : targets) verdicts.add(new Skipped(t, Duration.ZERO, why));
            return verdicts;
        }
        boolean actsAsSecondUser = Python.nobodyRuns() != nobodyRuns;
        for (Target t : targets) {
            if (actsAsSecondUser && !t.othersMayEnter()) {
                verdicts.add(new Skipped(t, Duration.ZERO,
                        "acts as a second user, whom a mount without allow_other does not let in"));
                continue;
            }
            long start = System.nanoTime();
            Throwable failure = run(c, t.root());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String known = knownDifferences.get(c.name());
            if (failure == null) verdicts.add(new Passed(t, took));
            else if (known != null) verdicts.add(new Skipped(t, took, "known difference from the reference: " + known));
            else verdicts.add(new Failed(t, took, failure));
        }
        return verdicts;
    }

    /** Runs the case in a fresh directory of {@code root}; the failure, or null when it passed. */
    private static Throwable run(PosixCases.Case c, Path root) {
        try {
            c.run(fresh(root, c.name()));
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage()).strip();
        int nl = m.lastIndexOf('\n');
        return nl < 0 ? m : m.substring(nl + 1).strip();
    }

    /** A new empty directory in {@code root} named after the case (with a suffix when that is taken). */
    static Path fresh(Path root, String name) throws Exception {
        for (int n = 1; ; n++) {
            try {
                return Files.createDirectory(root.resolve(n == 1 ? name : name + "-" + n));
            } catch (FileAlreadyExistsException taken) {
                // try the next suffix
            }
        }
    }

    /**
     * Whether the user {@code nobody} may enter {@code dir}: false on a FUSE mount without {@code allow_other},
     * where the kernel turns every other user away. {@code dir} must be searchable by others (mode 0755).
     */
    public static boolean othersMayEnter(Path dir) {
        try {
            Python.probeAsNobody(dir, "os.listdir('.')");
            return true;
        } catch (Exception | AssertionError refused) {
            return false;
        }
    }
}
