package dev.j4l.adversary;

import dev.j4l.hw.I2cBus;
import dev.j4l.kernel.I2cDevice;
import dev.j4l.kernel.I2cMessage;
import dev.j4l.kernel.KernelException;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * i2c-dev's {@code I2C_SMBUS} and {@code I2C_RDWR} arguments hold addresses the kernel follows, with lengths it
 * trusts up to its own limits: a driver must not be able to make one name memory it does not own, or pass a
 * message longer or a list longer than the ABI allows. It tries: to reach the typed requests or the raw
 * {@code LinkedIoctl} by reflection, to find a public method taking a descriptor or a segment, to build messages
 * past the ABI's limits (8193 bytes, negative lengths, a write whose data and length disagree, 8-bit addresses
 * past 0x7f), to change a message's data after making it, to open i2c-dev on other files, and where an adapter
 * exists (i2c-stub in the kernel test VM tier), to send 43 messages, none, oversized SMBus blocks and bytes that
 * are not bytes.
 *
 * <p>Refused: each attempt throws. Break: any returns, or a message's data changes after it was made.
 */
final class I2cMessageBounds implements Attack {
    @Override
    public String name() {
        return "i2c-message-bounds";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        for (String field : List.of("SMBUS", "RDWR", "fd")) {
            findings.expectRefusalExplained("I2cDevice." + field + " by getDeclaredField+setAccessible", () -> {
                Field f = I2cDevice.class.getDeclaredField(field);
                f.setAccessible(true);
                return "reachable: " + f;
            }, NoSuchFieldException.class, InaccessibleObjectException.class);
        }
        findings.expectRefusalExplained("a raw I2C_RDWR request of the driver's own", () -> {
            Class<?> linked = Class.forName("dev.j4l.kernel.raw.LinkedIoctl");
            Method m = linked.getMethod("call", int.class, java.lang.foreign.MemorySegment.class);
            m.setAccessible(true);
            return "reachable: " + m;
        }, InaccessibleObjectException.class);
        findings.expectRefusalExplained("a public method taking a descriptor or a segment", () -> {
            for (Class<?> c : List.of(I2cDevice.class, I2cMessage.class, I2cBus.class, dev.j4l.hw.I2cChip.class)) {
                for (Method m : c.getMethods()) {
                    for (Class<?> p : m.getParameterTypes()) {
                        if (p == dev.j4l.kernel.OwnedFd.class || p == java.lang.foreign.MemorySegment.class) return "public " + m;
                    }
                }
            }
            throw new NoSuchMethodException("no public I2C method takes a descriptor or memory");
        }, NoSuchMethodException.class);

        findings.expectRefusal("a read of 8193 bytes", () -> I2cMessage.read(0x50, 8193), IllegalArgumentException.class);
        findings.expectRefusal("a read of 65535 bytes", () -> I2cMessage.read(0x50, 0xffff), IllegalArgumentException.class);
        findings.expectRefusal("a read of -1 bytes", () -> I2cMessage.read(0x50, -1), IllegalArgumentException.class);
        findings.expectRefusal("a write of 9000 bytes", () -> I2cMessage.write(0x50, new byte[9000]), IllegalArgumentException.class);
        findings.expectRefusal("a write declaring 64 bytes with 4", () -> new I2cMessage(0x50, false, new byte[4], 64, java.util.Set.of()),
                IllegalArgumentException.class);
        findings.expectRefusal("address 0x80 without ten-bit", () -> I2cMessage.read(0x80, 1), IllegalArgumentException.class);
        findings.expectRefusal("address 0x400 with ten-bit", () -> new I2cMessage(0x400, true, new byte[0], 1,
                java.util.Set.of(I2cMessage.Flag.TEN_BIT)), IllegalArgumentException.class);
        byte[] data = {1, 2, 3, 4};
        I2cMessage m = I2cMessage.write(0x50, data);
        data[0] = 9;
        m.data()[1] = 9;
        if (m.data()[0] != 1 || m.data()[1] != 2) findings.broken("a message's data changed after it was made");
        else findings.heldBack("a message keeps its own copy of its data");
        for (String other : List.of("/dev/null", "/dev/zero", "/dev/mem")) {
            findings.expectRefusal("I2cDevice.open(" + other + ")", () -> I2cDevice.open(other).close(), KernelException.class);
        }

        List<I2cDevice.Adapter> adapters = I2cDevice.adapters();
        if (adapters.isEmpty()) {
            System.err.println("skipped: no i2c-dev adapter here; the transfer attacks run in the kernel test VM tier");
            return findings.verdict();
        }
        try (I2cDevice bus = I2cDevice.open(adapters.get(0).path())) {
            List<I2cMessage> tooMany = new ArrayList<>(Collections.nCopies(43, I2cMessage.read(0x50, 1)));
            findings.expectRefusal("43 messages in one transfer", () -> bus.transfer(tooMany), IllegalArgumentException.class);
            findings.expectRefusal("no message", () -> bus.transfer(List.of()), IllegalArgumentException.class);
            findings.expectRefusal("an SMBus block of 33 bytes", () -> bus.writeI2cBlockData(0x50, 0, new byte[33]),
                    IllegalArgumentException.class);
            findings.expectRefusal("an I2C block read of 255 bytes", () -> bus.readI2cBlockData(0x50, 0, 255),
                    IllegalArgumentException.class);
            findings.expectRefusal("an SMBus block of no bytes", () -> bus.writeBlockData(0x50, 0, new byte[0]),
                    IllegalArgumentException.class);
            findings.expectRefusal("a register 0x1ff", () -> bus.readByteData(0x50, 0x1ff), IllegalArgumentException.class);
            findings.expectRefusal("a word 0x10000", () -> bus.writeWordData(0x50, 0, 0x10000), IllegalArgumentException.class);
            findings.expectRefusal("address -1", () -> bus.quick(-1, false), IllegalArgumentException.class);
        }
        I2cDevice closed = I2cDevice.open(adapters.get(0).path());
        closed.close();
        findings.expectRefusal("a transaction on a closed device", () -> closed.readByteData(0x50, 0), IllegalStateException.class);
        return findings.verdict();
    }
}
