package dev.j4l.block.ublk;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import java.io.IOException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the ublk transport refuses before it reaches the kernel, and the error on a kernel without ublk (most
 * hosts; the device itself is tested in the kernel test VM tier by {@code RamDiskUblkTest}).
 */
class UblkTransportTest {
    /** A driver of {@code size} bytes in blocks of {@code blockSize} that holds nothing. */
    private static BlockDriver empty(long size, int blockSize) {
        return new BlockDriver() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public int blockSize() {
                return blockSize;
            }

            @Override
            public void read(long offset, BlockData into) {
                into.fill(0, into.length(), (byte) 0);
            }

            @Override
            public void write(long offset, BlockData from, boolean fua) {}
        };
    }

    @Test
    void optionsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new UblkTransport.Options(0, 64, 1 << 19));
        assertThrows(IllegalArgumentException.class, () -> new UblkTransport.Options(1, 0, 1 << 19));
        assertThrows(IllegalArgumentException.class, () -> new UblkTransport.Options(1, 4097, 1 << 19));
        assertThrows(IllegalArgumentException.class, () -> new UblkTransport.Options(1, 64, 1000));
        assertThrows(IllegalArgumentException.class, () -> new UblkTransport.Options(1, 64, 64 << 20));
    }

    @Test
    void aBlockSizeUblkCannotTakeIsRefusedFirst() {
        IOException e = assertThrows(IOException.class, () -> UblkTransport.serve(empty(1 << 20, 8192)));
        assertTrue(e.getMessage().contains("block size"), e.getMessage());
    }

    @Test
    void aKernelWithoutUblkGivesAClearError() {
        Assumptions.assumeFalse(UblkTransport.available(), "this kernel has ublk");
        IOException e = assertThrows(IOException.class, () -> UblkTransport.serve(empty(1 << 20, 512)));
        assertTrue(e.getMessage().contains("ublk"), e.getMessage());
    }
}
