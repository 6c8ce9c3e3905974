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
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code j4l gpio info|get|set|watch}: GPIO chips and lines through the GPIO character device (dev.j4l.hw.gpio),
 * as libgpiod's gpioinfo, gpioget, gpioset and gpiomon do it.
 */
@Command(name = "gpio", description = {
        "GPIO chips and lines: info, get, set, watch (like libgpiod's tools).", "",
        "CHIP is a path (/dev/gpiochip0), a name (gpiochip0), a number (0) or a chip's label. LINE is an offset or a"
                + " line's name. Values are logical (0 inactive, 1 active)."},
        subcommands = {GpioCommand.Info.class, GpioCommand.Get.class, GpioCommand.Set.class, GpioCommand.Watch.class})
final class GpioCommand extends CommandGroup {
    GpioCommand() {
        this(System.out, null);
    }

    GpioCommand(PrintStream out, CountDownLatch stop) {
        super(out, stop);
    }

    /** What every request of lines takes: the settings, and CHIP (the first parameter); it makes the request. */
    static final class LineRequest {
        @Option(names = "--active-low", description = "the lines are active when low")
        boolean activeLow;

        @Option(names = "--bias", paramLabel = "B", converter = BiasName.class,
                description = "as-is (default), pull-up, pull-down or disabled")
        Bias bias = Bias.AS_IS;

        @Parameters(index = "0", paramLabel = "CHIP")
        String chipName;

        /** {@code settings} with the ones given here. */
        GpioLineSettings applyTo(GpioLineSettings settings) {
            return settings.withBias(bias).withActiveLow(activeLow);
        }

        /** What a sub-command does with the lines it requested. */
        @FunctionalInterface
        interface Use {
            void use(GpioChip chip, GpioLineRequest request) throws Exception;
        }

        /**
         * Opens CHIP, requests the lines {@code names} as {@code consumer} with the configuration {@code config}
         * makes for their offsets, and hands them to {@code use}; releases them and the chip after.
         */
        void request(List<String> names, String consumer, Function<int[], GpioLineConfig> config, Use use)
                throws Exception {
            try (GpioChip chip = GpioChip.find(chipName)) {
                int[] lines = new int[names.size()];
                for (int i = 0; i < lines.length; i++) lines[i] = chip.offsetOf(names.get(i));
                try (GpioLineRequest r = chip.request(consumer, config.apply(lines), lines)) {
                    use.use(chip, r);
                }
            }
        }
    }

    @Command(name = "info", description = "every line of the chips (all chips when none is named): name, consumer,"
            + " settings")
    static final class Info extends Subcommand {
        @Parameters(paramLabel = "CHIP", arity = "0..*")
        List<String> named;

        @Option(names = "--json", description = Json.OPTION_HELP)
        boolean json;

        @Override
        void run(PrintStream out) throws Exception {
            List<String> chips = named == null || named.isEmpty()
                    ? GpioChip.paths().stream().map(Path::toString).toList() : named;
            if (chips.isEmpty() && !json) out.println("no GPIO chips (/dev/gpiochipN)");
            for (String c : chips) {
                try (GpioChip chip = GpioChip.find(c)) {
                    if (json) out.println(Json.write(toJson(chip)));
                    else info(chip, out);
                }
            }
        }
    }

    /** What {@code info --json} prints of a chip: its name, label and each line's name, consumer and settings. */
    static Map<String, Object> toJson(GpioChip chip) throws Exception {
        List<Object> lines = new ArrayList<>();
        for (LineInfo l : chip.lines()) {
            GpioLineSettings s = l.settings();
            lines.add(Json.object("offset", l.offset(), "name", l.name().isEmpty() ? null : l.name(),
                    "consumer", l.used() ? l.consumer() : null, "direction", lower(s.direction()),
                    "active_low", s.activeLow(), "edge", lower(s.edge()), "bias", lower(s.bias()),
                    "drive", lower(s.drive()), "debounce_us", s.debounceMicros()));
        }
        return Json.object("chip", chip.name(), "label", chip.label(), "lines", lines);
    }

    /** An enum constant as the listing writes it: {@code PUSH_PULL} is {@code push-pull}. */
    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Command(name = "get", description = "the lines' values, requested as inputs, printed as LINE=VALUE")
    static final class Get extends Subcommand {
        @Mixin
        LineRequest lines;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "LINE")
        List<String> names;

