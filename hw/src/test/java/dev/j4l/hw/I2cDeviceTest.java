package dev.j4l.hw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.I2cDevice;
import dev.j4l.kernel.I2cFunction;
import dev.j4l.kernel.I2cMessage;
import dev.j4l.kernel.KernelException;
import dev.j4l.testkit.NeedsKernel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link I2cDevice} (kernel) against i2c-stub with one chip at 0x50 (256 byte registers, 256 word registers, SMBus block
 * storage): each SMBus transaction kind there and back, the adapter's functionality, and the errors. Runs in the
 * kernel test VM tier ({@code ./j4l test --vm I2cDeviceTest}); elsewhere skipped.
 */
@NeedsKernel(modules = {"i2c-dev", "i2c-stub chip_addr=0x50"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class I2cDeviceTest {
    static final int CHIP = 0x50;

    /** The stub's bus: the adapter named "SMBus stub driver". */
    static String stubBus() throws Exception {
        for (I2cDevice.Adapter a : I2cDevice.adapters()) if (a.name().equals("SMBus stub driver")) return a.path();
        throw new AssertionError("no i2c-stub adapter among " + I2cDevice.adapters());
    }

    @Test
    void theStubOffersItsDefaultSmbusFunctionsOnly() throws Exception {
        try (I2cDevice bus = I2cDevice.open(stubBus())) {
            // drivers/i2c/i2c-stub.c: STUB_FUNC_DEFAULT, quick, byte, byte data, word data and I2C block; SMBus
            // block data only with the module parameter functionality= asking for it.
            assertEquals(java.util.EnumSet.of(I2cFunction.SMBUS_QUICK, I2cFunction.SMBUS_READ_BYTE,
                    I2cFunction.SMBUS_WRITE_BYTE, I2cFunction.SMBUS_READ_BYTE_DATA, I2cFunction.SMBUS_WRITE_BYTE_DATA,
                    I2cFunction.SMBUS_READ_WORD_DATA, I2cFunction.SMBUS_WRITE_WORD_DATA,
                    I2cFunction.SMBUS_READ_I2C_BLOCK, I2cFunction.SMBUS_WRITE_I2C_BLOCK), bus.functionality());
            assertEquals(0x0c7f0000L, bus.functionalityBits());
            assertFalse(bus.supports(I2cFunction.I2C));
            assertTrue(bus.supports(I2cFunction.SMBUS_QUICK, I2cFunction.SMBUS_WRITE_I2C_BLOCK));
            assertFalse(bus.supports(I2cFunction.SMBUS_QUICK, I2cFunction.SMBUS_READ_BLOCK_DATA));
            KernelException e = assertThrows(KernelException.class, () -> bus.writeBlockData(CHIP, 0x60, new byte[] {1, 2}));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertTrue(e.getMessage().contains("adapter lacks it"), e.getMessage());
            assertThrows(KernelException.class, () -> bus.readBlockData(CHIP, 0x60));
        }
    }

    @Test
    void byteWordAndBlockTransactionsRoundTrip() throws Exception {
        try (I2cDevice bus = I2cDevice.open(stubBus())) {
            bus.quick(CHIP, false);
            bus.writeByteData(CHIP, 0x10, 0xa5);
            assertEquals(0xa5, bus.readByteData(CHIP, 0x10));
            bus.writeWordData(CHIP, 0x20, 0xbeef);
            assertEquals(0xbeef, bus.readWordData(CHIP, 0x20));
            assertEquals(0xef, bus.readByteData(CHIP, 0x20), "the stub's byte is its word's low byte");

            byte[] bytes = new byte[32];
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (0x80 + i);
            bus.writeI2cBlockData(CHIP, 0x40, bytes);
            assertArrayEquals(bytes, bus.readI2cBlockData(CHIP, 0x40, 32));
            assertEquals(0x85, bus.readByteData(CHIP, 0x45));
            assertArrayEquals(new byte[] {(byte) 0x83, (byte) 0x84}, bus.readI2cBlockData(CHIP, 0x43, 2));

            bus.writeByte(CHIP, 0x40); // send byte: the register pointer
            assertEquals(0x80, bus.readByte(CHIP));
            assertEquals(0x81, bus.readByte(CHIP), "receive byte advances the pointer");
        }
    }

    @Test
    void anAddressWithoutADeviceIsAClearError() throws Exception {
        try (I2cDevice bus = I2cDevice.open(stubBus())) {
            KernelException e = assertThrows(KernelException.class, () -> bus.readByteData(0x51, 0));
            assertEquals(Errno.ENODEV, e.errno(), "i2c-stub's answer for an address it has no chip at");
            assertTrue(e.getMessage().contains("no device answers at address 0x51"), e.getMessage());
            assertThrows(KernelException.class, () -> bus.quick(0x51, false));
            assertEquals(0, bus.readByteData(CHIP, 0xff) & ~0xff, "the bus still works");
        }
    }

    @Test
    void combinedTransfersAreRefusedClearlyByTheStub() throws Exception {
        try (I2cDevice bus = I2cDevice.open(stubBus())) {
            // The ioctl reaches the kernel, whose i2c_transfer refuses an adapter without master_xfer.
            KernelException e = assertThrows(KernelException.class,
                    () -> bus.transfer(List.of(I2cMessage.write(CHIP, (byte) 0), I2cMessage.read(CHIP, 4))));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertTrue(e.getMessage().contains("SMBus only"), e.getMessage());
            assertEquals(0, bus.readByteData(CHIP, 0xfd) & ~0xff, "the bus still works");
        }
    }

    @Test
    void argumentsBeyondTheAbiAreRefusedBeforeTheKernel() throws Exception {
        try (I2cDevice bus = I2cDevice.open(stubBus())) {
            assertThrows(IllegalArgumentException.class, () -> bus.readByteData(0x80, 0));
            assertThrows(IllegalArgumentException.class, () -> bus.readByteData(-1, 0));
            assertThrows(IllegalArgumentException.class, () -> bus.readByteData(CHIP, 0x100));
            assertThrows(IllegalArgumentException.class, () -> bus.writeByteData(CHIP, 0, 0x100));
            assertThrows(IllegalArgumentException.class, () -> bus.writeWordData(CHIP, 0, 0x10000));
            assertThrows(IllegalArgumentException.class, () -> bus.writeI2cBlockData(CHIP, 0, new byte[33]));
            assertThrows(IllegalArgumentException.class, () -> bus.writeBlockData(CHIP, 0, new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> bus.readI2cBlockData(CHIP, 0, 33));
            List<I2cMessage> tooMany = new ArrayList<>(Collections.nCopies(43, I2cMessage.read(CHIP, 1)));
            assertThrows(IllegalArgumentException.class, () -> bus.transfer(tooMany));
            assertThrows(IllegalArgumentException.class, () -> bus.transfer(List.of()));
            assertThrows(IllegalArgumentException.class, () -> I2cMessage.read(CHIP, 8193));
            assertThrows(IllegalArgumentException.class, () -> I2cMessage.write(0x80, (byte) 1));
            assertEquals(0, bus.readByteData(CHIP, 0xfe) & ~0xff, "the bus still works");
        }
    }

    @Test
    void onlyAnI2cDevNodeIsOpenedAsOne() {
        KernelException e = assertThrows(KernelException.class, () -> I2cDevice.open("/dev/null"));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("not an i2c-dev node"), e.getMessage());
    }
}
