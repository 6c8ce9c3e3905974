package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.mount.Mounter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code fuseblk} mount on a loop device: the kernel opens the device as the mount's source and the driver
 * serves the files as on a plain {@code fuse} mount. (BMAP, which only such a mount can be sent, is decoded and
 * dispatched as {@code PipelineTest} shows; Linux 6.18 answered {@code filefrag -B}'s FIBMAP here with 0 without
 * sending it.)
 */
class BlockDeviceMountTest {
    @TempDir
    Path dir;

    @Test
    void aFuseblkMountServesFromItsBlockDevice() throws Exception {
        TestMounts.assumeRoot();
        Path image = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(16 << 20);
        }
        String loop = TestMounts.run("losetup", "--find", "--show", image.toString()).trim();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        try {
            ScratchFs fs = new ScratchFs();
            fs.put("f", "x".repeat(3 * 4096));
            MountOptions o = MountOptions.builder().subtype("j4ltest").blockDevice(loop).blockSize(4096).build();
            try (FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs, o)) {
                Mounter.MountInfo info = Mounter.mountAt(mnt.toString()).orElseThrow();
                assertEquals("fuseblk.j4ltest", info.fstype());
                assertEquals(loop, info.source());
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
