package dev.j4l.cli;

import dev.j4l.hw.gpio.GpioChip;
import dev.j4l.kernel.GpioChipDevice.LineInfo;
import dev.j4l.kernel.GpioLineConfig;
import dev.j4l.kernel.GpioLineRequest;
import dev.j4l.kernel.GpioLineRequest.EdgeEvent;
import dev.j4l.kernel.GpioLineSettings;
import dev.j4l.kernel.GpioLineSettings.Bias;
import dev.j4l.kernel.GpioLineSettings.Drive;
import dev.j4l.kernel.GpioLineSettings.Edge;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code j4l gpio info|get|set|watch}: GPIO chips and lines through the GPIO character device (dev.j4l.hw.gpio),
 * as libgpiod's gpioinfo, gpioget, gpioset and gpiomon do it.
 */
final class GpioCommand implements Main.Command {
    @Override
    public String summary() {
        return "GPIO chips and lines: info, get, set, watch (like libgpiod's tools)";
    }

    @Override
    public String usage() {
        return """
                usage: j4l gpio info [CHIP...]
                       j4l gpio get [--active-low] [--bias B] CHIP LINE...
                       j4l gpio set [--active-low] [--drive D] [--bias B] [--hold TIME] CHIP LINE=VALUE...
                       j4l gpio watch [--edge E] [--bias B] [--debounce MICROS] [--count N] CHIP LINE...

                CHIP is a path (/dev/gpiochip0), a name (gpiochip0), a number (0) or a chip's label. LINE is an
                offset or a line's name. Values are logical (0 inactive, 1 active).

                  info   every line of the chips (all chips when none is named): name, consumer, settings
                  get    the lines' values, requested as inputs, printed as LINE=VALUE
                  set    drives the lines as outputs and holds them until Ctrl-C (or for --hold TIME, e.g.
                         500ms); the kernel releases them on exit
                  watch  prints each edge (timestamp in ns, edge, line, sequence numbers) until Ctrl-C or N events

                  --active-low       the lines are active when low
                  --bias B           as-is (default), pull-up, pull-down or disabled
                  --drive D          push-pull (default), open-drain or open-source
                  --edge E           rising, falling or both (default)
                  --debounce MICROS  debounce period of the watched lines""";
    }

    @Override
    public int run(String[] args) throws Exception {
        return UntilStopped.run(stop -> run(args, System.out, stop));
    }

