package dev.j4l.drivers.memfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.j4l.fuse.FuseMount;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The example in {@link MemFsDriver#mount}'s documentation, run for real. */
class MemFsExampleTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void mountWriteReadUnmount() throws Exception {
        Needs.fuse();
        Path dir = mounts.dir("mnt");
        // @start region=mount
        try (FuseMount<Node> mount = MemFsDriver.mount(dir, 64L << 20)) { // at most 64 MiB
            Files.writeString(mount.mountpoint().resolve("hello.txt"), "hello from memfs\n");
            assertEquals("hello from memfs\n", Files.readString(dir.resolve("hello.txt")));
        } // unmounted here
        // @end
        assertEquals(0, Files.list(dir).count(), "the mountpoint is empty again once unmounted");
    }
}
