package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.j4l.kernel.abi.I2cAbi;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * The checks {@code I2C_SMBUS} and {@code I2C_RDWR} arguments pass before any reaches the kernel: every address
 * they hold must name a range inside the argument itself. Runs anywhere: no ioctl is made.
 */
class I2cArgumentTest {
    @Test
    void anSmbusDataAddressOutsideTheArgumentIsRefused() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = a.allocate(I2cDevice.SMBUS_ARG_SIZE, 8);
            arg.set(ValueLayout.ADDRESS, I2cAbi.SMBUS_IOCTL_DATA, arg.asSlice(I2cAbi.SMBUS_IOCTL_SIZE));
            assertEquals(I2cDevice.SMBUS_ARG_SIZE, I2cDevice.SMBUS.links().check(arg));
            arg.set(ValueLayout.ADDRESS, I2cAbi.SMBUS_IOCTL_DATA, arg.asSlice(I2cAbi.SMBUS_IOCTL_SIZE + 1));
            assertThrows(IllegalArgumentException.class, () -> I2cDevice.SMBUS.links().check(arg), "34 bytes do not fit");
            MemorySegment other = a.allocate(64);
            arg.set(ValueLayout.ADDRESS, I2cAbi.SMBUS_IOCTL_DATA, other);
            assertThrows(IllegalArgumentException.class, () -> I2cDevice.SMBUS.links().check(arg));
            assertThrows(IllegalArgumentException.class, () -> I2cDevice.SMBUS.call(-1, arg.asSlice(0, 8)), "short header");
        }
    }

    @Test
    void rdwrMessagesMustLieInsideTheArgumentWithinTheAbisLimits() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = a.allocate(16 + 2 * 16 + 8, 8);
            arg.set(ValueLayout.ADDRESS, I2cAbi.RDWR_IOCTL_MSGS, arg.asSlice(16));
            arg.set(ValueLayout.JAVA_INT, I2cAbi.RDWR_IOCTL_NMSGS, 2);
            for (int i = 0; i < 2; i++) {
                arg.set(ValueLayout.JAVA_SHORT, 16 + i * 16 + I2cAbi.MSG_LEN, (short) 4);
                arg.set(ValueLayout.ADDRESS, 16 + i * 16 + I2cAbi.MSG_BUF, arg.asSlice(48 + i * 4L, 4));
            }
            assertEquals(56, I2cDevice.RDWR.links().check(arg));

            arg.set(ValueLayout.JAVA_SHORT, 16 + 16 + I2cAbi.MSG_LEN, (short) 5);
            assertThrows(IllegalArgumentException.class, () -> I2cDevice.RDWR.links().check(arg), "one byte past the end");
            arg.set(ValueLayout.JAVA_SHORT, 16 + 16 + I2cAbi.MSG_LEN, (short) 4);
            arg.set(ValueLayout.JAVA_SHORT, 16 + I2cAbi.MSG_FLAGS, (short) I2cAbi.MessageFlags.RECV_LEN);
            assertThrows(IllegalArgumentException.class, () -> I2cDevice.RDWR.links().check(arg), "RECV_LEN");
            arg.set(ValueLayout.JAVA_SHORT, 16 + I2cAbi.MSG_FLAGS, (short) 0);
            arg.set(ValueLayout.JAVA_INT, I2cAbi.RDWR_IOCTL_NMSGS, 3);
            assertThrows(IllegalArgumentException.class, () -> I2cDevice.RDWR.links().check(arg), "array past the end");
            arg.set(ValueLayout.JAVA_INT, I2cAbi.RDWR_IOCTL_NMSGS, 43);
            assertThrows(IllegalArgumentException.class, () -> I2cDevice.RDWR.links().check(arg), "43 messages");
            arg.set(ValueLayout.JAVA_INT, I2cAbi.RDWR_IOCTL_NMSGS, 0);
            assertThrows(IllegalArgumentException.class, () -> I2cDevice.RDWR.links().check(arg), "none");
            arg.set(ValueLayout.JAVA_INT, I2cAbi.RDWR_IOCTL_NMSGS, 2);
            arg.set(ValueLayout.ADDRESS, 16 + I2cAbi.MSG_BUF, a.allocate(4));
            assertThrows(IllegalArgumentException.class, () -> I2cDevice.RDWR.links().check(arg), "a buffer elsewhere");
        }
    }

    @Test
    void messagesAreCheckedWhenMade() {
        assertThrows(IllegalArgumentException.class, () -> I2cMessage.read(0x50, 8193));
        assertThrows(IllegalArgumentException.class, () -> I2cMessage.read(0x50, -1));
        assertThrows(IllegalArgumentException.class, () -> I2cMessage.read(0x80, 1));
        assertEquals(0x3ff, new I2cMessage(0x3ff, true, new byte[0], 1, java.util.Set.of(I2cMessage.Flag.TEN_BIT)).target());
        assertThrows(IllegalArgumentException.class, () -> I2cMessage.read(0x3ff, 1), "10-bit needs TEN_BIT");
        assertThrows(IllegalArgumentException.class, () -> new I2cMessage(0x50, false, new byte[3], 4, java.util.Set.of()));
        byte[] data = {1, 2};
        I2cMessage m = I2cMessage.write(0x50, data);
        data[0] = 9;
        assertEquals(1, m.data()[0], "the message holds a copy");
        assertEquals(8192, I2cMessage.read(0x50, 8192).length());
    }
}
