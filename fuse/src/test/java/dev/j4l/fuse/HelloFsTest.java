package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelloFsTest {
    @TempDir
    Path dir;

    @Test
    void mountReadAndUnmountFromTheSameJvm() throws Exception {
        TestMounts.assumeRoot();
        Path mountpoint = Files.createDirectory(dir.resolve("mnt"));
        // @start region=mount
        try (FuseMount<HelloFs.Node> mount = FuseMount.mount(mountpoint, new HelloFs(),
                MountOptions.builder().fsname("hello").subtype("hello").build())) {
            String text = Files.readString(mountpoint.resolve("hello"));   // served by HelloFs on j4l's threads
            assertEquals("Hello, world!\n", text);
        }
        // @end
        assertFalse(TestMounts.isMounted(mountpoint));
    }

    @Test
    void realToolsSeeTheFile() throws Exception {
        TestMounts.assumeRoot();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        try (FuseMount<HelloFs.Node> mount = FuseMount.mount(mnt, new HelloFs(), MountOptions.builder().subtype("hello").build())) {
            assertTrue(TestMounts.isMounted(mnt));
            assertEquals("Hello, world!\n", TestMounts.run("cat", mnt.resolve("hello").toString()));
            assertEquals("hello\n", TestMounts.run("ls", mnt.toString()));
            assertEquals("regular file 14 444\n",
                    TestMounts.run("stat", "-c", "%F %s %a", mnt.resolve("hello").toString()));
            try (Stream<Path> s = Files.list(mnt)) {
                assertEquals(List.of(mnt.resolve("hello")), s.toList());
            }
            assertFalse(Files.exists(mnt.resolve("nope")));
        }
        assertFalse(TestMounts.isMounted(mnt));
    }

    @Test
    void defaultMountNegotiatesOneMebibyteRequests() throws Exception {
        TestMounts.assumeRoot();
        long limit = Long.parseLong(TestMounts.run("cat", "/proc/sys/fs/fuse/max_pages_limit").strip());
        org.junit.jupiter.api.Assumptions.assumeTrue(limit >= 256, "max_pages_limit is " + limit);
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        try (FuseMount<HelloFs.Node> mount = FuseMount.mount(mnt, new HelloFs(), MountOptions.builder().subtype("hello").build())) {
            assertEquals("Hello, world!\n", Files.readString(mnt.resolve("hello")));
            assertEquals(256, mount.session().negotiated().maxPages());
            assertEquals(1 << 20, mount.session().negotiated().maxWrite());
        }
    }
}
