package dev.j4l.hw.gpio;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.GpioChipDevice;
import dev.j4l.kernel.GpioChipDevice.ChipInfo;
import dev.j4l.kernel.GpioChipDevice.InfoChange;
import dev.j4l.kernel.GpioChipDevice.LineInfo;
import dev.j4l.kernel.GpioLineConfig;
import dev.j4l.kernel.GpioLineRequest;
import dev.j4l.kernel.KernelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A GPIO chip, {@code /dev/gpiochipN}: found by path, name, number or label ({@link #find}), its lines listed and
 * found by name, lines requested for reading, driving and edge events, and lines watched for changes of their
 * info. Built on the kernel's GPIO character device (uAPI v2); no libgpiod.
 *
 * {@snippet class=dev.j4l.hw.gpio.GpioExample region=blink}
 */
public final class GpioChip implements AutoCloseable {
    /** Where the kernel's GPIO chip nodes are. */
    public static final Path DEV = Path.of("/dev");

    private final GpioChipDevice device;

    private GpioChip(GpioChipDevice device) {
        this.device = device;
    }

    /** Opens the GPIO chip at {@code path} ({@code EINVAL} when it is another file). */
    public static GpioChip open(String path) throws KernelException {
        return new GpioChip(GpioChipDevice.open(path));
    }

    /** The GPIO chip nodes present ({@code /dev/gpiochipN}), by number. */
    public static List<Path> paths() {
        try (Stream<Path> s = Files.list(DEV)) {
            return s.filter(p -> p.getFileName().toString().matches("gpiochip\\d+"))
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(8))))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Opens the chip {@code chip} names, as libgpiod's tools take it: a path, a name ({@code gpiochip0}), a number
     * ({@code 0}) or a label ({@code gpio-sim.0-node0}).
     *
     * @throws KernelException with {@code ENOENT} when no chip matches
     */
    public static GpioChip find(String chip) throws KernelException {
        if (chip.startsWith("/")) return open(chip);
        if (chip.matches("\\d+")) return open(DEV.resolve("gpiochip" + chip).toString());
        if (chip.matches("gpiochip\\d+")) return open(DEV.resolve(chip).toString());
        for (Path p : paths()) {
            GpioChip c;
            try {
                c = open(p.toString());
            } catch (KernelException e) {
                continue; // gone meanwhile, or not ours to open
            }
            if (c.label().equals(chip)) return c;
            c.close();
        }
        throw new KernelException("find GPIO chip", "no chip named or labelled " + chip, Errno.ENOENT);
    }

    /** The chip's device name ({@code gpiochip0}). */
    public String name() {
        return device.info().name();
    }

    /** The chip's label, the name its driver gives it. */
    public String label() {
        return device.info().label();
    }

    /** How many lines the chip has (offsets 0 to this less one). */
    public int lineCount() {
        return device.info().lines();
    }

    /** Name, label and line count. */
    public ChipInfo info() {
        return device.info();
    }

    /** The info of line {@code offset}. */
    public LineInfo line(int offset) throws KernelException {
        return device.lineInfo(offset);
    }

    /** The info of every line, by offset. */
    public List<LineInfo> lines() throws KernelException {
        List<LineInfo> all = new ArrayList<>();
        for (int i = 0; i < lineCount(); i++) all.add(device.lineInfo(i));
        return all;
    }

    /**
     * The offset of the line named {@code name}, or {@code name} itself when it is a number.
     *
     * @throws IllegalArgumentException when no line has that name
     */
    public int offsetOf(String name) throws KernelException {
        if (name.matches("\\d+")) return Integer.parseInt(name);
        for (int i = 0; i < lineCount(); i++) if (device.lineInfo(i).name().equals(name)) return i;
        throw new IllegalArgumentException("no line named " + name + " on " + name() + " (" + label() + ")");
    }

    /**
     * Requests {@code offsets} for {@code consumer}, configured as {@code config}: the lines are this caller's
     * until the request is closed. Bit i of the request's masks is {@code offsets[i]}.
     *
     * @throws KernelException with {@code EBUSY} when a line is in use
     */
    public GpioLineRequest request(String consumer, GpioLineConfig config, int... offsets) throws KernelException {
        return device.request(offsets, consumer, config, 0);
    }

    /** As {@link #request(String, GpioLineConfig, int...)}, queuing up to {@code eventBufferSize} edge events. */
    public GpioLineRequest request(String consumer, GpioLineConfig config, int eventBufferSize, int[] offsets)
            throws KernelException {
        return device.request(offsets, consumer, config, eventBufferSize);
    }

    /** Watches line {@code offset}: {@link #changes} reports its requests, releases and reconfigurations. */
    public LineInfo watch(int offset) throws KernelException {
        return device.watch(offset);
    }

    /** Stops watching line {@code offset}. */
    public void unwatch(int offset) throws KernelException {
        device.unwatch(offset);
    }

    /** Changes of watched lines, waiting up to {@code timeoutMillis} for the first (0: just check, -1: no limit). */
    public List<InfoChange> changes(int timeoutMillis) throws KernelException {
        return device.readChanges(timeoutMillis);
    }

    /** The path the chip was opened by. */
    public String path() {
        return device.path();
    }

    @Override
    public void close() {
        device.close();
    }

    @Override
    public String toString() {
        return "GpioChip[" + path() + ", " + name() + " \"" + label() + "\", " + lineCount() + " lines]";
    }
}
