package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The code of the {@code {@snippet}} examples in {@link FuseMount} and this package's documentation: runs as a test. */
class MountExample {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void mountReadAndUnmountFromTheSameJvm() throws Exception {
        Needs.fuse();
        Path mountpoint = mounts.dir("mnt");
        // @start region=mount
        try (FuseMount<OneFileFs.Node> mount = FuseMount.mount(mountpoint, new OneFileFs(),
                MountOptions.builder().fsname("example").subtype("example").build())) {
            String text = Files.readString(mount.mountpoint().resolve("file"));   // served on j4l's threads
            assertEquals("one file\n", text);
        }   // unmounted here
        // @end
        assertFalse(MountTable.isMountPoint(mountpoint));
    }
}
