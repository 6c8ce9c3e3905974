package dev.j4l.drivers.cow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.BlockData;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delta's crash consistency, by looking at the file: a block's bit reaches the file only at a flush, after
 * its data, so a copy of the file taken before the flush (what a crash would leave) reads the base there.
 */
class DeltaFileTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    /** A write's data from a byte array, as a transport would lend it. */
    private record Bytes(byte[] bytes) implements BlockData {
        public int length() {
            return bytes.length;
        }

        public void get(int position, byte[] dst, int offset, int n) {
            System.arraycopy(bytes, position, dst, offset, n);
        }

        public void put(int position, byte[] src, int offset, int n) {
            System.arraycopy(src, offset, bytes, position, n);
        }

        public void fill(int position, int n, byte value) {
            Arrays.fill(bytes, position, position + n, value);
        }

        public boolean isZero() {
            for (byte b : bytes) if (b != 0) return false;
            return true;
        }

        public int readFrom(OwnedFd fd, long fileOffset, int position, int n) throws KernelException {
            NativeBuffer b = NativeBuffer.allocate(n);
            int got = 0;
            while (got < n) {
                int r = fd.pread(b, got, n - got, fileOffset + got);
                if (r <= 0) break;
                got += r;
            }
            b.get(0, bytes, position, got);
            return got;
        }

        public void writeTo(OwnedFd fd, long fileOffset, int position, int n) throws KernelException {
            NativeBuffer b = NativeBuffer.copyOf(Arrays.copyOfRange(bytes, position, position + n));
            for (int done = 0; done < n; ) done += fd.pwrite(b, done, n - done, fileOffset + done);
        }
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private byte[] read(CowDisk disk, long offset, int n) throws Exception {
        Bytes into = new Bytes(new byte[n]);
        disk.read(offset, into);
        return into.bytes();
    }

    @Test
    void aBitReachesTheFileOnlyAtAFlushAfterItsData() throws Exception {
        Path base = Files.write(dir.resolve("base"), filled(64 * BLOCK, 0x0b));
        Path delta = dir.resolve("delta");
        Path crashed = dir.resolve("crashed");
        try (CowDisk disk = CowDisk.open(base, delta)) {
            disk.write(3 * BLOCK, new Bytes(filled(2 * BLOCK, 0x0d)), false);
            assertArrayEquals(filled(2 * BLOCK, 0x0d), read(disk, 3 * BLOCK, 2 * BLOCK), "the device sees it at once");
            byte[] file = Files.readAllBytes(delta);
            assertEquals(0, file[DeltaFile.PAGE], "no bit on disk before a flush");
            Files.copy(delta, crashed, StandardCopyOption.REPLACE_EXISTING); // the file as a crash now would leave it
            disk.flush();
            assertEquals(0b11000, Files.readAllBytes(delta)[DeltaFile.PAGE], "blocks 3 and 4 marked by the flush");
        }
        try (CowDisk disk = CowDisk.open(base, crashed)) {
            assertEquals(0, disk.deltaBytes());
            assertArrayEquals(filled(2 * BLOCK, 0x0b), read(disk, 3 * BLOCK, 2 * BLOCK), "unflushed: the base again");
        }
        try (CowDisk disk = CowDisk.open(base, delta)) {
            assertEquals(2 * BLOCK, disk.deltaBytes());
            assertArrayEquals(filled(2 * BLOCK, 0x0d), read(disk, 3 * BLOCK, 2 * BLOCK));
            assertArrayEquals(filled(BLOCK, 0x0b), read(disk, 2 * BLOCK, BLOCK));
        }
    }

    @Test
    void aResetCutShortLeavesAnEmptyDelta() throws Exception {
        Path base = Files.write(dir.resolve("base"), filled(16 * BLOCK, 1));
        Path delta = dir.resolve("delta");
        try (CowDisk disk = CowDisk.open(base, delta)) {
            disk.write(0, new Bytes(filled(BLOCK, 2)), true);
        }
        try (OwnedFd fd = Fs.open(delta.toString(), Fs.O_RDWR)) {
            Fs.truncate(fd, DeltaFile.PAGE); // the first half of a reset, then a crash
        }
        try (CowDisk disk = CowDisk.open(base, delta)) {
            assertEquals(0, disk.deltaBytes());
            assertArrayEquals(filled(BLOCK, 1), read(disk, 0, BLOCK));
        }
        assertTrue(Files.size(delta) > DeltaFile.PAGE, "extended back to its layout");
        assertFalse(Arrays.equals(filled(8, 0), Arrays.copyOf(Files.readAllBytes(delta), 8)), "the header stays");
    }
}
