package dev.j4l.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * Entry point of the {@code j4l} command: one picocli {@link Command} class per sub-command, listed here. picocli
 * parses the arguments, prints the help, and reports bad arguments; the commands only run.
 */
@Command(name = "j4l", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        synopsisHeading = "usage: ", commandListHeading = "%ncommands:%n", optionListHeading = "%noptions:%n",
        usageHelpAutoWidth = true, sortOptions = false, separator = " ", synopsisSubcommandLabel = "COMMAND",
        description = "Runs j4l's drivers and tools. j4l help COMMAND (or j4l COMMAND --help) tells more.")
public final class Main implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    Main() {}

    /** {@code j4l} alone: the help. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The commands, in the order j4l --help lists them. */
    static final List<Class<?>> COMMANDS = List.of(CommandLine.HelpCommand.class, Completion.class,
            dev.j4l.cli.bench.BenchCommand.class, BlockCommand.class, ChardevCommand.class, ConformCommand.class,
            GpioCommand.class, I2cCommand.class, InputCommand.class, MountCommand.class, ProbeCommand.class,
            RngdCommand.class, SwitchCommand.class, TestCommand.class, UioCommand.class);

    /** Exit status for arguments the command does not take (as getopt-based tools do). */
    static final int USAGE_ERROR = 2;

    /**
     * Log lines: one per record, time, level, component (the logger: dev.j4l.fuse, dev.j4l.block...) and message,
     * instead of java.util.logging's two-line default. Set before anything logs; -D on the command line wins.
     */
    static final String LOG_FORMAT = "%1$tT %4$s %3$s: %5$s%6$s%n";

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "log more: debug lines (level FINE) of j4l's components")
    void verbose(boolean on) {
        if (on) setLogLevel(Level.FINE);
    }

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "log warnings and errors only")
    void quiet(boolean on) {
        if (on) setLogLevel(Level.WARNING);
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
        }
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(commands(args), out, err).execute(args);
    }

    /**
     * The j4l command with the sub-commands {@code args} need: only the one they name, for it is quicker to start
     * (picocli reads every command's annotations when it is added: about 300 ms for all of them on a cold JVM);
     * every one for help, completion, or a name that is none of them (picocli then lists them).
     */
    static CommandLine commands(String... args) {
        String named = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("help");
        boolean one = COMMANDS.stream().anyMatch(c -> nameOf(c).equals(named)) && !named.equals("help")
                && !named.equals("completion");
        CommandLine j4l = new CommandLine(new Main());
        for (Class<?> c : COMMANDS) if (!one || nameOf(c).equals(named)) j4l.addSubcommand(c);
        return j4l;
    }

    private static String nameOf(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    /**
     * {@code command} (the whole {@code j4l} as {@link #commands}, or one command for a test) with j4l's conventions: bad arguments give
     * one line naming the problem and where help is, exit status 2; a command that throws gives "j4l CMD:
     * message", exit status 1, never a stack trace.
     */
    static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
        CommandLine cl = command instanceof CommandLine c ? c : new CommandLine(command);
        if (!(cl.getCommand() instanceof Main)) cl.setCommandName("j4l " + cl.getCommandName());
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8)).setErr(errWriter);
        cl.setParameterExceptionHandler((e, args) -> {
            String name = e.getCommandLine().getCommandSpec().qualifiedName();
            errWriter.println(name + ": " + e.getMessage() + " (try " + name + " --help)");
            return USAGE_ERROR;
        });
        cl.setExecutionExceptionHandler((e, failed, parsed) -> {
            // The message is what the user needs; the trace is for a bug report, with --verbose.
            errWriter.println(topCommand(failed) + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            System.getLogger("dev.j4l.cli").log(System.Logger.Level.DEBUG, "the command failed", e);
            return 1;
        });
        return cl;
    }

    /** "j4l mount" for an error in "j4l mount memfs": errors name the command, as the scripts know it. */
    private static String topCommand(CommandLine c) {
        String[] words = c.getCommandSpec().qualifiedName().split(" ");
        return words.length <= 2 ? String.join(" ", words) : words[0] + " " + words[1];
    }

    private static void setLogLevel(Level level) {
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        for (Handler h : root.getHandlers()) h.setLevel(level);
    }

    /** {@code j4l --version}: the project version, from the version.properties the build writes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in == null) throw new IOException("version.properties is missing from the j4l-cli jar");
                p.load(in);
            }
            return new String[] {"j4l " + p.getProperty("version")};
        }
    }

    /** {@code j4l completion bash}: the shell completion script, generated from the commands' options. */
    @Command(name = "completion", description = "print a bash completion script: source <(j4l completion bash)")
    static final class Completion implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "SHELL", description = "the shell: ${COMPLETION-CANDIDATES}")
        Shell shell;

        enum Shell { bash }

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(AutoComplete.bash("j4l", spec.root().commandLine()));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
