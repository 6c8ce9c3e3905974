package dev.j4l.kernel;

import dev.j4l.kernel.abi.UinputAbi;
import dev.j4l.kernel.raw.Ioctl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A virtual input device through {@code /dev/uinput} (misc 10:223): declare the event types and codes it sends,
 * its absolute axes ({@link #enableAbsoluteAxis}) and force feedback capabilities ({@link #enableForceFeedback}),
 * {@link #setup} its name and ids, {@link #create} it (the kernel registers an input device, and evdev a
 * {@code /dev/input/eventN} for it), then {@link #write} events; {@link #close} destroys it.
 *
 * <p>The other direction: {@link #read} returns what the kernel queues for the device's driver, {@code EV_FF}
 * plays and gain changes and {@code EV_UINPUT} requests; a request is answered by {@link #beginUpload} and
 * {@link #endUpload} (or {@link #beginErase} and {@link #endErase}) with its id. The kernel's client waits until
 * then (uinput has no timeout), so every request read must be ended; closing the device fails those pending.
 *
 * <p>Every ioctl is {@link UinputAbi}'s, made only on the descriptor this object opened and checked to be the
 * uinput misc device, whatever path was named. The bit-setting ioctls take their number by value and each is
 * range-checked first; the structs ({@code uinput_setup}, {@code uinput_abs_setup}, {@code uinput_ff_upload},
 * {@code uinput_ff_erase}) and the {@code input_event}s written are built here, in memory this object owns, from
 * typed values: no caller's memory reaches the kernel. A request id is only a number the kernel looks up (an
 * unknown one is {@code EINVAL}).
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
    static final Ioctl SET_ABSBIT = Ioctl.value("UI_SET_ABSBIT", UinputAbi.UI_SET_ABSBIT);
    static final Ioctl SET_FFBIT = Ioctl.value("UI_SET_FFBIT", UinputAbi.UI_SET_FFBIT);
    static final Ioctl ABS_SETUP = Ioctl.buffer("UI_ABS_SETUP", UinputAbi.UI_ABS_SETUP, UinputAbi.ABS_SETUP_SIZE);
    static final Ioctl BEGIN_FF_UPLOAD = Ioctl.buffer("UI_BEGIN_FF_UPLOAD", UinputAbi.UI_BEGIN_FF_UPLOAD,
            UinputAbi.FF_UPLOAD_SIZE);
    static final Ioctl END_FF_UPLOAD = Ioctl.buffer("UI_END_FF_UPLOAD", UinputAbi.UI_END_FF_UPLOAD,
            UinputAbi.FF_UPLOAD_SIZE);
    static final Ioctl BEGIN_FF_ERASE = Ioctl.buffer("UI_BEGIN_FF_ERASE", UinputAbi.UI_BEGIN_FF_ERASE,
            UinputAbi.FF_ERASE_SIZE);
    static final Ioctl END_FF_ERASE = Ioctl.buffer("UI_END_FF_ERASE", UinputAbi.UI_END_FF_ERASE,
            UinputAbi.FF_ERASE_SIZE);

    /**
     * An effect the kernel asks the driver to upload ({@code UI_BEGIN_FF_UPLOAD}): the request to answer, the
     * effect (its id is the slot the kernel chose) and, when it replaces one, the effect it replaces.
     */
    public record Upload(int requestId, ForceFeedbackEffect effect, Optional<ForceFeedbackEffect> old) {
        public Upload {
            Objects.requireNonNull(effect, "effect");
            Objects.requireNonNull(old, "old");
        }
    }

    /** MISC_MAJOR and UINPUT_MINOR (include/linux/miscdevice.h). */
    private static final int MISC_MAJOR = 10, UINPUT_MINOR = 223;

    private final OwnedFd fd;
    /** The uinput_setup and uinput_abs_setup arguments and the events written: used under this object's lock. */
    private final NativeBuffer setupArg = NativeBuffer.allocate(UinputAbi.SETUP_SIZE);
    private final NativeBuffer absSetupArg = NativeBuffer.allocate(UinputAbi.ABS_SETUP_SIZE);
    private final NativeBuffer events = NativeBuffer.allocate((long) UinputAbi.EVENT_SIZE * MAX_EVENTS);
    /**
     * The reading side has a lock of its own, so a driver writing events never waits for a read's poll. Its
     * buffers: the events read and the request arguments.
     */
    private final Object requestLock = new Object();
    private final NativeBuffer readBuf = NativeBuffer.allocate((long) UinputAbi.EVENT_SIZE * MAX_EVENTS);
    private final NativeBuffer uploadArg = NativeBuffer.allocate(UinputAbi.FF_UPLOAD_SIZE);
    private final NativeBuffer eraseArg = NativeBuffer.allocate(UinputAbi.FF_ERASE_SIZE);
    private final Poller poller = new Poller(1);
    private volatile boolean created;

    private UinputDevice(OwnedFd fd) {
        this.fd = fd;
        poller.add(fd, Poller.POLLIN);
    }

    /** Opens {@code /dev/uinput}. */
    public static UinputDevice open() throws KernelException {
        return open(PATH);
    }

    /**
     * Opens {@code path} for reading and writing; it must be the uinput device (character device 10:223).
     *
     * @throws KernelException with {@code EINVAL} when it is another file, {@code ENOENT} when there is none
     *     (the uinput module is not loaded), {@code EACCES} without permission
     */
    public static UinputDevice open(String path) throws KernelException {
        return new UinputDevice(DeviceNode.open(path, Fs.O_RDWR | Fs.O_NONBLOCK, FileStat.S_IFCHR, MISC_MAJOR,
                "open uinput", "the uinput device (char 10:223)", UINPUT_MINOR));
    }

    /** Declares that the device sends events of {@code type} ({@code UI_SET_EVBIT}); before {@link #create}. */
    public synchronized void enableEventType(int type) throws KernelException {
        fd.ioctl(SET_EVBIT, check("event type", type, InputCodes.EV_MAX));
    }

    /** Declares key (or button) {@code code} ({@code UI_SET_KEYBIT}); before {@link #create}. */
    public synchronized void enableKey(int code) throws KernelException {
        fd.ioctl(SET_KEYBIT, check("key code", code, InputCodes.KEY_MAX));
    }

    /** Declares relative axis {@code axis} ({@code UI_SET_RELBIT}); before {@link #create}. */
    public synchronized void enableRelativeAxis(int axis) throws KernelException {
        fd.ioctl(SET_RELBIT, check("relative axis", axis, InputCodes.REL_MAX));
    }

    /**
     * Declares absolute axis {@code axis} with its range and filtering ({@code UI_SET_ABSBIT}, then
     * {@code UI_ABS_SETUP}); before {@link #create}. Declare {@code EV_ABS} too.
     */
    public synchronized void enableAbsoluteAxis(int axis, AbsInfo info) throws KernelException {
        Objects.requireNonNull(info, "info");
        fd.ioctl(SET_ABSBIT, check("absolute axis", axis, InputCodes.ABS_MAX));
        absSetupArg.fill(0, UinputAbi.ABS_SETUP_SIZE, (byte) 0);
        absSetupArg.putShort(UinputAbi.ABS_SETUP_CODE, (short) axis);
        long at = UinputAbi.ABS_SETUP_ABSINFO;
        absSetupArg.putInt(at + UinputAbi.ABSINFO_VALUE, info.value());
        absSetupArg.putInt(at + UinputAbi.ABSINFO_MINIMUM, info.minimum());
        absSetupArg.putInt(at + UinputAbi.ABSINFO_MAXIMUM, info.maximum());
        absSetupArg.putInt(at + UinputAbi.ABSINFO_FUZZ, info.fuzz());
        absSetupArg.putInt(at + UinputAbi.ABSINFO_FLAT, info.flat());
        absSetupArg.putInt(at + UinputAbi.ABSINFO_RESOLUTION, info.resolution());
        // The kernel reads ABS_SETUP_SIZE bytes of this object's buffer (Ioctl checks its size).
        fd.ioctl(ABS_SETUP, absSetupArg);
    }

    /**
     * Declares force feedback capability {@code code}: an effect type ({@code FF_RUMBLE}...), a periodic waveform
     * ({@code FF_SINE}...) or {@code FF_GAIN}/{@code FF_AUTOCENTER} ({@code UI_SET_FFBIT}); before {@link #create}.
     * Declare {@code EV_FF} too, and give {@link #setup} a number of effects.
     */
    public synchronized void enableForceFeedback(int code) throws KernelException {
        fd.ioctl(SET_FFBIT, check("force feedback code", code, InputCodes.FF_MAX));
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
    public void setup(String name, int bustype, int vendor, int product, int version) throws KernelException {
        setup(name, bustype, vendor, product, version, 0);
    }

    /**
     * {@link #setup(String, int, int, int, int)} for a force feedback device holding up to {@code ffEffectsMax}
     * effects at once (1..{@link InputCodes#FF_MAX_EFFECTS}; 0 for none).
     */
    public synchronized void setup(String name, int bustype, int vendor, int product, int version, int ffEffectsMax)
            throws KernelException {
        if (ffEffectsMax < 0 || ffEffectsMax > InputCodes.FF_MAX_EFFECTS) {
            throw new IllegalArgumentException("ff_effects_max " + ffEffectsMax + " outside 0.." + InputCodes.FF_MAX_EFFECTS);
        }
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
        setupArg.putInt(UinputAbi.SETUP_FF_EFFECTS_MAX, ffEffectsMax);
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

    /**
     * What the kernel queued for this device's driver, at most {@link #MAX_EVENTS}, waiting up to
     * {@code timeoutMillis} for the first (0: just check); empty when nothing came. {@code EV_UINPUT} events are
     * requests to answer (code {@code UI_FF_UPLOAD} or {@code UI_FF_ERASE}, value the request id); {@code EV_FF}
     * events are plays (code the effect id, value the repeat count, 0 to stop) and {@code FF_GAIN}/
     * {@code FF_AUTOCENTER} changes. uinput keeps 16 of them: a driver that does not read loses the oldest.
     *
     * @throws IllegalStateException before {@link #create}
     * @throws KernelException e.g. {@code ENODEV} once the device is destroyed
     */
    public List<InputEvent> read(int timeoutMillis) throws KernelException {
        if (!created) throw new IllegalStateException("uinput device not created");
        synchronized (requestLock) {
            List<InputEvent> out = new ArrayList<>();
            int size = UinputAbi.EVENT_SIZE * MAX_EVENTS;
            int n = fd.read(readBuf, 0, size);
            if (n < 0 && timeoutMillis != 0 && poller.poll(timeoutMillis) > 0) n = fd.read(readBuf, 0, size);
            for (int at = 0; at + UinputAbi.EVENT_SIZE <= n; at += UinputAbi.EVENT_SIZE) {
                out.add(new InputEvent(Short.toUnsignedInt(readBuf.getShort(at + UinputAbi.EVENT_TYPE)),
                        Short.toUnsignedInt(readBuf.getShort(at + UinputAbi.EVENT_CODE)),
                        readBuf.getInt(at + UinputAbi.EVENT_VALUE)));
            }
            return out;
        }
    }

    /**
     * The effect of upload request {@code requestId} ({@code UI_BEGIN_FF_UPLOAD}); empty when it is of a type
     * j4l does not model (answer it {@code EINVAL}). Answer it with {@link #endUpload}.
     *
     * @throws KernelException {@code EINVAL} when there is no such upload request
     */
    public Optional<Upload> beginUpload(int requestId) throws KernelException {
        synchronized (requestLock) {
            uploadArg.fill(0, UinputAbi.FF_UPLOAD_SIZE, (byte) 0);
            uploadArg.putInt(UinputAbi.FF_UPLOAD_REQUEST_ID, requestId);
            // The kernel reads and writes FF_UPLOAD_SIZE bytes of this object's buffer (Ioctl checks its size).
            fd.ioctl(BEGIN_FF_UPLOAD, uploadArg);
            ForceFeedbackEffect effect = ForceFeedbackCodec.decode(uploadArg, UinputAbi.FF_UPLOAD_EFFECT);
            if (effect == null) return Optional.empty();
            ForceFeedbackEffect old = ForceFeedbackCodec.decode(uploadArg, UinputAbi.FF_UPLOAD_OLD);
            return Optional.of(new Upload(requestId, effect, Optional.ofNullable(old)));
        }
    }

    /**
     * Answers upload request {@code requestId} ({@code UI_END_FF_UPLOAD}): {@code error} null accepts the effect,
     * else the client's upload fails with it. The kernel wakes the client.
     *
     * @throws KernelException {@code EINVAL} when there is no such upload request (any more)
     */
    public void endUpload(int requestId, Errno error) throws KernelException {
        synchronized (requestLock) {
            uploadArg.fill(0, UinputAbi.FF_UPLOAD_SIZE, (byte) 0);
            uploadArg.putInt(UinputAbi.FF_UPLOAD_REQUEST_ID, requestId);
            uploadArg.putInt(UinputAbi.FF_UPLOAD_RETVAL, error == null ? 0 : -error.number());
            // The kernel reads FF_UPLOAD_SIZE bytes of this object's buffer; it uses the request id and retval.
            fd.ioctl(END_FF_UPLOAD, uploadArg);
        }
    }

    /**
     * The effect id erase request {@code requestId} names ({@code UI_BEGIN_FF_ERASE}). Answer it with
     * {@link #endErase}.
     *
     * @throws KernelException {@code EINVAL} when there is no such erase request
     */
    public int beginErase(int requestId) throws KernelException {
        synchronized (requestLock) {
            eraseArg.fill(0, UinputAbi.FF_ERASE_SIZE, (byte) 0);
            eraseArg.putInt(UinputAbi.FF_ERASE_REQUEST_ID, requestId);
            // The kernel reads and writes FF_ERASE_SIZE bytes of this object's buffer (Ioctl checks its size).
            fd.ioctl(BEGIN_FF_ERASE, eraseArg);
            return eraseArg.getInt(UinputAbi.FF_ERASE_EFFECT_ID);
        }
    }

    /** Answers erase request {@code requestId} ({@code UI_END_FF_ERASE}): null erased, else the client's error. */
    public void endErase(int requestId, Errno error) throws KernelException {
        synchronized (requestLock) {
            eraseArg.fill(0, UinputAbi.FF_ERASE_SIZE, (byte) 0);
            eraseArg.putInt(UinputAbi.FF_ERASE_REQUEST_ID, requestId);
            eraseArg.putInt(UinputAbi.FF_ERASE_RETVAL, error == null ? 0 : -error.number());
            // The kernel reads FF_ERASE_SIZE bytes of this object's buffer.
            fd.ioctl(END_FF_ERASE, eraseArg);
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
