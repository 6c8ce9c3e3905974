package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.abi.FuseAbi.InitFlags;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.ProcFiles;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Options that change what the kernel sends: the defaults' request size, writeback cache, plain readdir,
 * read-only, small writes.
 */
class MountOptionsTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void defaultMountNegotiatesOneMebibyteRequests() throws Exception {
        Needs.fuse();
        Path limitFile = Path.of("/proc/sys/fs/fuse/max_pages_limit");
        Assumptions.assumeTrue(Files.exists(limitFile), "no " + limitFile);
        long limit = ProcFiles.readLong(limitFile); // a sysctl file: Files.readString would see its first byte only
        Assumptions.assumeTrue(limit >= 256, "max_pages_limit is " + limit);
        Path mnt = mounts.dir("mnt");
        try (FuseMount<OneFileFs.Node> m = FuseMount.mount(mnt, new OneFileFs(),
                MountOptions.builder().subtype("j4ltest").build())) {
            assertEquals(OneFileFs.TEXT, Files.readString(mnt.resolve(OneFileFs.NAME)));
            assertEquals(256, m.session().negotiated().maxPages());
            assertEquals(1 << 20, m.session().negotiated().maxWrite());
        }
    }

    @Test
    void writebackCacheKeepsDataAndSize() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
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
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        TreeFs fs = new TreeFs();
        try (FuseMount<TreeFs.Node> _ = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest")
                .readdirplus(MountOptions.Readdirplus.OFF).timeouts(Duration.ZERO).build())) {
            for (int i = 0; i < 500; i++) Files.writeString(mnt.resolve("file-with-a-longer-name-" + i), "x");
            try (Stream<Path> s = Files.list(mnt)) {
                assertEquals(500, s.count());
            }
            assertEquals(IntStream.range(0, 500).mapToObj(i -> "file-with-a-longer-name-" + i).sorted().toList(),
                    List.of(Command.run("ls", "-1", mnt.toString()).split("\n")).stream().sorted().toList());
        }
    }

    @Test
    void readOnlyMountRefusesWritesInTheKernel() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        TreeFs fs = new TreeFs();
        try (FuseMount<TreeFs.Node> _ = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest")
                .readOnly(true).build())) {
            KernelException e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                    () -> dev.j4l.kernel.Fs.mkdir(mnt.resolve("d").toString(), 0755));
            assertEquals(dev.j4l.kernel.Errno.EROFS, e.errno());
        }
    }

    @Test
    void smallMaxWriteSplitsLargeWrites() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
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
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
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
        try (FuseMount<ScratchFs.Node> _ = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest")
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
