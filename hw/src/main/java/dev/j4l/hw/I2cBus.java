package dev.j4l.hw;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.I2cDevice;
import dev.j4l.kernel.I2cMessage;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.I2cFunction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An I2C bus as user space sees it, {@code /dev/i2c-N}: the devices on it ({@link #chip(int)}), what the adapter
 * can do ({@link #functionality()}), a scan like {@code i2cdetect} ({@link #detect()}), and combined transfers
 * ({@link #transfer}).
 *
 * {@snippet class=dev.j4l.hw.I2cExample region=i2c}
 *
 * <p>One bus may be shared by threads: each transaction selects its target address under the bus's lock.
 */
public final class I2cBus implements AutoCloseable {
    /** The first and last address {@link #detect()} scans (i2cdetect's default range: the rest are reserved). */
    public static final int FIRST_ADDRESS = 0x08, LAST_ADDRESS = 0x77;

    private final I2cDevice device;

    private I2cBus(I2cDevice device) {
        this.device = device;
    }

    /** Opens bus {@code n}, {@code /dev/i2c-n}. */
    public static I2cBus open(int n) throws KernelException {
        if (n < 0) throw new IllegalArgumentException("bus " + n);
        return new I2cBus(I2cDevice.open("/dev/i2c-" + n));
    }

    /** Opens the bus whose adapter is named {@code name} ({@code "SMBus stub driver"}), the first if several. */
    public static I2cBus open(String adapterName) throws KernelException, IOException {
        for (I2cDevice.Adapter a : adapters()) if (a.name().equals(adapterName)) return open(a.bus());
        throw new KernelException("open i2c", "no adapter named \"" + adapterName + "\"", Errno.ENODEV);
    }

    /** The buses with an i2c-dev node, with their adapters' names. */
    public static List<I2cDevice.Adapter> adapters() throws IOException {
        return I2cDevice.adapters();
    }

    /** What the adapter can do ({@code I2C_FUNCS}). */
    public java.util.Set<I2cFunction> functionality() {
        return device.functionality();
    }

    /** The adapter's {@code I2C_FUNCS} word, as {@code i2cdetect -F} shows it. */
    public long functionalityBits() {
        return device.functionalityBits();
    }

    /** Whether the adapter offers all of {@code functions}. */
    public boolean supports(I2cFunction... functions) {
        return device.supports(functions);
    }

    /** The device at 7-bit address {@code address} on this bus (nothing is sent until it is used). */
    public I2cChip chip(int address) {
        if (address < 0 || address > 0x7f) throw new IllegalArgumentException("I2C address 0x" + Integer.toHexString(address));
        return new I2cChip(device, address);
    }

    /** An address that answered a {@link #detect()}, and whether a kernel driver holds it ({@code UU}). */
    public record Detected(int address, boolean inUse) {}

    /**
     * Which addresses from {@link #FIRST_ADDRESS} to {@link #LAST_ADDRESS} answer, probed as {@code i2cdetect}
     * does by default: a receive byte for 0x30-0x37 and 0x50-0x5f (where a quick write could change an EEPROM's
     * write-protect state), a quick write elsewhere, a receive byte where the adapter lacks quick.
     */
    public List<Detected> detect() throws KernelException {
        List<Detected> found = new ArrayList<>();
        for (int a = FIRST_ADDRESS; a <= LAST_ADDRESS; a++) {
            boolean readFirst = (a >= 0x30 && a <= 0x37) || (a >= 0x50 && a <= 0x5f)
                    || !device.supports(I2cFunction.SMBUS_QUICK);
            try {
                if (readFirst) device.readByte(a);
                else device.quick(a, false);
                found.add(new Detected(a, false));
            } catch (KernelException e) {
                if (e.errno() == Errno.EBUSY) found.add(new Detected(a, true));
                else if (!absent(e.errno())) throw e;
            }
        }
        return found;
    }

    /** The errors with which adapters report that no device acknowledged an address. */
    static boolean absent(Errno e) {
        return e == Errno.ENXIO || e == Errno.ENODEV || e == Errno.EREMOTEIO || e == Errno.EIO || e == Errno.ETIMEDOUT;
    }

    /**
     * A combined transfer ({@code I2C_RDWR}): returns the bytes of each read message, in order.
     *
     * @throws KernelException {@code EOPNOTSUPP} on an SMBus-only adapter (no {@code I2C_FUNC_I2C})
     */
    public List<byte[]> transfer(I2cMessage... messages) throws KernelException {
        return device.transfer(List.of(messages));
    }

    /**
     * Whether a kernel driver's address may be taken anyway ({@code I2C_SLAVE_FORCE}): off by default, since
     * talking behind a driver's back can confuse it and the device.
     */
    public void forceAddresses(boolean on) {
        device.forceAddresses(on);
    }

    /** The device node's path. */
    public String path() {
        return device.path();
    }

    @Override
    public void close() {
        device.close();
    }

    @Override
    public String toString() {
        return "I2cBus[" + device.path() + "]";
    }
}
