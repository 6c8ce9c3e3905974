package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.mount.Mounter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code fuseblk} mount on a loop device: the kernel opens the device as the mount's source and sends BMAP
 * for FIBMAP (which {@code filefrag -B} uses), which only a block-device mount gets.
 */
class BlockDeviceMountTest {
    /** ScratchFs that maps file block n to device block 1000 + n. */
    static final class MappedFs extends ScratchFs {
        final List<String> bmaps = new CopyOnWriteArrayList<>();

        @Override
        public long bmap(Request r, Node node, long block, int blocksize) {
            bmaps.add(node.name + ":" + block + ":" + blocksize);
            return 1000 + block;
        }
    }

    @TempDir
    Path dir;

    @Test
    void bmapReachesTheDriverOfAFuseblkMount() throws Exception {
        TestMounts.assumeRoot();
        Path image = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(16 << 20);
        }
        String loop = TestMounts.run("losetup", "--find", "--show", image.toString()).trim();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        try {
            MappedFs fs = new MappedFs();
            fs.put("f", "x".repeat(3 * 4096));
            MountOptions o = MountOptions.builder().subtype("j4ltest").blockDevice(loop).blockSize(4096).build();
            try (FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs, o)) {
                Mounter.MountInfo info = Mounter.mountAt(mnt.toString()).orElseThrow();
                assertEquals("fuseblk.j4ltest", info.fstype());
                assertEquals(loop, info.source());
                String out = TestMounts.run("filefrag", "-B", "-v", mnt.resolve("f").toString());
                assertTrue(fs.bmaps.contains("f:0:4096"), fs.bmaps + "\n" + out);
                assertTrue(out.contains("1000"), out);
                assertEquals("x".repeat(3 * 4096), Files.readString(mnt.resolve("f")));
            }
        } finally {
            while (TestMounts.isMounted(mnt)) Mounter.unmount(mnt.toString());
            TestMounts.run("losetup", "-d", loop);
        }
    }

    @Test
    void aBlockDeviceMountRefusesWhatIsNotABlockDevice() throws Exception {
        TestMounts.assumeRoot();
        Path notADevice = Files.writeString(dir.resolve("plain"), "x");
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        MountOptions o = MountOptions.builder().blockDevice(notADevice.toString()).build();
        IOException e = assertThrows(IOException.class, () -> FuseMount.mount(mnt, new ScratchFs(), o).close());
        assertTrue(e.getMessage().contains("not a block device"), e.getMessage());
        assertTrue(!TestMounts.isMounted(mnt));
    }
}
