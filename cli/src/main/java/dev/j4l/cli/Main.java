package dev.j4l.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Entry point of the {@code j4l} command: dispatches to one {@link Command} per sub-command. */
public final class Main {
    private Main() {}

    /** A sub-command. {@code run} returns the process exit status. */
    public interface Command {
        String summary();

        String usage();

        int run(String[] args) throws Exception;
    }

    static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        m.put("bench", new dev.j4l.cli.bench.BenchCommand());
        m.put("block", new BlockCommand());
        m.put("chardev", new ChardevCommand());
        m.put("conform", new ConformCommand());
        m.put("gpio", new GpioCommand());
        m.put("i2c", new I2cCommand());
        m.put("input", new InputCommand());
        m.put("mount", new MountCommand());
        m.put("probe", new ProbeCommand());
        m.put("rngd", new RngdCommand());
        m.put("switch", new SwitchCommand());
        m.put("test", new TestCommand());
        m.put("uio", new UioCommand());
        return m;
    }

    /**
     * Log lines: one per record, time, level, component (the logger: dev.j4l.fuse, dev.j4l.block...) and message,
     * instead of java.util.logging's two-line default. Set before anything logs; -D on the command line wins.
     */
    static final String LOG_FORMAT = "%1$tT %4$s %3$s: %5$s%6$s%n";

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
        }
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        args = applyLogLevel(args);
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println("usage: j4l [--verbose|--quiet] COMMAND [ARGS...]   (j4l COMMAND --help for details)");
            out.println();
            out.println("commands:");
            commands.forEach((name, c) -> out.printf("  %-10s %s%n", name, c.summary()));
            out.println();
            out.println("  --verbose, -v   log more: debug lines (level FINE) of j4l's components");
            out.println("  --quiet, -q     log warnings and errors only");
            return 0;
        }
        Command c = commands.get(args[0]);
        if (c == null) {
            err.println("j4l: unknown command '" + args[0] + "' (try j4l --help)");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help")) {
            out.println(c.usage());
            return 0;
        }
        try {
            return c.run(rest);
        } catch (Exception e) {
            err.println("j4l " + args[0] + ": " + e.getMessage());
            return 1;
        }
    }

    /**
     * Takes the log options out of the arguments and sets the log level they ask for: {@code --verbose} /
     * {@code --quiet} anywhere, {@code -v} / {@code -q} before the command (after it they may be a command's own).
     */
    static String[] applyLogLevel(String[] args) {
        Level level = null;
        List<String> rest = new ArrayList<>();
        boolean beforeCommand = true;
        for (String a : args) {
            if (a.equals("--verbose") || beforeCommand && a.equals("-v")) level = Level.FINE;
            else if (a.equals("--quiet") || beforeCommand && a.equals("-q")) level = Level.WARNING;
            else {
                rest.add(a);
                if (!a.startsWith("-")) beforeCommand = false;
            }
        }
        if (level != null) {
            Logger root = Logger.getLogger("");
            root.setLevel(level);
            for (Handler h : root.getHandlers()) h.setLevel(level);
        }
        return rest.toArray(String[]::new);
    }
}
