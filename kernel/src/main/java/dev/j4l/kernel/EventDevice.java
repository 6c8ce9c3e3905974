package dev.j4l.kernel;

import dev.j4l.kernel.abi.UinputAbi;
import dev.j4l.kernel.raw.Ioctl;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * An evdev node, {@code /dev/input/eventN} (character device 13:N), as a game or a test uses it: the device's
 * name ({@code EVIOCGNAME}), ids ({@code EVIOCGID}), capabilities ({@code EVIOCGBIT}) and axes
 * ({@code EVIOCGABS}), the events it reports from the open on, and, opened with {@link #openReadWrite}, force
 * feedback: upload an effect ({@code EVIOCSFF}), play and stop it (an {@code EV_FF} event written), erase it
 * ({@code EVIOCRMFF}), set the gain.
 *
 * <p>The ioctls are {@link UinputAbi}'s, made only on the descriptor this object opened (non-blocking) and checked
 * to be an input character device, whatever path was named, into buffers this object owns; an effect is encoded
 * there from its record, with no pointer in it. Effects uploaded through this descriptor belong to it: closing it
 * erases them.
 */
public final class EventDevice implements AutoCloseable {
    /** The most bytes of name read back. */
    public static final int NAME_SIZE = 256;
    /** The most events one {@link #read} returns. */
    public static final int MAX_EVENTS = 64;

    static final Ioctl GET_ID = Ioctl.buffer("EVIOCGID", UinputAbi.EVIOCGID, UinputAbi.INPUT_ID_SIZE);
    static final Ioctl GET_NAME = Ioctl.buffer("EVIOCGNAME",
            UinputAbi.EVIOCGNAME_BASE | (long) NAME_SIZE << UinputAbi.IOC_SIZESHIFT, NAME_SIZE);
    /** The bytes of the largest capability bitmap, the keys' ({@code KEY_CNT / 8}). */
    static final int BITS_SIZE = (InputCodes.KEY_MAX + 1) / 8;
    /** {@code EVIOCGBIT(ev, BITS_SIZE)} for each event type ev (0: the event types themselves). */
    static final Ioctl[] GET_BITS = new Ioctl[InputCodes.EV_MAX + 1];
    /** {@code EVIOCGABS(abs)} for each absolute axis. */
    static final Ioctl[] GET_ABS = new Ioctl[InputCodes.ABS_MAX + 1];
    static final Ioctl SET_FF = Ioctl.buffer("EVIOCSFF", UinputAbi.EVIOCSFF, UinputAbi.FF_EFFECT_SIZE);
    static final Ioctl REMOVE_FF = Ioctl.value("EVIOCRMFF", UinputAbi.EVIOCRMFF);
    static final Ioctl GET_EFFECTS = Ioctl.buffer("EVIOCGEFFECTS", UinputAbi.EVIOCGEFFECTS, 4);

    static {
        for (int ev = 0; ev <= InputCodes.EV_MAX; ev++) {
            GET_BITS[ev] = Ioctl.buffer("EVIOCGBIT", UinputAbi.EVIOCGBIT_BASE + ev
                    | (long) BITS_SIZE << UinputAbi.IOC_SIZESHIFT, BITS_SIZE);
        }
        for (int abs = 0; abs <= InputCodes.ABS_MAX; abs++) {
            GET_ABS[abs] = Ioctl.buffer("EVIOCGABS", UinputAbi.EVIOCGABS_BASE + abs, UinputAbi.ABSINFO_SIZE);
        }
    }

    /** INPUT_MAJOR (include/uapi/linux/major.h). */
    private static final int INPUT_MAJOR = 13;

    /** The ids of {@code struct input_id}. */
    public record Id(int bustype, int vendor, int product, int version) {}

    private final OwnedFd fd;
    /** Ioctl answers and read events: used under this object's lock. */
    private final NativeBuffer buf = NativeBuffer.allocate(Math.max(NAME_SIZE, UinputAbi.EVENT_SIZE * MAX_EVENTS));
    private final Poller poller = new Poller(1);
    /** The events written (plays, gain): used under this object's lock. */
    private final NativeBuffer out = NativeBuffer.allocate(UinputAbi.EVENT_SIZE);

    private EventDevice(OwnedFd fd) {
        this.fd = fd;
        poller.add(fd, Poller.POLLIN);
    }

    /**
     * Opens {@code path} for reading; it must be an input device (character device 13:N).
     *
     * @throws KernelException with {@code EINVAL} when it is another file
     */
    public static EventDevice open(String path) throws KernelException {
        return new EventDevice(DeviceNode.open(path, Fs.O_RDONLY | Fs.O_NONBLOCK, FileStat.S_IFCHR, INPUT_MAJOR,
                "open evdev", "an input device (char 13:N)"));
    }

    /**
     * Opens {@code path} for reading and writing, as a client of force feedback does (writing {@code EV_FF}
     * events needs it); it must be an input device (character device 13:N).
     */
    public static EventDevice openReadWrite(String path) throws KernelException {
        return new EventDevice(DeviceNode.open(path, Fs.O_RDWR | Fs.O_NONBLOCK, FileStat.S_IFCHR, INPUT_MAJOR,
                "open evdev", "an input device (char 13:N)"));
    }

    /**
     * The codes the device declares for event type {@code type} ({@code EVIOCGBIT}): for 0, the event types
     * themselves ({@code EV_KEY}, {@code EV_ABS}, {@code EV_FF}...); for {@code EV_FF}, the effect types,
     * waveforms and {@code FF_GAIN}/{@code FF_AUTOCENTER}.
     */
    public synchronized BitSet capabilities(int type) throws KernelException {
        if (type < 0 || type > InputCodes.EV_MAX) throw new IllegalArgumentException("event type " + type + " outside 0.." + InputCodes.EV_MAX);
        NativeBuffer arg = buf.slice(0, BITS_SIZE);
        arg.fill(0, BITS_SIZE, (byte) 0);
        // The kernel writes at most BITS_SIZE bytes (the length encoded in the request) into this object's buffer.
        fd.ioctl(GET_BITS[type], arg);
        return BitSet.valueOf(arg.toByteArray()); // the kernel's longs are little-endian bytes, as BitSet reads them
    }

    /** Absolute axis {@code axis}'s current value, range, fuzz, flat and resolution ({@code EVIOCGABS}). */
    public synchronized AbsInfo absInfo(int axis) throws KernelException {
        if (axis < 0 || axis > InputCodes.ABS_MAX) throw new IllegalArgumentException("absolute axis " + axis + " outside 0.." + InputCodes.ABS_MAX);
        NativeBuffer arg = buf.slice(0, UinputAbi.ABSINFO_SIZE);
        // The kernel writes ABSINFO_SIZE bytes into this object's buffer (Ioctl checks its size).
        fd.ioctl(GET_ABS[axis], arg);
        return new AbsInfo(arg.getInt(UinputAbi.ABSINFO_VALUE), arg.getInt(UinputAbi.ABSINFO_MINIMUM),
                arg.getInt(UinputAbi.ABSINFO_MAXIMUM), arg.getInt(UinputAbi.ABSINFO_FUZZ),
                arg.getInt(UinputAbi.ABSINFO_FLAT), arg.getInt(UinputAbi.ABSINFO_RESOLUTION));
    }

    /** How many effects the device holds at once ({@code EVIOCGEFFECTS}; 0 without force feedback). */
    public synchronized int effectsMax() throws KernelException {
        NativeBuffer arg = buf.slice(0, 4);
        fd.ioctl(GET_EFFECTS, arg);
        return arg.getInt(0);
    }

    /**
     * Uploads {@code effect} ({@code EVIOCSFF}): a new one when its id is -1, else an update of the effect with
     * that id (uploaded through this descriptor). Returns the effect's id. The device's driver may refuse it.
     *
     * @throws KernelException e.g. {@code EINVAL} for a type the device does not declare, {@code ENOSPC} when it
     *     holds {@link #effectsMax()} already, or the error the driver answered
     */
    public synchronized int uploadEffect(ForceFeedbackEffect effect) throws KernelException {
        Objects.requireNonNull(effect, "effect");
        NativeBuffer arg = buf.slice(0, UinputAbi.FF_EFFECT_SIZE);
        ForceFeedbackCodec.encode(effect, arg, 0);
        // The kernel reads FF_EFFECT_SIZE bytes of this object's buffer, which holds no pointer (custom_data is 0),
        // and writes the id back into it.
        fd.ioctl(SET_FF, arg);
        return arg.getShort(UinputAbi.FF_EFFECT_ID);
    }

    /** Erases effect {@code id} ({@code EVIOCRMFF}), stopping it first; the driver may refuse. */
    public synchronized void eraseEffect(int id) throws KernelException {
        fd.ioctl(REMOVE_FF, effectId(id));
    }

    /** Plays effect {@code id} {@code count} times ({@code EV_FF id count} written); 0 stops it. */
    public void playEffect(int id, int count) throws KernelException {
        if (count < 0) throw new IllegalArgumentException("play count " + count + " is negative");
        writeEvent(InputCodes.EV_FF, effectId(id), count);
    }

    /** Sets the device's force feedback gain, 0..0xffff ({@code EV_FF FF_GAIN}); ignored unless it declares it. */
    public void setGain(int gain) throws KernelException {
        if (gain < 0 || gain > 0xffff) throw new IllegalArgumentException("gain " + gain + " outside 0..0xffff");
        writeEvent(InputCodes.EV_FF, InputCodes.FF_GAIN, gain);
    }

    /** Sets the autocenter strength, 0..0xffff ({@code EV_FF FF_AUTOCENTER}); ignored unless declared. */
    public void setAutocenter(int strength) throws KernelException {
        if (strength < 0 || strength > 0xffff) throw new IllegalArgumentException("autocenter " + strength + " outside 0..0xffff");
        writeEvent(InputCodes.EV_FF, InputCodes.FF_AUTOCENTER, strength);
    }

    private static int effectId(int id) {
        if (id < 0 || id >= InputCodes.FF_MAX_EFFECTS) {
            throw new IllegalArgumentException("effect id " + id + " outside 0.." + (InputCodes.FF_MAX_EFFECTS - 1));
        }
        return id;
    }

    private synchronized void writeEvent(int type, int code, int value) throws KernelException {
        out.fill(0, UinputAbi.EVENT_SIZE, (byte) 0);
        out.putShort(UinputAbi.EVENT_TYPE, (short) type);
        out.putShort(UinputAbi.EVENT_CODE, (short) code);
        out.putInt(UinputAbi.EVENT_VALUE, value);
        int n = fd.write(out, 0, UinputAbi.EVENT_SIZE);
        if (n != UinputAbi.EVENT_SIZE) {
            throw new KernelException("write evdev", fd.description() + ": " + n + " of " + UinputAbi.EVENT_SIZE
                    + " bytes", Errno.EIO);
        }
    }

    /** The device's name ({@code EVIOCGNAME}), at most {@link #NAME_SIZE} - 1 bytes of it. */
    public synchronized String name() throws KernelException {
        buf.fill(0, NAME_SIZE, (byte) 0);
        // The kernel writes at most NAME_SIZE bytes (the length encoded in the request) into this object's buffer.
        fd.ioctl(GET_NAME, buf.slice(0, NAME_SIZE));
        long end = buf.indexOf((byte) 0, 0, NAME_SIZE);
        return buf.getString(0, (int) (end < 0 ? NAME_SIZE : end));
    }

    /** The device's ids ({@code EVIOCGID}). */
    public synchronized Id id() throws KernelException {
        NativeBuffer arg = buf.slice(0, UinputAbi.INPUT_ID_SIZE);
        fd.ioctl(GET_ID, arg);
        return new Id(Short.toUnsignedInt(arg.getShort(UinputAbi.INPUT_ID_BUSTYPE)),
                Short.toUnsignedInt(arg.getShort(UinputAbi.INPUT_ID_VENDOR)),
                Short.toUnsignedInt(arg.getShort(UinputAbi.INPUT_ID_PRODUCT)),
                Short.toUnsignedInt(arg.getShort(UinputAbi.INPUT_ID_VERSION)));
    }

    /**
     * The events queued, at most {@link #MAX_EVENTS}, waiting up to {@code timeoutMillis} for the first (0: just
     * check); empty when none came.
     *
     * @throws KernelException e.g. {@code ENODEV} once the device is gone
     */
    public synchronized List<InputEvent> read(int timeoutMillis) throws KernelException {
        List<InputEvent> out = new ArrayList<>();
        int n = fd.read(buf, 0, UinputAbi.EVENT_SIZE * MAX_EVENTS);
        if (n < 0 && timeoutMillis != 0 && poller.poll(timeoutMillis) > 0) {
            n = fd.read(buf, 0, UinputAbi.EVENT_SIZE * MAX_EVENTS);
        }
        for (int at = 0; at + UinputAbi.EVENT_SIZE <= n; at += UinputAbi.EVENT_SIZE) {
            out.add(new InputEvent(Short.toUnsignedInt(buf.getShort(at + UinputAbi.EVENT_TYPE)),
                    Short.toUnsignedInt(buf.getShort(at + UinputAbi.EVENT_CODE)),
                    buf.getInt(at + UinputAbi.EVENT_VALUE)));
        }
        return out;
    }

    /** The path this device was opened by. */
    public String path() {
        return fd.description();
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "EventDevice[" + fd.description() + "]";
    }
}
