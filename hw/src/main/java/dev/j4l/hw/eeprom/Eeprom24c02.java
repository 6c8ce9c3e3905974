package dev.j4l.hw.eeprom;

import dev.j4l.hw.I2cBus;
import dev.j4l.hw.I2cChip;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.I2cDevice;
import dev.j4l.kernel.I2cFunction;
import java.util.Objects;

/**
 * A driver for a 24c02-style I2C EEPROM: 256 bytes at one address (0x50 to 0x57), written in pages of 8 bytes,
 * read from any offset. It runs on any adapter with SMBus I2C block transfers, or byte data if it has none; its
 * tests run it on i2c-stub ({@code chip_addr=0x50}), whose registers hold the bytes.
 *
 * <p>Reads are I2C block reads of up to 32 bytes. Writes never cross a page: a real 24c02 wraps within the page
 * instead. After each page the chip is busy for up to 5 ms and does not acknowledge its address; the driver
 * polls until it does ("acknowledge polling"), or gives up after {@link #WRITE_TIMEOUT_NANOS}.
 */
public final class Eeprom24c02 {
    /** The chip's size in bytes. */
    public static final int SIZE = 256;
    /** The write page: a write must not cross a multiple of it. */
    public static final int PAGE = 8;
    /** How long a page write may keep the chip busy before the driver gives up (twice the datasheets' 5 ms). */
    public static final long WRITE_TIMEOUT_NANOS = 10_000_000L;

    private final I2cBus bus;
    private final I2cChip chip;
    private final boolean blocks;

    private Eeprom24c02(I2cBus bus, I2cChip chip) {
        this.bus = bus;
        this.chip = chip;
        this.blocks = bus.supports(I2cFunction.SMBUS_READ_I2C_BLOCK, I2cFunction.SMBUS_WRITE_I2C_BLOCK);
    }

    /**
     * The EEPROM at {@code address} on {@code bus} (left open: the caller's), checked to answer.
     *
     * @throws KernelException {@code ENODEV} when nothing answers there, {@code EOPNOTSUPP} when the adapter has
     *     neither I2C block nor byte data transfers
     */
    public static Eeprom24c02 on(I2cBus bus, int address) throws KernelException {
        if (address < 0x50 || address > 0x57) {
            throw new IllegalArgumentException("a 24c02 answers at 0x50..0x57, not 0x" + Integer.toHexString(address));
        }
        if (!bus.supports(I2cFunction.SMBUS_READ_BYTE_DATA, I2cFunction.SMBUS_WRITE_BYTE_DATA)
                && !bus.supports(I2cFunction.SMBUS_READ_I2C_BLOCK, I2cFunction.SMBUS_WRITE_I2C_BLOCK)) {
            throw new KernelException("24c02", bus.path() + " has neither I2C block nor byte data transfers", Errno.EOPNOTSUPP);
        }
        I2cChip chip = bus.chip(address);
        if (!chip.isPresent()) {
            throw new KernelException("24c02", bus.path() + ": no device answers at address 0x" + Integer.toHexString(address), Errno.ENODEV);
        }
        return new Eeprom24c02(bus, chip);
    }

    /** Reads {@code length} bytes from {@code offset}. */
    public byte[] read(int offset, int length) throws KernelException {
        Objects.checkFromIndexSize(offset, length, SIZE);
        byte[] out = new byte[length];
        for (int done = 0; done < length; ) {
            int n = Math.min(length - done, I2cDevice.SMBUS_BLOCK_MAX);
            if (blocks) {
                byte[] got = chip.readI2cBlock(offset + done, n);
                if (got.length != n) throw new KernelException("24c02 read", chip + " gave " + got.length + " of " + n + " bytes", Errno.EIO);
                System.arraycopy(got, 0, out, done, n);
            } else {
                for (int i = 0; i < n; i++) out[done + i] = (byte) chip.readByte(offset + done + i);
            }
            done += n;
        }
        return out;
    }

    /** Writes {@code data} at {@code offset}, page by page, waiting out each page's write cycle. */
    public void write(int offset, byte[] data) throws KernelException {
        Objects.checkFromIndexSize(offset, data.length, SIZE);
        for (int done = 0; done < data.length; ) {
            int at = offset + done;
            int n = Math.min(data.length - done, PAGE - at % PAGE);
            if (blocks) {
                chip.writeI2cBlock(at, java.util.Arrays.copyOfRange(data, done, done + n));
            } else {
                for (int i = 0; i < n; i++) chip.writeByte(at + i, data[done + i] & 0xff);
            }
            awaitWriteCycle();
            done += n;
        }
    }

    private void awaitWriteCycle() throws KernelException {
        long deadline = System.nanoTime() + WRITE_TIMEOUT_NANOS;
        while (!chip.isPresent()) {
            if (System.nanoTime() - deadline > 0) {
                throw new KernelException("24c02 write", chip + " still busy after a page write", Errno.ETIMEDOUT);
            }
            Thread.onSpinWait();
        }
    }

    /** The chip this driver talks to. */
    public I2cChip chip() {
        return chip;
    }

    @Override
    public String toString() {
        return "Eeprom24c02[" + chip + " on " + bus + "]";
    }
}
