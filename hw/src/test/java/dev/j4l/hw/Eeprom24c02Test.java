package dev.j4l.hw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.hw.eeprom.Eeprom24c02;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.testkit.NeedsKernel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example I2C driver {@link Eeprom24c02} on i2c-stub's chip at 0x50: the whole chip written in pages and read
 * back, unaligned writes, and a missing chip. Runs in the kernel test VM tier; elsewhere skipped.
 */
@NeedsKernel(modules = {"i2c-dev", "i2c-stub chip_addr=0x50"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Eeprom24c02Test {
    @Test
    void theWholeChipRoundTrips() throws Exception {
        try (I2cBus bus = I2cBus.open("SMBus stub driver")) {
            Eeprom24c02 eeprom = Eeprom24c02.on(bus, 0x50);
            byte[] image = new byte[Eeprom24c02.SIZE];
            new Random(24).nextBytes(image);
            eeprom.write(0, image);
            assertArrayEquals(image, eeprom.read(0, Eeprom24c02.SIZE));
            assertEquals(image[0x77] & 0xff, bus.chip(0x50).readByte(0x77), "the bytes are the chip's registers");
        }
    }

    @Test
    void writesAcrossPagesAndReadsAtAnyOffset() throws Exception {
        try (I2cBus bus = I2cBus.open("SMBus stub driver")) {
            Eeprom24c02 eeprom = Eeprom24c02.on(bus, 0x50);
            eeprom.write(0x90, new byte[20]);
            byte[] text = "hello, eeprom".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            eeprom.write(0x93, text); // starts mid-page, crosses two page boundaries
            assertArrayEquals(text, eeprom.read(0x93, text.length));
            assertEquals(0, eeprom.read(0x92, 1)[0], "the byte before is untouched");
            assertEquals(0, eeprom.read(0x93 + text.length, 1)[0], "and the byte after");
            assertThrows(IndexOutOfBoundsException.class, () -> eeprom.read(250, 7));
            assertThrows(IndexOutOfBoundsException.class, () -> eeprom.write(255, new byte[2]));
        }
    }

    @Test
    void aChipThatIsNotThereIsAClearError() throws Exception {
        try (I2cBus bus = I2cBus.open("SMBus stub driver")) {
            KernelException e = assertThrows(KernelException.class, () -> Eeprom24c02.on(bus, 0x51));
            assertEquals(Errno.ENODEV, e.errno());
            assertTrue(e.getMessage().contains("no device answers at address 0x51"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Eeprom24c02.on(bus, 0x48), "not a 24c02 address");
        }
    }
}
