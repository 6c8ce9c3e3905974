package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void aFuseblkMountServesFromItsBlockDevice() throws Exception {
        Needs.fuse();
        Path image = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(16 << 20);
        }
        String loop = Command.run("losetup", "--find", "--show", image.toString()).trim();
        Path mnt = mounts.dir("mnt");
        try {
            ScratchFs fs = new ScratchFs();
            fs.put("f", "x".repeat(3 * 4096));
            MountOptions o = MountOptions.builder().subtype("j4ltest").blockDevice(loop).blockSize(4096).build();
            try (FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs, o)) {
                MountTable.Mount info = MountTable.at(m.mountpoint().toString()).orElseThrow();
                assertTrue(info.isFuse());
                assertEquals("fuseblk.j4ltest", info.fsType());
                assertEquals(loop, info.source());
                assertEquals("x".repeat(3 * 4096), Files.readString(mnt.resolve("f")));
            }
        } finally {
            TempMounts.unmountAll(mnt); // before its device goes
            Command.run("losetup", "-d", loop);
        }
    }

    @Test
    void aBlockDeviceMountRefusesWhatIsNotABlockDevice() throws Exception {
        Needs.fuse();
        Path notADevice = Files.writeString(dir.resolve("plain"), "x");
        Path mnt = mounts.dir("mnt");
        MountOptions o = MountOptions.builder().blockDevice(notADevice.toString()).build();
        IOException e = assertThrows(IOException.class, () -> FuseMount.mount(mnt, new ScratchFs(), o).close());
        assertTrue(e.getMessage().contains("not a block device"), e.getMessage());
        assertTrue(!MountTable.isMountPoint(mnt));
    }
}
