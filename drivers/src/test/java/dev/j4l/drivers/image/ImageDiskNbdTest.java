package dev.j4l.drivers.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.nbd.NbdServer;
import dev.j4l.drivers.QemuIo;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A raw image file served over NBD, checked with qemu-img and qemu-io, and against the file itself. */
class ImageDiskNbdTest {
    private static final int MIB = 1 << 20;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        Needs.program("qemu-img");
        Needs.program("qemu-io");
        dir = mounts.dir("images");
    }

    private NbdServer serve(ImageDisk disk) throws IOException {
        mounts.closeAfter(disk);
        return mounts.closeAfter(NbdServer.unix(disk, mounts.dir("nbd").resolve("sock"), "image"));
    }

    private Path image(String name, long size) throws IOException {
        Path p = dir.resolve(name);
        try (var f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    @Test
    void qemuImgRoundTripsAnImageThroughTheFile() throws Exception {
        byte[] data = new byte[16 * MIB];
        new Random(7).nextBytes(data);
        Arrays.fill(data, 4 * MIB, 9 * MIB, (byte) 0); // a hole: qemu-img sends WRITE_ZEROES for it
        Path in = Files.write(dir.resolve("in.raw"), data);
        Path backing = image("disk.raw", 16 * MIB);
        ImageDisk disk = ImageDisk.open(backing, false);
        try (OwnedFd fd = Fs.open(backing.toString(), Fs.O_RDONLY | Fs.O_DIRECT)) {
            int align = Fs.directIoAlignment(fd).offset();
            assertTrue(disk.direct(), "ext4 and tmpfs take O_DIRECT");
            assertEquals(align == 0 ? ImageDisk.DEFAULT_BLOCK_SIZE : Math.max(align, 512), disk.blockSize());
        }
        NbdServer server = serve(disk);
        Command.of("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", in.toString(), server.uri()).run();
        Path out = dir.resolve("out.raw");
        Command.of("qemu-img", "convert", "-f", "raw", "-O", "raw", server.uri(), out.toString()).run();
        assertEquals(QemuIo.sha256(data), QemuIo.sha256(Files.readAllBytes(out)), "what was written reads back");
        assertEquals(QemuIo.sha256(data), QemuIo.sha256(Files.readAllBytes(backing)), "and it is in the image file");
    }

    @Test
    void discardPunchesHolesAndWriteZeroesReadsZeroes() throws Exception {
        Path backing = image("disk.raw", 8 * MIB);
        NbdServer server = serve(ImageDisk.open(backing, false));
        String out = QemuIo.run(server.uri(), "write -P 0x33 0 4M");
        assertTrue(out.contains("wrote 4194304/4194304"), out);
        try (OwnedFd fd = Fs.open(backing.toString(), Fs.O_RDONLY)) {
            long allocated = Fs.stat(fd).blocks();
            assertTrue(allocated >= 4 * MIB / 512, "written: " + allocated + " blocks");
            out = QemuIo.run(server.uri(), "discard 0 2M", "write -z 2M 1M", "read -P 0 2M 1M", "read -P 0x33 3M 1M");
            assertTrue(out.contains("discard 2097152/2097152"), out);
            assertTrue(out.contains("wrote 1048576/1048576"), out);
            assertTrue(!out.contains("Pattern verification failed") && !out.contains("error"), out);
            long after = Fs.stat(fd).blocks();
            assertTrue(after <= allocated - 2 * MIB / 512, "holes punched: " + allocated + " -> " + after + " blocks");
        }
        byte[] file = Files.readAllBytes(backing);
        for (int i = 2 * MIB; i < 3 * MIB; i++) if (file[i] != 0) throw new AssertionError("byte " + i + " not zeroed");
        assertEquals(0x33, file[3 * MIB]);
    }

    /** The file's holes are the export's: nbdinfo --map shows them, and only the written MiB is data. */
    @Test
    void theFilesHolesAreReportedAsHoles() throws Exception {
        Needs.program("nbdinfo");
        Path sparse = image("sparse.raw", 8 * MIB);
        byte[] mib = new byte[MIB];
        new Random(9).nextBytes(mib);
        try (var f = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
            f.seek(3 * MIB);
            f.write(mib);
        }
        NbdServer server = serve(ImageDisk.open(sparse, true));
        String map = Command.of("nbdinfo", "--map", server.uri()).run();
        // nbdinfo --map: "offset length type description" per extent; 3 = hole,zero, 0 = data
        java.util.List<String> lines = map.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        assertEquals(3, lines.size(), map);
        assertTrue(lines.get(0).matches("0\\s+" + 3 * MIB + "\\s+3\\s+hole,zero"), map);
        assertTrue(lines.get(1).matches(3 * MIB + "\\s+" + MIB + "\\s+0\\s+data"), map);
        assertTrue(lines.get(2).matches(4 * MIB + "\\s+" + 4 * MIB + "\\s+3\\s+hole,zero"), map);
    }

    @Test
    void readOnlyRefusesWritesAndLeavesTheFile() throws Exception {
        byte[] data = new byte[MIB];
        new Random(8).nextBytes(data);
        Path backing = Files.write(dir.resolve("ro.raw"), data);
        NbdServer server = serve(ImageDisk.open(backing, true));
        String out = QemuIo.readOnly(server.uri(), "read 0 512");
        assertTrue(out.contains("read 512/512"), out);
        // The export says it is read-only, so qemu-io refuses to open it for writing at all.
        out = QemuIo.run(server.uri(), "write -P 1 0 4k");
        assertTrue(out.contains("Permission denied") && !out.contains("wrote"), out);
        assertArrayEquals(data, Files.readAllBytes(backing));
    }

    @Test
    void aSizeThatIsNotAMultipleOfTheBlockSizeIsAClearError() throws Exception {
        Path odd = image("odd.raw", 4 * MIB + 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageDisk.open(odd, false));
        assertTrue(e.getMessage().contains("not a multiple of its block size") && e.getMessage().contains("truncate -s"),
                e.getMessage());
        Path empty = image("empty.raw", 0);
        e = assertThrows(IllegalArgumentException.class, () -> ImageDisk.open(empty, false));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }
}
