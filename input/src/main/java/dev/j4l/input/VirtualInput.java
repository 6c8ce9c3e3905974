package dev.j4l.input;

import dev.j4l.kernel.InputEvent;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.UinputDevice;
import dev.j4l.kernel.abi.UinputAbi;
import dev.j4l.kernel.abi.UinputAbi.Codes;
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
 * A virtual input device: the keys (and buttons) and relative axes it declares, registered with the kernel through
 * {@code /dev/uinput} by {@link Builder#create()} and removed by {@link #close()}. Codes are those of
 * {@code linux/input-event-codes.h} ({@link Codes}). An event for a code not declared is refused here (the kernel
 * would drop it silently).
 *
 * <pre>{@code
 * try (VirtualInput mouse = VirtualInput.builder("j4l mouse").keys(Codes.BTN_LEFT)
 *         .relativeAxes(Codes.REL_X, Codes.REL_Y).create()) {
 *     mouse.send(InputEvent.relative(Codes.REL_X, 10), InputEvent.syncReport());
 * }
 * }</pre>
 */
public final class VirtualInput implements AutoCloseable {
    private final UinputDevice device;
    private final String name;
    private final BitSet keys, axes;

    private VirtualInput(UinputDevice device, String name, BitSet keys, BitSet axes) {
        this.device = device;
        this.name = name;
        this.keys = keys;
        this.axes = axes;
    }

    /** A builder for a device named {@code name} (at most {@link UinputDevice#MAX_NAME_BYTES} bytes of UTF-8). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** What a virtual input device declares, before it is created. */
    public static final class Builder {
        private final String name;
        private final BitSet keys = new BitSet(), axes = new BitSet();
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
            for (int c : codes) keys.set(check("key code", c, Codes.KEY_MAX));
            return this;
        }

        /** Declares relative axes ({@code REL_*}). */
        public Builder relativeAxes(int... codes) {
            for (int c : codes) axes.set(check("relative axis", c, Codes.REL_MAX));
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
            if (keys.isEmpty() && axes.isEmpty()) throw new IllegalStateException("declare keys or relative axes");
            UinputDevice dev = UinputDevice.open(path);
            try {
                if (!keys.isEmpty()) {
                    dev.enableEventType(Codes.EV_KEY);
                    for (int c = keys.nextSetBit(0); c >= 0; c = keys.nextSetBit(c + 1)) dev.enableKey(c);
                }
                if (!axes.isEmpty()) {
                    dev.enableEventType(Codes.EV_REL);
                    for (int c = axes.nextSetBit(0); c >= 0; c = axes.nextSetBit(c + 1)) dev.enableRelativeAxis(c);
                }
                dev.setup(name, bustype, vendor, product, version);
                dev.create();
                return new VirtualInput(dev, name, (BitSet) keys.clone(), (BitSet) axes.clone());
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
                case Codes.EV_SYN -> true;
                case Codes.EV_KEY -> keys.get(e.code());
                case Codes.EV_REL -> axes.get(e.code());
                default -> false;
            };
            if (!declared) throw new IllegalArgumentException(name + " does not declare " + e);
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

    /** Destroys the device; idempotent. */
    @Override
    public void close() {
        device.close();
    }

    @Override
    public String toString() {
        return "VirtualInput[" + name + "]";
    }
}