        @Override
        void run(PrintStream out) throws Exception {
            lines.request(names, "j4l-gpio-get", offsets -> GpioLineConfig.of(lines.applyTo(GpioLineSettings.input())),
                    (chip, r) -> {
                        long bits = r.values(r.allLines());
                        List<String> shown = new ArrayList<>();
                        for (int i = 0; i < names.size(); i++) shown.add(names.get(i) + "=" + ((bits >>> i) & 1));
                        out.println(String.join(" ", shown));
                    });
        }
    }

    @Command(name = "set", description = "drives the lines as outputs and holds them until Ctrl-C (or for --hold"
            + " TIME, e.g. 500ms); the kernel releases them on exit")
    static final class Set extends Subcommand {
        @Mixin
        LineRequest lines;

        @Option(names = "--drive", paramLabel = "D", converter = DriveName.class,
                description = "push-pull (default), open-drain or open-source")
        Drive drive;

        @Option(names = "--hold", paramLabel = "TIME", converter = Units.Time.class,
                description = "hold the values this long, then exit")
        Duration hold;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "LINE=VALUE")
        List<String> settings;

        @Override
        void run(PrintStream out) throws Exception {
            List<String> names = new ArrayList<>();
            List<Boolean> values = new ArrayList<>();
            for (String lv : settings) {
                int eq = lv.indexOf('=');
                String v = eq < 0 ? "" : lv.substring(eq + 1);
                if (!v.equals("0") && !v.equals("1")) throw new IllegalArgumentException("set takes LINE=0 or LINE=1, not " + lv);
                names.add(lv.substring(0, eq));
                values.add(v.equals("1"));
            }
            group.serve(stop -> lines.request(names, "j4l-gpio-set", offsets -> {
                GpioLineConfig config = GpioLineConfig.of(lines.applyTo(GpioLineSettings.output()
                        .withDrive(drive != null ? drive : Drive.PUSH_PULL)));
                for (int i = 0; i < offsets.length; i++) config = config.withOutput(offsets[i], values.get(i));
                return config;
            }, (chip, r) -> {
                out.printf("set %s (lines %s of %s); %s%n", String.join(" ", settings), r.offsets(), chip.name(),
                        hold == null ? "holding until Ctrl-C" : "holding for " + hold.toMillis() + " ms");
                out.flush();
                if (hold == null) stop.await();
                else stop.await(hold.toMillis(), TimeUnit.MILLISECONDS);
            }));
        }
    }

    @Command(name = "watch", description = "prints each edge (timestamp in ns, edge, line, sequence numbers) until"
            + " Ctrl-C or N events")
    static final class Watch extends Subcommand {
        @Mixin
        LineRequest lines;

        @Option(names = "--edge", paramLabel = "E", converter = EdgeName.class,
                description = "rising, falling or both (default)")
        Edge edgeAsked;

        @Option(names = "--debounce", paramLabel = "MICROS", description = "debounce period of the watched lines")
        int debounce;

        @Option(names = "--count", paramLabel = "N", description = "stop after N events")
        Long countAsked;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "LINE")
        List<String> names;

        @Override
        void run(PrintStream out) throws Exception {
            Edge edge = edgeAsked != null ? edgeAsked : Edge.BOTH;
            long count = countAsked != null ? countAsked : Long.MAX_VALUE;
            if (count <= 0) throw new IllegalArgumentException("--count needs a positive number");
            group.serve(stop -> lines.request(names, "j4l-gpio-watch", offsets -> GpioLineConfig.of(
                    lines.applyTo(GpioLineSettings.input().withEdge(edge)).withDebounceMicros(debounce)), (chip, r) -> {
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
            }));
        }
    }

    /** An option value naming a constant of {@code E} in lower case with dashes: pull-up for PULL_UP. */
    abstract static class Named<E extends Enum<E>> implements ITypeConverter<E> {
        private final Class<E> type;

        Named(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            try {
                return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is none of "
                        + java.util.Arrays.stream(type.getEnumConstants())
                                .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
            }
        }
    }

    static final class BiasName extends Named<Bias> {
        BiasName() {
            super(Bias.class);
        }
    }

    static final class DriveName extends Named<Drive> {
        DriveName() {
            super(Drive.class);
        }
    }

    static final class EdgeName extends Named<Edge> {
        EdgeName() {
            super(Edge.class);
        }
    }

    /** gpioinfo's listing: the chip, then a line per line. */
    static void info(GpioChip chip, PrintStream out) throws Exception {
        out.printf("%s [%s] (%d lines)%n", chip.name(), chip.label(), chip.lineCount());
        for (LineInfo l : chip.lines()) {
            GpioLineSettings s = l.settings();
            StringBuilder b = new StringBuilder();
            b.append(String.format("\tline %3d: %-16s %-16s %s", l.offset(),
                    l.name().isEmpty() ? "unnamed" : "\"" + l.name() + "\"",
                    l.used() ? "\"" + l.consumer() + "\"" : "unused", lower(s.direction())));
            if (s.activeLow()) b.append(" active-low");
            if (s.edge() != Edge.NONE) b.append(" edges=").append(lower(s.edge()));
            if (s.bias() != Bias.AS_IS) b.append(" bias=").append(lower(s.bias()));
            if (s.drive() != Drive.PUSH_PULL) b.append(" drive=").append(lower(s.drive()));
            if (s.debounceMicros() > 0) b.append(" debounce=").append(s.debounceMicros()).append("us");
            out.println(b);
        }
    }
}
