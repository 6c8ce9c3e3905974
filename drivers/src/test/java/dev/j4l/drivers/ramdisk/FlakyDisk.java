package dev.j4l.drivers.ramdisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.testkit.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The throwing driver every block transport's tests serve: an 8 MiB ramdisk whose reads of [4 MiB, 5 MiB) throw
 * and whose writes there fail ENOSPC, and the dd checks that its device fails those with I/O errors and keeps
 * serving the rest.
 */
final class FlakyDisk {
    private FlakyDisk() {}

    static final long MIB = 1 << 20;
    private static final long BAD_FROM = 4 * MIB, BAD_TO = 5 * MIB;

    static BlockDriver create() {
        RamDisk ram = new RamDisk(8 * MIB);
        return new BlockDriver() {
            @Override
            public long size() {
                return ram.size();
            }

            @Override
            public void read(long offset, BlockData into) throws ErrnoException {
                if (offset < BAD_TO && offset + into.length() > BAD_FROM) throw new IllegalStateException("injected");
                ram.read(offset, into);
            }

            @Override
            public void write(long offset, BlockData from, boolean fua) throws ErrnoException {
                if (offset < BAD_TO && offset + from.length() > BAD_FROM) throw new ErrnoException(Errno.ENOSPC);
                ram.write(offset, from, fua);
            }
        };
    }

    /**
     * A read and a write in the bad range of {@code dev} fail; 64 KiB written elsewhere read back equal.
     * {@code afterFailedRead} sees the failed read's result (for checks a transport adds); {@code scratch} is an
     * empty directory for the data files.
     */
    static void failsThereAndServesElsewhere(String dev, Path scratch, Duration timeout,
            Consumer<Command.Result> afterFailedRead) throws Exception {
        Command.Result bad = Command.of("dd", "if=" + dev, "of=/dev/null", "bs=4k", "skip=1024", "count=1",
                "iflag=direct").timeout(timeout).exec();
        assertTrue(bad.exit() != 0 && bad.output().contains("Input/output error"), bad.output());
        afterFailedRead.accept(bad);
        Command.Result badWrite = Command.of("dd", "if=/dev/zero", "of=" + dev, "bs=4k", "seek=1100", "count=1",
                "oflag=direct").timeout(timeout).exec();
        assertTrue(badWrite.exit() != 0, badWrite.output());
        Path data = scratch.resolve("random");
        byte[] bytes = new byte[64 * 1024];
        new Random(7).nextBytes(bytes);
        Files.write(data, bytes);
        Command.Result good = Command.of("dd", "if=" + data, "of=" + dev, "bs=64k", "count=1", "oflag=direct")
                .timeout(timeout).exec();
        assertEquals(0, good.exit(), good.output());
        Path back = data.resolveSibling("back");
        Command.of("dd", "if=" + dev, "of=" + back, "bs=64k", "count=1", "iflag=direct").run();
        assertArrayEquals(bytes, Files.readAllBytes(back), "the device keeps serving");
    }
}
