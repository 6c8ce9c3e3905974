package dev.j4l.testkit.posix;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.TempMounts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.TestAbortedException;

/** The differential runner's verdicts, on kernel filesystems whose behaviour is known. */
class PosixSuiteTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private static final List<PosixCases.Case> ONE = PosixCases.all().stream()
            .filter(c -> c.name().equals("createReadWrite")).toList();

    private DynamicTest only(Path reference, List<Conformance.Target> targets, Map<String, String> known) {
        List<DynamicTest> tests = PosixSuite.differential(reference, targets, known, ONE).toList();
        assertEquals(1, tests.size());
        assertEquals("createReadWrite", tests.getFirst().getDisplayName());
        return tests.getFirst();
    }

    /** Too small for the 3 MiB file createReadWrite writes: the case fails there with ENOSPC. */
    private Path smallTmpfs() throws Exception {
        return mounts.tmpfs("1m");
    }

    @Test
    void everyCaseIsFound() {
        assertTrue(PosixCases.all().size() >= 28, PosixCases.all().toString());
    }

    @Test
    void aTargetThatBehavesLikeTheReferencePasses() throws Exception {
        DynamicTest t = only(mounts.tmpfs("64m"), List.of(Conformance.Target.of("tmpfs", mounts.tmpfs("64m"))),
                Map.of());
        assertDoesNotThrow(() -> t.getExecutable().execute());
    }

    @Test
    void aTargetThatFailsWhereTheReferencePassesFailsNamingBoth() throws Exception {
        DynamicTest t = only(mounts.tmpfs("64m"), List.of(Conformance.Target.of("small", smallTmpfs())),
                Map.of());
        AssertionError e = assertThrows(AssertionError.class, () -> t.getExecutable().execute());
        assertTrue(e.getMessage().startsWith("small fails createReadWrite (the reference passes)"), e.getMessage());
    }

    @Test
    void aKnownDifferenceIsSkippedWithItsReason() throws Exception {
        DynamicTest t = only(mounts.tmpfs("64m"), List.of(Conformance.Target.of("small", smallTmpfs())),
                Map.of("createReadWrite", "has no room"));
        TestAbortedException e = assertThrows(TestAbortedException.class, () -> t.getExecutable().execute());
        assertTrue(e.getMessage().contains("has no room"), e.getMessage());
    }

    @Test
    void aCaseTheReferenceFailsIsSkipped() throws Exception {
        DynamicTest t = only(smallTmpfs(), List.of(Conformance.Target.of("tmpfs", mounts.tmpfs("64m"))), Map.of());
        TestAbortedException e = assertThrows(TestAbortedException.class, () -> t.getExecutable().execute());
        assertTrue(e.getMessage().contains("fails this case too"), e.getMessage());
    }
}
