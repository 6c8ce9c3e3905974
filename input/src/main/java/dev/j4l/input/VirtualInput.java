package dev.j4l.input;

import dev.j4l.kernel.AbsInfo;
import dev.j4l.kernel.InputEvent;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.UinputDevice;
import dev.j4l.kernel.abi.UinputAbi;
import dev.j4l.kernel.InputCodes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A virtual input device: the keys (and buttons), relative axes and absolute axes it declares, and optionally force
 * feedback served by a {@link ForceFeedbackDriver}, registered with the kernel through {@code /dev/uinput} by
 * {@link Builder#create()} and removed by {@link #close()}. InputCodes are those of {@code linux/input-event-codes.h}
 * ({@link InputCodes}). An event for a code not declared, or an absolute value outside its axis's range, is refused
 * here (the kernel would drop the one silently and pass the other on).
 *
 * <pre>{@code
 * try (VirtualInput mouse = VirtualInput.builder("j4l mouse").keys(InputCodes.BTN_LEFT)
 *         .relativeAxes(InputCodes.REL_X, InputCodes.REL_Y).create()) {
 *     mouse.send(InputEvent.relative(InputCodes.REL_X, 10), InputEvent.syncReport());
 * }
 * }</pre>
 */
public final class VirtualInput implements AutoCloseable {
    private final UinputDevice device;
    private final String name;
    private final BitSet keys, axes;
    private final AbsInfo[] absolute;
    private final ForceFeedbackLoop feedback;

    private VirtualInput(UinputDevice device, String name, BitSet keys, BitSet axes, AbsInfo[] absolute,
            ForceFeedbackLoop feedback) {
        this.device = device;
        this.name = name;
        this.keys = keys;
        this.axes = axes;
        this.absolute = absolute;
        this.feedback = feedback;
    }

    /** A builder for a device named {@code name} (at most {@link UinputDevice#MAX_NAME_BYTES} bytes of UTF-8). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** What a virtual input device declares, before it is created. */
    public static final class Builder {
        private final String name;
        private final BitSet keys = new BitSet(), axes = new BitSet(), ffCodes = new BitSet();
        private final AbsInfo[] absolute = new AbsInfo[InputCodes.ABS_MAX + 1];
        private ForceFeedbackDriver ffDriver;
        private int ffEffectsMax;
        private int bustype = UinputAbi.BUS_VIRTUAL, vendor = 0x4a34, product = 0x0001, version = 1;
        private String path = UinputDevice.PATH;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** The ids {@code EVIOCGID} reports (bus {@code BUS_VIRTUAL}, vendor 0x4a34, product 1, version 1 unless set). */
        public Builder ids(int bustype, int vendor, int product, int version) {
            this.bustype = bustype;
            this.vendor = vendor;
            this.product = product;
            this.version = version;
            return this;
        }

        /** Declares keys or buttons ({@code KEY_*}, {@code BTN_*}). */
        public Builder keys(int... codes) {
            for (int c : codes) keys.set(check("key code", c, InputCodes.KEY_MAX));
            return this;
        }

        /** Declares relative axes ({@code REL_*}). */
        public Builder relativeAxes(int... codes) {
            for (int c : codes) axes.set(check("relative axis", c, InputCodes.REL_MAX));
            return this;
        }

        /**
         * Declares absolute axis {@code code} ({@code ABS_*}) with its range, fuzz, flat, resolution and initial
         * value, as {@code EVIOCGABS} will report it. Multitouch axes ({@code ABS_MT_*}) are not supported.
         */
        public Builder absoluteAxis(int code, AbsInfo info) {
            Objects.requireNonNull(info, "info");
            check("absolute axis", code, InputCodes.ABS_MAX);
            if (code >= InputCodes.ABS_MT_SLOT) {
                throw new IllegalArgumentException("absolute axis " + code + " is a multitouch axis (ABS_MT_*): not supported");
            }
            absolute[code] = info;
            return this;
        }

        /**
         * Declares force feedback served by {@code driver}: up to {@code effectsMax} effects at once
         * (1..{@link InputCodes#FF_MAX_EFFECTS}), and the capabilities {@code codes}: effect types ({@code FF_RUMBLE},
         * {@code FF_PERIODIC}, {@code FF_CONSTANT}...), waveforms a periodic effect may use ({@code FF_SINE}...),
         * {@code FF_GAIN}, {@code FF_AUTOCENTER}. The kernel refuses ({@code EINVAL}) effects of a type or waveform
         * not declared before the driver sees them. {@code FF_CUSTOM} is refused here (uinput cannot carry it).
         */
        public Builder forceFeedback(ForceFeedbackDriver driver, int effectsMax, int... codes) {
            this.ffDriver = Objects.requireNonNull(driver, "driver");
            if (effectsMax < 1 || effectsMax > InputCodes.FF_MAX_EFFECTS) {
                throw new IllegalArgumentException("effectsMax " + effectsMax + " outside 1.." + InputCodes.FF_MAX_EFFECTS);
            }
            if (codes.length == 0) throw new IllegalArgumentException("declare at least one force feedback capability");
            for (int c : codes) {
                boolean known = c >= InputCodes.FF_RUMBLE && c <= InputCodes.FF_SAW_DOWN || c == InputCodes.FF_GAIN
                        || c == InputCodes.FF_AUTOCENTER;
                if (!known) throw new IllegalArgumentException("force feedback code " + c + " is not an effect type,"
                        + " a waveform (FF_SQUARE..FF_SAW_DOWN), FF_GAIN or FF_AUTOCENTER");
                ffCodes.set(c);
            }
            this.ffEffectsMax = effectsMax;
            return this;
        }

        /** The uinput device to open ({@code /dev/uinput} unless set). */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * Opens uinput, declares everything, sets the device up and creates it.
         *
         * @throws KernelException e.g. {@code ENOENT} without the uinput module, {@code EACCES} without permission
         */
        public VirtualInput create() throws KernelException {
            boolean anyAbsolute = java.util.Arrays.stream(absolute).anyMatch(Objects::nonNull);
            if (keys.isEmpty() && axes.isEmpty() && !anyAbsolute) {
                throw new IllegalStateException("declare keys, relative axes or absolute axes");
            }
            UinputDevice dev = UinputDevice.open(path);
            ForceFeedbackLoop loop = null;
            try {
                if (!keys.isEmpty()) {
                    dev.enableEventType(InputCodes.EV_KEY);
                    for (int c = keys.nextSetBit(0); c >= 0; c = keys.nextSetBit(c + 1)) dev.enableKey(c);
                }
                if (!axes.isEmpty()) {
                    dev.enableEventType(InputCodes.EV_REL);
                    for (int c = axes.nextSetBit(0); c >= 0; c = axes.nextSetBit(c + 1)) dev.enableRelativeAxis(c);
                }
                if (anyAbsolute) {
                    dev.enableEventType(InputCodes.EV_ABS);
                    for (int c = 0; c < absolute.length; c++) if (absolute[c] != null) dev.enableAbsoluteAxis(c, absolute[c]);
                }
                if (ffDriver != null) {
                    dev.enableEventType(InputCodes.EV_FF);
                    for (int c = ffCodes.nextSetBit(0); c >= 0; c = ffCodes.nextSetBit(c + 1)) dev.enableForceFeedback(c);
                }
                dev.setup(name, bustype, vendor, product, version, ffDriver == null ? 0 : ffEffectsMax);
                dev.create();
                if (ffDriver != null) loop = new ForceFeedbackLoop(dev, ffDriver, name, ffCodes);
                VirtualInput created = new VirtualInput(dev, name, (BitSet) keys.clone(), (BitSet) axes.clone(),
                        absolute.clone(), loop);
                if (loop != null) loop.start();
                return created;
            } catch (KernelException | RuntimeException e) {
                dev.close();
                throw e;
            }
        }

        private static int check(String what, int code, int max) {
            if (code < 0 || code > max) throw new IllegalArgumentException(what + " " + code + " outside 0.." + max);
            return code;
        }
    }

    /** Sends {@code events} in order, in one write(2) per {@link UinputDevice#MAX_EVENTS}. */
    public void send(List<InputEvent> events) throws KernelException {
        for (InputEvent e : events) {
            boolean declared = switch (e.type()) {
                case InputCodes.EV_SYN -> true;
                case InputCodes.EV_KEY -> keys.get(e.code());
                case InputCodes.EV_REL -> axes.get(e.code());
                case InputCodes.EV_ABS -> e.code() < absolute.length && absolute[e.code()] != null;
                default -> false;
            };
            if (!declared) throw new IllegalArgumentException(name + " does not declare " + e);
            if (e.type() == InputCodes.EV_ABS && !absolute[e.code()].contains(e.value())) {
                AbsInfo a = absolute[e.code()];
                throw new IllegalArgumentException(name + ": " + e + " outside its axis's range " + a.minimum() + ".."
                        + a.maximum());
            }
        }
        device.write(events);
    }

    /** {@link #send(List)}. */
    public void send(InputEvent... events) throws KernelException {
        send(List.of(events));
    }

    /** Key {@code code} down or up, then {@code SYN_REPORT}. */
    public void key(int code, boolean down) throws KernelException {
        send(InputEvent.key(code, down), InputEvent.syncReport());
    }

    /** Moves relative axis {@code axis} by {@code delta}, then {@code SYN_REPORT}. */
    public void move(int axis, int delta) throws KernelException {
        send(InputEvent.relative(axis, delta), InputEvent.syncReport());
    }

    /** Sets absolute axis {@code axis} to {@code value}, then {@code SYN_REPORT}. */
    public void moveTo(int axis, int value) throws KernelException {
        send(InputEvent.absolute(axis, value), InputEvent.syncReport());
    }

    /** What absolute axis {@code axis} was declared with; empty when it was not. */
    public Optional<AbsInfo> absoluteAxis(int axis) {
        return axis >= 0 && axis < absolute.length ? Optional.ofNullable(absolute[axis]) : Optional.empty();
    }

    /** The device's name. */
    public String name() {
        return name;
    }

    /**
     * The evdev node of the device: the {@code /dev/input/eventN} whose {@code /sys/class/input/eventN/device/name}
     * is this device's name; empty when there is none (no evdev module), or none yet.
     */
    public Optional<Path> eventNode() throws IOException {
        return eventNodeNamed(name);
    }

    /** The {@code /dev/input/eventN} of the input device named {@code name}, found through sysfs. */
    public static Optional<Path> eventNodeNamed(String name) throws IOException {
        Path classDir = Path.of("/sys/class/input");
        if (!Files.isDirectory(classDir)) return Optional.empty();
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(classDir, "event*")) {
            for (Path event : dir) {
                try {
                    if (Files.readString(event.resolve("device/name")).strip().equals(name)) found.add(event);
                } catch (NoSuchFileException e) {
                    // removed meanwhile
                }
            }
        }
        if (found.size() > 1) throw new IOException(found.size() + " input devices are named " + name + ": " + found);
        return found.stream().findFirst().map(e -> Path.of("/dev/input", e.getFileName().toString()));
    }

    /**
     * Destroys the device and stops its feedback thread; idempotent. Upload and erase requests not answered yet
     * fail with {@code ENODEV}.
     */
    @Override
    public void close() {
        if (feedback != null) feedback.halt();
        device.close();
        if (feedback != null) feedback.join();
    }

    @Override
    public String toString() {
        return "VirtualInput[" + name + "]";
    }
}
