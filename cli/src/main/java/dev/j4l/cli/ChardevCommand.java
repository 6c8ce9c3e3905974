package dev.j4l.cli;

import dev.j4l.chardev.CharDevice;
import dev.j4l.chardev.CuseDevice;
import dev.j4l.drivers.logdev.LogDevice;
import dev.j4l.drivers.serial.SerialDevice;
import java.io.PrintStream;

/** {@code j4l chardev logdev|serial NAME}: serves an example character device as {@code /dev/NAME} over CUSE. */
final class ChardevCommand implements Main.Command {
    private final PrintStream out;

    ChardevCommand() {
        this(System.out);
    }

    ChardevCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String summary() {
        return "serve a character device as /dev/NAME over CUSE (logdev, serial)";
    }

    @Override
    public String usage() {
        return """
                usage: j4l chardev logdev|serial [--size BYTES] NAME

                Serves /dev/NAME through CUSE (/dev/cuse, the cuse module; usually root only) until Ctrl-C,
                which removes it.

                  logdev   a log: writes append, every open reads it from the oldest byte kept and then
                           follows it (cat waits for more; poll and select see new lines)
                  serial   a loopback serial line: what is written is read back; stty -F /dev/NAME shows
                           and changes its settings; reads wait for data and writes for room

                  --size BYTES   the log's or the line's buffer (default 65536 for logdev, 4096 for serial)""";
    }

    @Override
    public int run(String[] args) throws Exception {
        String kind = null, name = null;
        int size = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> {
                    if (++i >= args.length) throw new IllegalArgumentException("--size needs a value");
                    size = Integer.parseInt(args[i]);
                    if (size <= 0) throw new IllegalArgumentException("--size must be positive");
                }
                default -> {
                    if (kind == null) kind = args[i];
                    else if (name == null) name = args[i];
                    else throw new IllegalArgumentException("unexpected argument " + args[i] + " (see j4l chardev --help)");
                }
            }
        }
        if (kind == null || name == null) throw new IllegalArgumentException("expected logdev|serial NAME (see j4l chardev --help)");
        CharDevice<?> driver = switch (kind) {
            case "logdev" -> new LogDevice(size > 0 ? size : 64 * 1024);
            case "serial" -> new SerialDevice(size > 0 ? size : 4096);
            default -> throw new IllegalArgumentException("no character device '" + kind + "' (logdev, serial)");
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
