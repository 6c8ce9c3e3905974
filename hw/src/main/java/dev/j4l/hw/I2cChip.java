package dev.j4l.hw;

import dev.j4l.kernel.I2cDevice;
import dev.j4l.kernel.KernelException;

/**
 * One device on an I2C bus, at its 7-bit address: SMBus transactions with it. Made by {@link I2cBus#chip(int)};
 * usable while its bus is open. A device that does not answer gives a {@link KernelException} saying so (errno
 * {@code ENXIO}, {@code EREMOTEIO} or, on i2c-stub, {@code ENODEV}).
 */
public final class I2cChip {
    private final I2cDevice bus;
    private final int address;

    I2cChip(I2cDevice bus, int address) {
        this.bus = bus;
        this.address = address;
    }

    /** The 7-bit address. */
    public int address() {
        return address;
    }

    /** Whether the device acknowledges its address (a quick write, or a receive byte where quick is missing). */
    public boolean isPresent() throws KernelException {
        try {
            if (bus.supports(dev.j4l.kernel.I2cFunction.SMBUS_QUICK)) bus.quick(address, false);
            else bus.readByte(address);
            return true;
        } catch (KernelException e) {
            if (I2cBus.absent(e.errno())) return false;
            throw e;
        }
    }

    /** Receive byte: the byte at the device's current pointer. */
    public int readByte() throws KernelException {
        return bus.readByte(address);
    }

    /** Send byte (often: set the device's pointer). */
    public void writeByte(int value) throws KernelException {
        bus.writeByte(address, value);
    }

    /** Register {@code register}'s byte. */
    public int readByte(int register) throws KernelException {
        return bus.readByteData(address, register);
    }

    /** Writes register {@code register}'s byte. */
    public void writeByte(int register, int value) throws KernelException {
        bus.writeByteData(address, register, value);
    }

    /** Register {@code register}'s 16-bit word (SMBus order: low byte first). */
    public int readWord(int register) throws KernelException {
        return bus.readWordData(address, register);
    }

    /** Writes register {@code register}'s 16-bit word. */
    public void writeWord(int register, int value) throws KernelException {
        bus.writeWordData(address, register, value);
    }

    /** SMBus block read: the device sends a count (1 to 32), then that many bytes. */
    public byte[] readBlock(int register) throws KernelException {
        return bus.readBlockData(address, register);
    }

    /** SMBus block write of 1 to 32 bytes. */
    public void writeBlock(int register, byte[] data) throws KernelException {
        bus.writeBlockData(address, register, data);
    }

    /** I2C block read: {@code length} (1 to 32) bytes from register {@code register} on. */
    public byte[] readI2cBlock(int register, int length) throws KernelException {
        return bus.readI2cBlockData(address, register, length);
    }

    /** I2C block write: 1 to 32 bytes to register {@code register} on. */
    public void writeI2cBlock(int register, byte[] data) throws KernelException {
        bus.writeI2cBlockData(address, register, data);
    }

    @Override
    public String toString() {
        return "I2cChip[0x" + Integer.toHexString(address) + " on " + bus.path() + "]";
    }
}
