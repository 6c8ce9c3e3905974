package dev.j4l.testkit.posix;

import dev.j4l.testkit.Needs;
import dev.j4l.testkit.posix.Conformance.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 *     return PosixSuite.differential(mounts.tmpfs("1g"), List.of(Target.of("myfs", mine)), Map.of());
 * }
 * }
 *
 * <p>The cases run as root, and some act as the user {@code nobody} too: a target mounted for its owner only
 * (no {@code allow_other}) is declared with {@link Target#ownerOnly}, and those cases are skipped there.
 *
 * <p>Outside JUnit, {@code j4l conform DIR} runs the same check against any mounted directory and prints a
 * table; {@link Conformance} is the check without a test framework.
 */
public final class PosixSuite {
    private PosixSuite() {}

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
            Map<String, String> knownDifferences) {
        List<Conformance.Verdict> verdicts = Conformance.check(c, reference, targets, knownDifferences);
        AssertionError failed = null;
        List<String> skipped = new ArrayList<>();
        for (Conformance.Verdict v : verdicts) {
            switch (v) {
                case Conformance.Passed p -> { }
                case Conformance.Skipped k -> skipped.add(k.target().name() + ": " + k.reason());
                case Conformance.Failed f -> {
                    AssertionError e = new AssertionError(f.target().name() + " fails " + c.name()
                            + " (the reference passes): " + f.cause().getMessage(), f.cause());
                    if (failed == null) failed = e;
                    else failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) throw failed;
        if (!verdicts.isEmpty() && skipped.size() == verdicts.size()) Assumptions.abort(String.join("; ", skipped));
    }
}
