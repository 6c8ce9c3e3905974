package dev.j4l.drivers.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Programs stored on the mirror run, the first time and after the mount is remounted read-only. The kernel
 * forwards an exec's open with its internal {@code __FMODE_EXEC} bit, which openat2 refuses (EINVAL): each new
 * program failed to start until something else had opened its inode.
 */
class ExecFromTheMirrorTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @ParameterizedTest(name = "passthrough={0}")
    @ValueSource(booleans = {true, false})
    void programsRunBeforeAndAfterRemountReadOnly(boolean passthrough) throws Exception {
        Needs.root(); // remount
        Path dir = mounts.dir("work");
        Path src = Files.createDirectories(dir.resolve("src"));
        Path echo = Path.of("/bin/echo");
        Files.copy(echo, src.resolve("first"), StandardCopyOption.COPY_ATTRIBUTES);
        PassthroughOptions o = PassthroughOptions.of(src).withPassthrough(passthrough).withAllowOther(true);
        try (Mirror m = Mirror.mount(src, dir.resolve("mnt"), o)) {
            assertEquals("one\n", Command.run(m.mnt.resolve("first").toString(), "one"));
            // Straight to the system call (mount -i): mount(8) would look for a helper for fuse.passthrough.
            Command.run("mount", "-i", "-o", "remount,ro", m.mnt.toString());
            String line = Files.readAllLines(Path.of("/proc/mounts")).stream()
                    .filter(l -> l.split(" ")[1].equals(m.mnt.toString())).reduce((a, b) -> b).orElseThrow();
            assertTrue(line.split(" ")[3].startsWith("ro,"), "not read-only after remount: " + line);
            Files.copy(echo, src.resolve("second"), StandardCopyOption.COPY_ATTRIBUTES);
            assertEquals("two\n", Command.run(m.mnt.resolve("second").toString(), "two"));
            assertEquals("three\n", Command.run(m.mnt.resolve("first").toString(), "three"));
        }
    }
}