    static int run(String[] args, PrintStream out, CountDownLatch stop) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("j4l gpio info|get|set|watch (see j4l gpio --help)");
        boolean activeLow = false;
        Bias bias = Bias.AS_IS;
        Drive drive = Drive.PUSH_PULL;
        Edge edge = Edge.BOTH;
        int debounce = 0;
        long count = Long.MAX_VALUE;
        Duration hold = null;
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--active-low" -> activeLow = true;
                case "--bias" -> bias = Bias.valueOf(value(args, ++i, a).toUpperCase(Locale.ROOT).replace('-', '_'));
                case "--drive" -> drive = Drive.valueOf(value(args, ++i, a).toUpperCase(Locale.ROOT).replace('-', '_'));
                case "--edge" -> edge = Edge.valueOf(value(args, ++i, a).toUpperCase(Locale.ROOT));
                case "--debounce" -> debounce = Integer.parseInt(value(args, ++i, a));
                case "--count" -> count = Long.parseLong(value(args, ++i, a));
                case "--hold" -> hold = BlockCommand.parseDuration(value(args, ++i, a));
                default -> {
                    if (a.startsWith("--")) throw new IllegalArgumentException("unknown option " + a + " (see j4l gpio --help)");
                    rest.add(a);
                }
            }
        }
        switch (args[0]) {
            case "info" -> {
                List<String> chips = rest.isEmpty()
                        ? GpioChip.paths().stream().map(Path::toString).toList() : rest;
                if (chips.isEmpty()) out.println("no GPIO chips (/dev/gpiochipN)");
                for (String c : chips) {
                    try (GpioChip chip = GpioChip.find(c)) {
                        info(chip, out);
                    }
                }
                return 0;
            }
            case "get" -> {
                needLines(rest);
                try (GpioChip chip = GpioChip.find(rest.getFirst())) {
                    int[] lines = offsets(chip, rest.subList(1, rest.size()));
                    GpioLineSettings in = GpioLineSettings.input().withBias(bias).withActiveLow(activeLow);
                    try (GpioLineRequest r = chip.request("j4l-gpio-get", GpioLineConfig.of(in), lines)) {
                        long bits = r.values(r.allLines());
                        List<String> shown = new ArrayList<>();
                        for (int i = 0; i < lines.length; i++) {
                            shown.add(rest.get(i + 1) + "=" + ((bits >>> i) & 1));
                        }
                        out.println(String.join(" ", shown));
                    }
                }
                return 0;
            }
            case "set" -> {
                needLines(rest);
                try (GpioChip chip = GpioChip.find(rest.getFirst())) {
                    List<String> names = new ArrayList<>();
                    List<Boolean> values = new ArrayList<>();
                    for (String lv : rest.subList(1, rest.size())) {
                        int eq = lv.indexOf('=');
                        String v = eq < 0 ? "" : lv.substring(eq + 1);
                        if (!v.equals("0") && !v.equals("1")) {
                            throw new IllegalArgumentException("set takes LINE=0 or LINE=1, not " + lv);
                        }
                        names.add(lv.substring(0, eq));
                        values.add(v.equals("1"));
                    }
                    int[] lines = offsets(chip, names);
                    GpioLineConfig config = GpioLineConfig.of(GpioLineSettings.output().withDrive(drive).withBias(bias)
                            .withActiveLow(activeLow));
                    for (int i = 0; i < lines.length; i++) config = config.withOutput(lines[i], values.get(i));
                    try (GpioLineRequest r = chip.request("j4l-gpio-set", config, lines)) {
                        out.printf("set %s (lines %s of %s); %s%n", String.join(" ", rest.subList(1, rest.size())), r.offsets(), chip.name(),
                                hold == null ? "holding until Ctrl-C" : "holding for " + hold.toMillis() + " ms");
                        out.flush();
                        if (hold == null) stop.await();
                        else stop.await(hold.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
                return 0;
            }
            case "watch" -> {
                needLines(rest);
                if (count <= 0) throw new IllegalArgumentException("--count needs a positive number");
                try (GpioChip chip = GpioChip.find(rest.getFirst())) {
                    int[] lines = offsets(chip, rest.subList(1, rest.size()));
                    GpioLineSettings in = GpioLineSettings.input().withEdge(edge).withBias(bias)
                            .withActiveLow(activeLow).withDebounceMicros(debounce);
                    try (GpioLineRequest r = chip.request("j4l-gpio-watch", GpioLineConfig.of(in), lines)) {
                        out.printf("watching %s lines %s for %s edges; Ctrl-C to stop%n", chip.name(), r.offsets(),
                                edge.name().toLowerCase(Locale.ROOT));
                        out.flush();
                        long seen = 0;
                        while (seen < count && stop.getCount() > 0) {
                            for (EdgeEvent e : r.readEvents(200)) {
                                out.printf("%d %s %s %d seq=%d line_seq=%d%n", e.timestampNanos(),
                                        e.edge().name().toLowerCase(Locale.ROOT), chip.name(), e.offset(), e.sequence(),
                                        e.lineSequence());
                                out.flush();
                                if (++seen >= count) break;
                            }
                        }
                    }
                }
                return 0;
            }
            default -> throw new IllegalArgumentException("unknown gpio command " + args[0] + " (info, get, set, watch)");
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    private static void needLines(List<String> rest) {
        if (rest.size() < 2) throw new IllegalArgumentException("name a chip and at least one line (see j4l gpio --help)");
    }

    private static int[] offsets(GpioChip chip, List<String> names) throws Exception {
        int[] lines = new int[names.size()];
        for (int i = 0; i < lines.length; i++) lines[i] = chip.offsetOf(names.get(i));
        return lines;
    }

    /** gpioinfo's listing: the chip, then a line per line. */
    static void info(GpioChip chip, PrintStream out) throws Exception {
        out.printf("%s [%s] (%d lines)%n", chip.name(), chip.label(), chip.lineCount());
        for (LineInfo l : chip.lines()) {
            GpioLineSettings s = l.settings();
            StringBuilder b = new StringBuilder();
            b.append(String.format("\tline %3d: %-16s %-16s %s", l.offset(),
                    l.name().isEmpty() ? "unnamed" : "\"" + l.name() + "\"",
                    l.used() ? "\"" + l.consumer() + "\"" : "unused", s.direction().name().toLowerCase(Locale.ROOT)));
            if (s.activeLow()) b.append(" active-low");
            if (s.edge() != Edge.NONE) b.append(" edges=").append(s.edge().name().toLowerCase(Locale.ROOT));
            if (s.bias() != Bias.AS_IS) b.append(" bias=").append(s.bias().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            if (s.drive() != Drive.PUSH_PULL) b.append(" drive=").append(s.drive().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            if (s.debounceMicros() > 0) b.append(" debounce=").append(s.debounceMicros()).append("us");
            out.println(b);
        }
    }
}
