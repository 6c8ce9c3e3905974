package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RemountTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    /** Closing a mount that someone else already detached must not unmount the filesystem mounted there since. */
    @Test
    void closingADetachedMountLeavesTheNewMountAtThatPathAlone() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        FuseMount<OneFileFs.Node> first = FuseMount.mount(mnt, new OneFileFs(), MountOptions.builder().subtype("first").build());
        try {
            Command.run("umount", "-l", mnt.toString());
            try (FuseMount<OneFileFs.Node> _ = FuseMount.mount(mnt, new OneFileFs(),
                    MountOptions.builder().subtype("second").build())) {
                first.close();
                assertTrue(MountTable.isMountPoint(mnt), "the second mount was unmounted by the first's close()");
                assertEquals("one file\n", Files.readString(mnt.resolve("file")));
                assertTrue(Files.readString(Path.of("/proc/self/mountinfo")).contains("fuse.second"));
            }
        } finally {
            first.close();
        }
    }
}
