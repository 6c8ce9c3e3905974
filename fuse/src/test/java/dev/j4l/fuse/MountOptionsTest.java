package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.abi.FuseAbi.InitFlags;
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

    @Test
    void driverChoosesTheAttributeTimeoutPerReply() throws Exception {
        TestMounts.assumeRoot();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> getattrs =
                new java.util.concurrent.ConcurrentHashMap<>();
        ScratchFs fs = new ScratchFs() {
            @Override
            public Attr getattr(Request r, Node node, Node handle) {
                getattrs.computeIfAbsent(node.name, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                if (node.name.equals("stable")) r.setAttrTimeout(3_600_000_000_000L);
                return node.attr;
            }
        };
        fs.put("stable", "s");
        fs.put("volatile", "v");
        try (FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest")
                .entryTimeout(Duration.ofHours(1)).attrTimeout(Duration.ZERO).build())) {
            for (int i = 0; i < 20; i++) {
                Files.readAttributes(mnt.resolve("stable"), java.nio.file.attribute.BasicFileAttributes.class);
                Files.readAttributes(mnt.resolve("volatile"), java.nio.file.attribute.BasicFileAttributes.class);
            }
        }
        assertTrue(getattrs.get("stable").get() <= 2, "stable attributes were asked " + getattrs.get("stable"));
        assertTrue(getattrs.get("volatile").get() >= 19, "volatile attributes were cached: " + getattrs.get("volatile"));
    }
}
