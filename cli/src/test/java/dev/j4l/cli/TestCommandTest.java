package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.j4l.cli.TestCommand.TestClass;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host side of the VM tier: which classes, which modules, which JVM options, what the reports say. */
class TestCommandTest {
    private static final Path M = Path.of("m");
    private static final TestClass A = new TestClass("x.y.ATest", M, List.of("cuse"), List.of(), true);
    private static final TestClass B = new TestClass("x.z.ATest", M, List.of(), List.of(), false);
    private static final TestClass C = new TestClass("x.y.CTest", M, List.of("nbd"), List.of("BLK_DEV_NBD"), true);
    private static final TestClass G = new TestClass("x.y.GTest", M, List.of(), List.of("GPIO_SIM", "CONFIGFS_FS"), true);

    @Test
    void withoutNamesEveryAnnotatedClassIsChosen() {
        assertEquals(List.of(A, C), TestCommand.choose(List.of(A, B, C), List.of()));
    }

    @Test
    void namesAreSimpleOrQualifiedAndMustBeUnambiguous() {
        assertEquals(List.of(C, B), TestCommand.choose(List.of(A, B, C), List.of("CTest", "x.z.ATest")));
        assertThrows(IllegalArgumentException.class, () -> TestCommand.choose(List.of(A, B, C), List.of("ATest")));
        assertThrows(IllegalArgumentException.class, () -> TestCommand.choose(List.of(A, B, C), List.of("Nope")));
    }

    @Test
    void classesRunOnDebiansKernelWhenItHasTheirConfigElseOnTheJ4lKernel() {
        var debian = TestCommand.parseConfig("CONFIG_BLK_DEV_NBD=m\nCONFIG_CONFIGFS_FS=y\n# CONFIG_GPIO_SIM is not set\n");
        assertEquals(Map.of("debian", List.of(A, C), "j4l", List.of(G)), TestCommand.byKernel(List.of(A, C, G), debian));
        assertEquals(List.of("j4l"), List.copyOf(TestCommand.byKernel(List.of(G), debian).keySet()));
        assertEquals(List.of("debian", "j4l"), List.copyOf(TestCommand.byKernel(List.of(G, A), debian).keySet()));
    }

    @Test
    void optionsKeepTheirValuesAndUnresolvedPropertiesAreDropped() {
        assertEquals(List.of("--enable-native-access=dev.j4l.kernel", "--add-reads a=b", "-Xss1m"),
                TestCommand.groupOptions(" --enable-native-access=dev.j4l.kernel --add-reads a=b ${other} -Xss1m "));
    }

    @Test
    void reportsAreSummed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("TEST-a.xml"),
                "<testsuite name=\"a\" tests=\"3\" skipped=\"1\" failures=\"1\" errors=\"0\" time=\"1\">");
        Files.writeString(dir.resolve("TEST-b.xml"),
                "<testsuite name=\"b\" tests=\"2\" skipped=\"0\" failures=\"0\" errors=\"1\" time=\"1\">");
        assertEquals(Map.of("tests", 5, "skipped", 1, "failures", 1, "errors", 1), TestCommand.reportCounts(dir));
    }

    @Test
    void theTiersOwnTestDeclaresItsModules() throws Exception {
        Path root = TestCommand.repositoryRoot();
        Assumptions.assumeTrue(Files.isDirectory(root.resolve("fuse/target/test-classes")), "fuse's tests not compiled");
        TestClass t = TestCommand.choose(TestCommand.scan(root), List.of("KernelTierDevicesTest")).getFirst();
        assertEquals(List.of("cuse", "uinput", "nbd"), t.kernelModules());
        assertEquals(root.resolve("fuse"), t.moduleDir());
    }
}
