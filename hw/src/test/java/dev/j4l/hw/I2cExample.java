package dev.j4l.hw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.I2cFunction;
import dev.j4l.testkit.NeedsKernel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The documentation example of {@link I2cBus}: it runs as a test, in the kernel test VM tier (i2c-stub at 0x50). */
@NeedsKernel(modules = {"i2c-dev", "i2c-stub chip_addr=0x50"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class I2cExample {
    @Test
    void scansTheBusAndTalksToAChip() throws Exception {
        // @start region=i2c
        try (I2cBus bus = I2cBus.open("SMBus stub driver")) {    // or I2cBus.open(0) for /dev/i2c-0
            List<I2cBus.Detected> found = bus.detect();          // like i2cdetect: [Detected[address=80, inUse=false]]
            I2cChip chip = bus.chip(0x50);
            chip.writeByte(0x10, 0x2a);                          // register 0x10 := 0x2a
            int value = chip.readByte(0x10);
            chip.writeWord(0x20, 0x1234);
            int word = chip.readWord(0x20);
            if (bus.supports(I2cFunction.SMBUS_WRITE_I2C_BLOCK, I2cFunction.SMBUS_READ_I2C_BLOCK)) {
                chip.writeI2cBlock(0x30, new byte[] {1, 2, 3});
            }
            byte[] block = chip.readI2cBlock(0x30, 3);
            // @end
            assertEquals(List.of(new I2cBus.Detected(0x50, false)), found);
            assertEquals(0x2a, value);
            assertEquals(0x1234, word);
            assertArrayEquals(new byte[] {1, 2, 3}, block);
            assertTrue(chip.isPresent());
        }
    }
}
