package dev.j4l.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated GPIO chip of the kernel's gpio-sim ({@code CONFIG_GPIO_SIM}), set up through configfs
 * ({@code /sys/kernel/config/gpio-sim}, see the kernel's {@code Documentation/admin-guide/gpio/gpio-sim.rst}): one
 * bank with a label, a line count and line names, made live, which gives a real {@code /dev/gpiochipN}. Its lines'
 * pulls are set and their values read through the sysfs attributes the simulator adds. {@link #close} tears the
 * chip down and removes its configfs directories, also after a half-done setup.
 *
 * <pre>{@code
 * @NeedsKernel(config = "GPIO_SIM", paths = GpioSim.CONFIGFS)
 * class MyGpioTest {
 *     @Test void led() throws Exception {
 *         try (GpioSim sim = GpioSim.create("leds", 8, Map.of(0, "led0"))) { ... sim.devicePath() ... }
 *     }
 * }
 * }</pre>
 */
public final class GpioSim implements AutoCloseable {
    /** gpio-sim's configfs directory (configfs mounted at /sys/kernel/config). */
    public static final String CONFIGFS = "/sys/kernel/config/gpio-sim";
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final Path dir;
    private final Path bank;
    private final List<Path> made = new ArrayList<>();
    private boolean live;
    private String chipName;
    private Path sysfs;

    private GpioSim(Path dir) {
        this.dir = dir;
        this.bank = dir.resolve("bank0");
    }

    /**
     * A live simulated chip labelled {@code label} with {@code lines} lines, some named ({@code names}: offset to
     * name).
     */
    public static GpioSim create(String label, int lines, Map<Integer, String> names) throws IOException {
        Path dir = Path.of(CONFIGFS, "j4l-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet());
        GpioSim sim = new GpioSim(dir);
        try {
            sim.mkdir(dir);
            sim.mkdir(sim.bank);
            Files.writeString(sim.bank.resolve("label"), label);
            Files.writeString(sim.bank.resolve("num_lines"), Integer.toString(lines));
            for (Map.Entry<Integer, String> e : names.entrySet()) {
                Path line = sim.bank.resolve("line" + e.getKey());
                sim.mkdir(line);
                Files.writeString(line.resolve("name"), e.getValue());
            }
            Files.writeString(dir.resolve("live"), "1");
            sim.live = true;
            sim.chipName = Files.readString(sim.bank.resolve("chip_name")).strip();
            String devName = Files.readString(dir.resolve("dev_name")).strip();
            sim.sysfs = Path.of("/sys/devices/platform", devName, sim.chipName);
            return sim;
        } catch (IOException | RuntimeException e) {
            sim.close();
            throw e;
        }
    }

    private void mkdir(Path p) throws IOException {
        Files.createDirectory(p);
        made.add(p);
    }

    /** The chip's device name ({@code gpiochip3}). */
    public String chipName() {
        return chipName;
    }

    /** The chip's character device ({@code /dev/gpiochip3}). */
    public String devicePath() {
        return "/dev/" + chipName;
    }

    /** Pulls line {@code offset} up or down, as a circuit outside the chip would. */
    public void pull(int offset, boolean up) throws IOException {
        Files.writeString(sysfs.resolve("sim_gpio" + offset).resolve("pull"), up ? "pull-up" : "pull-down");
    }

    /** The line's level as the simulator sees it: driven by an output request, else its pull. */
    public boolean value(int offset) throws IOException {
        return Files.readString(sysfs.resolve("sim_gpio" + offset).resolve("value")).strip().equals("1");
    }

    /** Takes the chip down and removes its configfs directories (what was made of them); idempotent. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        if (live) {
            try {
                Files.writeString(dir.resolve("live"), "0");
                live = false;
            } catch (IOException e) {
                first = e;
            }
        }
        for (int i = made.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(made.get(i));
                made.remove(i);
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    @Override
    public String toString() {
        return "GpioSim[" + dir + (chipName == null ? "" : ", " + devicePath()) + "]";
    }
}
