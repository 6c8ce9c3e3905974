package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.protocol.InitFlags;
import dev.j4l.kernel.KernelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options that change what the kernel sends: writeback cache, plain readdir, read-only, small writes. */
class MountOptionsTest {
    @TempDir
    Path dir;

    @Test
    void writebackCacheKeepsDataAndSize() throws Exception {
        TestMounts.assumeRoot();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        TreeFs fs = new TreeFs();
        try (FuseMount<TreeFs.Node> m = FuseMount.mount(mnt, fs,
                MountOptions.builder().subtype("j4ltest").writebackCache(true).build())) {
            assertTrue(m.session().negotiated().has(InitFlags.WRITEBACK_CACHE));
            byte[] data = new byte[300_000];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
            Files.write(mnt.resolve("w"), data);
            assertEquals(data.length, Files.size(mnt.resolve("w")));
            assertArrayEquals(data, Files.readAllBytes(mnt.resolve("w")));
        }
        // After unmount every dirty page has reached the driver.
        assertEquals(300_000, fs.root.children.get("w").data.length);
    }

    @Test
    void plainReaddirWithoutAttributes() throws Exception {
        TestMounts.assumeRoot();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        TreeFs fs = new TreeFs();
        try (FuseMount<TreeFs.Node> m = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest")
                .readdirplus(MountOptions.Readdirplus.OFF).timeouts(Duration.ZERO).build())) {
            for (int i = 0; i < 500; i++) Files.writeString(mnt.resolve("file-with-a-longer-name-" + i), "x");
            try (Stream<Path> s = Files.list(mnt)) {
                assertEquals(500, s.count());
            }
            assertEquals(IntStream.range(0, 500).mapToObj(i -> "file-with-a-longer-name-" + i).sorted().toList(),
                    List.of(TestMounts.run("ls", "-1", mnt.toString()).split("\n")).stream().sorted().toList());
        }
    }

    @Test
    void readOnlyMountRefusesWritesInTheKernel() throws Exception {
        TestMounts.assumeRoot();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        TreeFs fs = new TreeFs();
        try (FuseMount<TreeFs.Node> m = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest")
                .readOnly(true).build())) {
            KernelException e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                    () -> dev.j4l.kernel.Fs.mkdir(mnt.resolve("d").toString(), 0755));
            assertEquals(dev.j4l.kernel.Errno.EROFS, e.errno());
        }
    }

    @Test
    void smallMaxWriteSplitsLargeWrites() throws Exception {
        TestMounts.assumeRoot();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        TreeFs fs = new TreeFs();
        try (FuseMount<TreeFs.Node> m = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest")
                .maxWrite(4096).workers(1).build())) {
            assertEquals(4096, m.session().negotiated().maxWrite());
            byte[] data = new byte[100_000];
            java.util.Arrays.fill(data, (byte) 'q');
            Files.write(mnt.resolve("s"), data);
            assertArrayEquals(data, Files.readAllBytes(mnt.resolve("s")));
        }
    }
}
