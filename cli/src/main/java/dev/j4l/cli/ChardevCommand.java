package dev.j4l.cli;

import dev.j4l.chardev.CharDevice;
import dev.j4l.chardev.CuseDevice;
import dev.j4l.drivers.logdev.LogDevice;
import dev.j4l.drivers.serial.SerialDevice;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code j4l chardev logdev|serial NAME}: serves an example character device as {@code /dev/NAME} over CUSE. */
@Command(name = "chardev", description = {
        "Serve a character device as /dev/NAME over CUSE (logdev, serial).", "",
        "Serves /dev/NAME through CUSE (/dev/cuse, the cuse module; usually root only) until Ctrl-C, which removes it.",
        "",
        "  logdev   a log: writes append, every open reads it from the oldest byte kept and then follows it (cat"
                + " waits for more; poll and select see new lines)",
        "  serial   a loopback serial line: what is written is read back; stty -F /dev/NAME shows and changes its"
                + " settings; reads wait for data and writes for room"})
final class ChardevCommand implements Callable<Integer> {
    private final PrintStream out;

    enum Kind { logdev, serial }

    @Parameters(index = "0", paramLabel = "logdev|serial", description = "the device")
    Kind kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "its name: /dev/NAME")
    String name;

    @Option(names = "--size", paramLabel = "BYTES",
            description = "the log's or the line's buffer (default 65536 for logdev, 4096 for serial)")
    Integer size;

    ChardevCommand() {
        this(System.out);
    }

    ChardevCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (size != null && size <= 0) throw new IllegalArgumentException("--size must be positive");
        CharDevice<?> driver = switch (kind) {
            case logdev -> new LogDevice(size != null ? size : 64 * 1024);
            case serial -> new SerialDevice(size != null ? size : 4096);
        };
        String device = name;
        return UntilStopped.run(stop -> {
            try (CuseDevice dev = CuseDevice.create(device, driver)) {
                out.println("serving " + dev.path() + " (Ctrl-C removes it)");
                out.flush();
                stop.await();
            }
            return 0;
        });
    }
}
