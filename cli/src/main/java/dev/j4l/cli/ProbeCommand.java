package dev.j4l.cli;

import dev.j4l.kernel.KernelFeatures;
import dev.j4l.kernel.KernelFeatures.Check;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code j4l probe}: what the running kernel offers j4l (the probing itself is {@link KernelFeatures}). */
@Command(name = "probe", description = {
        "Report the kernel features j4l can use (FUSE ABI, passthrough, io_uring, TUN, ...).", "",
        "Asks the running kernel what j4l can use and prints one line per feature: yes/no and the evidence (a value"
                + " read, an errno, or why it could not be learned).", "",
        "With CAP_SYS_ADMIN the FUSE ABI version is read from the INIT request of a throwaway FUSE mount made in a"
                + " private mount namespace and unmounted at once; without it the ABI is reported as unknown."})
final class ProbeCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--json", description = "one JSON object instead of the table (for scripts)")
    boolean json;

    ProbeCommand() {
        this(System.out);
    }

    ProbeCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        KernelFeatures f = KernelFeatures.probe();
        if (json) out.println(toJson(f));
        else printTable(f);
        return 0;
    }

    private void printTable(KernelFeatures f) {
        out.printf("kernel %s (%s)%n%n", f.kernelRelease(), f.machine());
        Map<String, Check> rows = checks(f);
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
        for (Map.Entry<String, Check> e : rows.entrySet()) {
            out.printf("  %-" + width + "s  %-3s  %s%n", e.getKey(), e.getValue().available() ? "yes" : "no",
                    e.getValue().detail());
        }
        out.printf("  %-" + width + "s  %-3s  %s%n", "CAP_SYS_ADMIN", f.capSysAdmin() ? "yes" : "no", "effective capability");
        out.printf("  %-" + width + "s  %-3s  %s%n", "CAP_NET_ADMIN", f.capNetAdmin() ? "yes" : "no", "effective capability");
        out.println();
        out.println("io_uring opcodes: " + (f.ioUringOpcodes().isEmpty() ? "(none reported)" : String.join(" ", f.ioUringOpcodes())));
        if (f.config().isEmpty()) {
            out.println("kernel config: not readable (no /proc/config.gz or /boot/config-" + f.kernelRelease() + ")");
        } else {
            StringBuilder b = new StringBuilder("kernel config:");
            f.config().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            out.println(b);
        }
    }

    private static Map<String, Check> checks(KernelFeatures f) {
        Map<String, Check> m = new LinkedHashMap<>();
        m.put("/dev/fuse", f.devFuse());
        m.put("FUSE ABI", f.fuseAbi());
        m.put("FUSE passthrough", f.passthrough());
        m.put("FUSE over io_uring", f.fuseIoUring());
        m.put("io_uring", f.ioUringSetup());
        m.put("FUSE SYNC_INIT", f.syncInit());
        m.put("fusectl", f.fusectl());
        m.put("TUN/TAP", f.tun());
        m.put("CUSE", f.cuse());
        m.put("ublk", f.ublk());
        m.put("NBD", f.nbd());
        m.put("loop devices", f.loop());
        m.put("userfaultfd", f.userfaultfd());
        m.put("rng_current", f.rngCurrent());
        m.put("rng_available", f.rngAvailable());
        m.put("UIO", dev.j4l.kernel.Uio.probe());
        m.put("I2C", dev.j4l.kernel.I2cDevice.probe());
        m.put("GPIO chips", gpioChips());
        return m;
    }

    /** The GPIO chips (/dev/gpiochipN) and what each is, as far as they can be opened. */
    static Check gpioChips() {
        List<String> found = new java.util.ArrayList<>();
        for (java.nio.file.Path p : dev.j4l.hw.gpio.GpioChip.paths()) {
            try (dev.j4l.hw.gpio.GpioChip c = dev.j4l.hw.gpio.GpioChip.open(p.toString())) {
                found.add(c.name() + " [" + c.label() + "] " + c.lineCount() + " lines");
            } catch (dev.j4l.kernel.KernelException e) {
                found.add(p.getFileName() + " not opened: " + e.errno().name());
            }
        }
        return found.isEmpty() ? new Check(false, "no /dev/gpiochipN (no GPIO driver, or no CONFIG_GPIO_CDEV)")
                : new Check(true, String.join("; ", found));
    }

    static String toJson(KernelFeatures f) {
        Map<String, Object> checks = new LinkedHashMap<>();
        checks(f).forEach((k, c) -> checks.put(k, Json.object("available", c.available(), "detail", c.detail())));
        return Json.write(Json.object("kernelRelease", f.kernelRelease(), "machine", f.machine(),
                "fuseAbi", f.fuseMinor() >= 0
                        ? Json.object("major", f.fuseMajor(), "minor", f.fuseMinor(), "initFlags", f.fuseInitFlags()) : null,
                "enableUring", f.enableUring(), "enableUringWritable", f.enableUringWritable(),
                "tunFeatures", f.tunFeatures(), "capSysAdmin", f.capSysAdmin(), "capNetAdmin", f.capNetAdmin(),
                "ioUringOpcodes", f.ioUringOpcodes(), "config", f.config(), "checks", checks));
    }
}
