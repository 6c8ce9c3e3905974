package dev.j4l.kernel;

import dev.j4l.kernel.abi.UinputAbi;
import dev.j4l.kernel.abi.UinputAbi.Codes;
import dev.j4l.kernel.raw.Ioctl;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A virtual input device through {@code /dev/uinput} (misc 10:223): declare the event types and codes it sends,
 * {@link #setup} its name and ids, {@link #create} it (the kernel registers an input device, and evdev a
 * {@code /dev/input/eventN} for it), then {@link #write} events; {@link #close} destroys it.
 *
 * <p>Every ioctl is {@link UinputAbi}'s, made only on the descriptor this object opened and checked to be the
 * uinput misc device, whatever path was named. The bit-setting ioctls take their number by value and each is
 * range-checked first; {@code UI_DEV_SETUP}'s {@code uinput_setup} and the {@code input_event}s written are built
 * here, in memory this object owns, from typed values: no caller's memory reaches the kernel.
 */
public final class UinputDevice implements AutoCloseable {
    public static final String PATH = "/dev/uinput";
    /** The most events one {@link #write(List)} hands the kernel in one write(2). */
    public static final int MAX_EVENTS = 64;
    /** The longest name, in UTF-8 bytes ({@code UINPUT_MAX_NAME_SIZE} less the NUL). */
    public static final int MAX_NAME_BYTES = UinputAbi.UINPUT_MAX_NAME_SIZE - 1;

    static final Ioctl DEV_CREATE = Ioctl.none("UI_DEV_CREATE", UinputAbi.UI_DEV_CREATE);
    static final Ioctl DEV_DESTROY = Ioctl.none("UI_DEV_DESTROY", UinputAbi.UI_DEV_DESTROY);
    static final Ioctl DEV_SETUP = Ioctl.buffer("UI_DEV_SETUP", UinputAbi.UI_DEV_SETUP, UinputAbi.SETUP_SIZE);
    static final Ioctl SET_EVBIT = Ioctl.value("UI_SET_EVBIT", UinputAbi.UI_SET_EVBIT);
    static final Ioctl SET_KEYBIT = Ioctl.value("UI_SET_KEYBIT", UinputAbi.UI_SET_KEYBIT);
    static final Ioctl SET_RELBIT = Ioctl.value("UI_SET_RELBIT", UinputAbi.UI_SET_RELBIT);

    /** MISC_MAJOR and UINPUT_MINOR (include/linux/miscdevice.h). */
    private static final int MISC_MAJOR = 10, UINPUT_MINOR = 223;

    private final OwnedFd fd;
    /** The uinput_setup argument and the events written: used under this object's lock. */
    private final NativeBuffer setupArg = NativeBuffer.allocate(UinputAbi.SETUP_SIZE);
    private final NativeBuffer events = NativeBuffer.allocate((long) UinputAbi.EVENT_SIZE * MAX_EVENTS);
    private boolean created;

    private UinputDevice(OwnedFd fd) {
        this.fd = fd;
    }

    /** Opens {@code /dev/uinput}. */
    public static UinputDevice open() throws KernelException {
        return open(PATH);
    }

    /**
     * Opens {@code path} for writing; it must be the uinput device (character device 10:223).
     *
     * @throws KernelException with {@code EINVAL} when it is another file, {@code ENOENT} when there is none
     *     (the uinput module is not loaded), {@code EACCES} without permission
     */
    public static UinputDevice open(String path) throws KernelException {
        return new UinputDevice(DeviceNode.open(path, Fs.O_WRONLY | Fs.O_NONBLOCK, FileStat.S_IFCHR, MISC_MAJOR,
                "open uinput", "the uinput device (char 10:223)", UINPUT_MINOR));
    }

    /** Declares that the device sends events of {@code type} ({@code UI_SET_EVBIT}); before {@link #create}. */
    public synchronized void enableEventType(int type) throws KernelException {
        fd.ioctl(SET_EVBIT, check("event type", type, Codes.EV_MAX));
    }

    /** Declares key (or button) {@code code} ({@code UI_SET_KEYBIT}); before {@link #create}. */
    public synchronized void enableKey(int code) throws KernelException {
        fd.ioctl(SET_KEYBIT, check("key code", code, Codes.KEY_MAX));
    }

    /** Declares relative axis {@code axis} ({@code UI_SET_RELBIT}); before {@link #create}. */
    public synchronized void enableRelativeAxis(int axis) throws KernelException {
        fd.ioctl(SET_RELBIT, check("relative axis", axis, Codes.REL_MAX));
    }

    private static long check(String what, int value, int max) {
        if (value < 0 || value > max) throw new IllegalArgumentException(what + " " + value + " outside 0.." + max);
        return value;
    }

    /**
     * Names the device and gives its ids ({@code UI_DEV_SETUP}); before {@link #create}.
     *
     * @param name at most {@link #MAX_NAME_BYTES} bytes of UTF-8, without NUL
     * @param bustype e.g. {@link UinputAbi#BUS_VIRTUAL}; this and the other ids are unsigned 16-bit
     */
    public synchronized void setup(String name, int bustype, int vendor, int product, int version)
            throws KernelException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("uinput name must be 1.." + MAX_NAME_BYTES + " bytes: " + name);
        }
        for (byte b : bytes) if (b == 0) throw new IllegalArgumentException("uinput name holds a NUL");
        setupArg.fill(0, UinputAbi.SETUP_SIZE, (byte) 0);
        setupArg.putShort(UinputAbi.SETUP_ID + UinputAbi.INPUT_ID_BUSTYPE, u16("bustype", bustype));
        setupArg.putShort(UinputAbi.SETUP_ID + UinputAbi.INPUT_ID_VENDOR, u16("vendor", vendor));
        setupArg.putShort(UinputAbi.SETUP_ID + UinputAbi.INPUT_ID_PRODUCT, u16("product", product));
        setupArg.putShort(UinputAbi.SETUP_ID + UinputAbi.INPUT_ID_VERSION, u16("version", version));
        setupArg.put(UinputAbi.SETUP_NAME, bytes, 0, bytes.length);
        // The kernel reads SETUP_SIZE bytes of this object's buffer (Ioctl checks its size).
        fd.ioctl(DEV_SETUP, setupArg);
    }

    private static short u16(String what, int v) {
        if (v < 0 || v > 0xffff) throw new IllegalArgumentException(what + " " + v + " outside 0..0xffff");
        return (short) v;
    }

    /** Registers the device ({@code UI_DEV_CREATE}): from now on it exists and events can be written. */
    public synchronized void create() throws KernelException {
        fd.ioctl(DEV_CREATE, 0);
        created = true;
    }

    /** Whether {@link #create} succeeded and the device is not destroyed yet. */
    public synchronized boolean isCreated() {
        return created;
    }

    /** Writes one event. */
    public void write(int type, int code, int value) throws KernelException {
        write(List.of(new InputEvent(type, code, value)));
    }

    /**
     * Writes {@code list} in order, at most {@link #MAX_EVENTS} a write(2); the kernel stamps their times.
     *
     * @throws IllegalStateException before {@link #create}
     */
    public synchronized void write(List<InputEvent> list) throws KernelException {
        if (!created) throw new IllegalStateException("uinput device not created");
        for (int from = 0; from < list.size(); from += MAX_EVENTS) {
            int n = Math.min(MAX_EVENTS, list.size() - from);
            for (int i = 0; i < n; i++) {
                InputEvent e = Objects.requireNonNull(list.get(from + i), "event");
                long at = (long) i * UinputAbi.EVENT_SIZE;
                events.putLong(at + UinputAbi.EVENT_TIME, 0);
                events.putLong(at + UinputAbi.EVENT_TIME + 8, 0);
                events.putShort(at + UinputAbi.EVENT_TYPE, (short) e.type());
                events.putShort(at + UinputAbi.EVENT_CODE, (short) e.code());
                events.putInt(at + UinputAbi.EVENT_VALUE, e.value());
            }
            int bytes = n * UinputAbi.EVENT_SIZE;
            int written = fd.write(events, 0, bytes);
            if (written != bytes) {
                throw new KernelException("write uinput", fd.description() + ": " + written + " of " + bytes + " bytes",
                        Errno.EIO);
            }
        }
    }

    /** Unregisters the device ({@code UI_DEV_DESTROY}) and closes {@code /dev/uinput}; idempotent. */
    @Override
    public synchronized void close() {
        try {
            if (created && fd.isOpen()) fd.ioctl(DEV_DESTROY, 0);
        } catch (KernelException e) {
            // Closing the descriptor destroys the device too.
        } finally {
            created = false;
            fd.close();
        }
    }

    /** The path this device was opened by. */
    public String path() {
        return fd.description();
    }

    @Override
    public String toString() {
        return "UinputDevice[" + fd.description() + (created ? ", created" : "") + "]";
    }
}
