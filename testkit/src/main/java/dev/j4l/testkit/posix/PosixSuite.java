package dev.j4l.testkit.posix;

import dev.j4l.testkit.Needs;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * The differential POSIX suite: every case of {@link PosixCases} runs first on a reference filesystem, then
 * on each target, each in a fresh directory. A case the reference fails is skipped as a broken case; one it
 * passes must pass on every target. Kernel tmpfs is the reference j4l uses: it is what the kernel itself
 * does, not what someone remembers POSIX to say.
 *
 * {@snippet :
 * @RegisterExtension
 * static final TempMounts mounts = new TempMounts();
 *
 * @TestFactory
 * Stream<DynamicTest> myFsMatchesTmpfs() throws Exception {
 *     Path mine = mounts.dir("myfs");
 *     mounts.closeAfter(FuseMount.mount(mine, new MyFs(), MountOptions.builder().allowOther(true).build()));
 *     return PosixSuite.differential(mounts.tmpfs("1g"), List.of(PosixSuite.Target.of("myfs", mine)), Map.of());
 * }
 * }
 *
 * <p>The cases run as root, and some act as the user {@code nobody} too: a target mounted for its owner only
 * (no {@code allow_other}) is declared with {@link Target#ownerOnly}, and those cases are skipped there.
 *
 * <p>Outside JUnit, {@link #main} runs the cases against one directory and prints a line per case.
 */
public final class PosixSuite {
    private PosixSuite() {}

    /** A filesystem under test: a name for messages and the directory the cases run in. */
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

    /**
     * One dynamic test per case, each checked on {@code reference} and then on every target. A target's
     * failure fails the case unless {@code knownDifferences} names the case (case name to reason): then it is
     * reported as skipped with the reason, and a known difference that starts passing passes, so the list only
     * shrinks.
     */
    public static Stream<DynamicTest> differential(Path reference, List<Target> targets,
            Map<String, String> knownDifferences) {
        return differential(reference, targets, knownDifferences, PosixCases.all());
    }

    /** {@link #differential(Path, List, Map)} for the given cases only. */
    public static Stream<DynamicTest> differential(Path reference, List<Target> targets,
            Map<String, String> knownDifferences, List<PosixCases.Case> cases) {
        Needs.root();
        Assumptions.assumeTrue(Files.isExecutable(Path.of(Python.PYTHON)), "needs " + Python.PYTHON);
        List<Target> all = List.copyOf(targets);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c, reference, all,
                knownDifferences)));
    }

    private static void check(PosixCases.Case c, Path reference, List<Target> targets,
            Map<String, String> knownDifferences) throws Exception {
        int nobodyRuns = Python.nobodyRuns();
        try {
            c.run(fresh(reference, c.name()));
        } catch (Throwable t) {
            Assumptions.abort("the reference " + reference + " fails this case too: " + t.getMessage());
        }
        boolean actsAsSecondUser = Python.nobodyRuns() != nobodyRuns;
        List<String> skipped = new ArrayList<>();
        AssertionError failed = null;
        for (Target t : targets) {
            if (actsAsSecondUser && !t.othersMayEnter()) {
                skipped.add(t.name() + ": acts as a second user, whom a mount without allow_other does not let in");
                continue;
            }
            try {
                c.run(fresh(t.root(), c.name()));
            } catch (Throwable e) {
                String known = knownDifferences.get(c.name());
                if (known != null) {
                    skipped.add(t.name() + ": known difference from the reference: " + known);
                    continue;
                }
                AssertionError f = new AssertionError(t.name() + " fails " + c.name() + " (the reference passes): "
                        + e.getMessage(), e);
                if (failed == null) failed = f;
                else failed.addSuppressed(f);
            }
        }
        if (failed != null) throw failed;
        if (skipped.size() == targets.size()) Assumptions.abort(String.join("; ", skipped));
    }

    /** A new empty directory in {@code root} named after the case (with a suffix when that is taken). */
    private static Path fresh(Path root, String name) throws Exception {
        for (int n = 1; ; n++) {
            try {
                return Files.createDirectory(root.resolve(n == 1 ? name : name + "-" + n));
            } catch (FileAlreadyExistsException taken) {
                // try the next suffix
            }
        }
    }

    /**
     * Runs the cases against one directory, as root:
     * {@code java ... dev.j4l.testkit.posix.PosixSuite DIR [CASE...]}. Each case gets a fresh subdirectory;
     * prints one line per case and exits non-zero if any failed.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: PosixSuite DIR [CASE...]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        List<String> only = Arrays.asList(args).subList(1, args.length);
        int failed = 0;
        for (PosixCases.Case c : PosixCases.all()) {
            if (!only.isEmpty() && !only.contains(c.name())) continue;
            try {
                c.run(fresh(dir, c.name()));
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
