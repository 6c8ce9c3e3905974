package dev.j4l.adversary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.NeedsKernel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kept-chardev-views} with its kept-view half: a hostile character device served through CUSE, in a JVM of
 * its own started like {@code ./j4l} starts the CLI. {@link AdversarySuiteTest} runs the attack everywhere, where
 * without {@code /dev/cuse} only its reach half runs; this runs it in the kernel test VM tier
 * ({@code ./j4l test --vm KeptCharDeviceViewsTest}).
 */
@NeedsKernel(modules = {"cuse"}, paths = {"/dev/cuse"})
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KeptCharDeviceViewsTest {
    @Test
    void keptViewsOfACharacterDeviceAreRefused() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=dev.j4l.kernel", "--illegal-native-access=deny",
                "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism",
                "--module-path", AdversarySuiteTest.childModulePath(),
                "-m", "dev.j4l.adversary/dev.j4l.adversary.Main", "kept-chardev-views").redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(240, TimeUnit.SECONDS), out);
        assertTrue(out.contains("REFUSED kept-chardev-views:"), out);
        assertTrue(!out.contains("kept-view half did not run") && !out.contains("BROKEN"), out);
        assertTrue(out.contains("refused: IoctlArgument after its call"), out);
        assertEquals(0, child.exitValue(), out);
    }
}
