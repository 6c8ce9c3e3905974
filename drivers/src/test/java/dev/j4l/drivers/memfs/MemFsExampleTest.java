package dev.j4l.drivers.memfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.j4l.fuse.FuseMount;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example in {@link MemFsDriver#mount}'s documentation, run for real. */
class MemFsExampleTest {
    @Test
    void mountWriteReadUnmount(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
        Path dir = Files.createDirectory(tmp.resolve("mnt"));
        // @start region=mount
        try (FuseMount<?> mount = MemFsDriver.mount(dir, 64L << 20)) { // at most 64 MiB
            Files.writeString(dir.resolve("hello.txt"), "hello from memfs\n");
            assertEquals("hello from memfs\n", Files.readString(dir.resolve("hello.txt")));
        } // unmounted here
        // @end
        assertEquals(0, Files.list(dir).count(), "the mountpoint is empty again once unmounted");
    }
}
