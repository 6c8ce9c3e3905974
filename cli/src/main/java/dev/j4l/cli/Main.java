package dev.j4l.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

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
        m.put("input", new InputCommand());
        m.put("mount", new MountCommand());
        m.put("probe", new ProbeCommand());
        m.put("rngd", new RngdCommand());
        m.put("switch", new SwitchCommand());
        m.put("test", new TestCommand());
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
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println("usage: j4l COMMAND [ARGS...]   (j4l COMMAND --help for details)");
            out.println();
            out.println("commands:");
            commands.forEach((name, c) -> out.printf("  %-10s %s%n", name, c.summary()));
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
}
