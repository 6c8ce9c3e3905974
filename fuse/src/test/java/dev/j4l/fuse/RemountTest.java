package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemountTest {
    @TempDir
    Path dir;

    /** Closing a mount that someone else already detached must not unmount the filesystem mounted there since. */
    @Test
    void closingADetachedMountLeavesTheNewMountAtThatPathAlone() throws Exception {
        TestMounts.assumeRoot();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        FuseMount<HelloFs.Node> first = FuseMount.mount(mnt, new HelloFs(), MountOptions.builder().subtype("first").build());
        try {
            TestMounts.run("umount", "-l", mnt.toString());
            try (FuseMount<HelloFs.Node> second = FuseMount.mount(mnt, new HelloFs(),
                    MountOptions.builder().subtype("second").build())) {
                first.close();
                assertTrue(TestMounts.isMounted(mnt), "the second mount was unmounted by the first's close()");
                assertEquals("Hello, world!\n", Files.readString(mnt.resolve("hello")));
                assertTrue(Files.readString(Path.of("/proc/self/mountinfo")).contains("fuse.second"));
            }
        } finally {
            first.close();
        }
    }
}
