package dev.j4l.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program for a test to run to its end: real tools ({@code cat}, {@code stat}, {@code fio}, Python) looking
 * at what the code under test made. Immutable; each {@code with}-style method returns a new command.
 *
 * {@snippet :
 * String text = Command.run("cat", mountpoint.resolve("hello").toString());
 * Command.Result r = Command.of("stat", path.toString()).asUser(65534, 65534).exec();
 * }
 *
 * <p>Its output goes to temporary files rather than pipes, so a program that writes much to both streams
 * never blocks on a full pipe; its input is {@code /dev/null}, so nothing waits for a terminal. A program
 * still running at the timeout is killed with everything it started.
 */
public final class Command {
    /** How long a command may run unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** The exit status reported for a command killed at its timeout (as timeout(1) reports it). */
    public static final int TIMED_OUT = 124;

    private final List<String> argv;
    private final Path directory;
    private final Duration timeout;
    private final List<String> userPrefix;

    private Command(List<String> argv, Path directory, Duration timeout, List<String> userPrefix) {
        if (argv.isEmpty()) throw new IllegalArgumentException("no program to run");
        this.argv = List.copyOf(argv);
        this.directory = directory;
        this.timeout = timeout;
        this.userPrefix = userPrefix;
    }

    public static Command of(String... argv) {
        return of(List.of(argv));
    }

    public static Command of(List<String> argv) {
        return new Command(argv, null, DEFAULT_TIMEOUT, List.of());
    }

    /** Runs {@code argv} and returns its standard output; see {@link #run()}. */
    public static String run(String... argv) throws IOException, InterruptedException {
        return of(argv).run();
    }

    /** The same command, run in {@code dir}. */
    public Command in(Path dir) {
        return new Command(argv, dir, timeout, userPrefix);
    }

    /** The same command, killed (with whatever it started) after {@code limit}. */
    public Command timeout(Duration limit) {
        return new Command(argv, directory, limit, userPrefix);
    }

    /**
     * The same command, run as {@code uid}/{@code gid} with no supplementary groups and so no capabilities
     * (through {@code setpriv}, which needs root).
     */
    public Command asUser(int uid, int gid) {
        return new Command(argv, directory, timeout, List.of("setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--clear-groups"));
    }

    /** The argument vector as it will be executed, user switch included. */
    public List<String> argv() {
        List<String> all = new ArrayList<>(userPrefix);
        all.addAll(argv);
        return all;
    }

    /** How a command ended: its exit status and what it wrote. */
    public record Result(int exit, String out, String err) {
        public boolean ok() {
            return exit == 0;
        }

        public boolean timedOut() {
            return exit == TIMED_OUT;
        }

        /** Both streams, standard output first: for checking a message whichever stream it went to. */
        public String output() {
            return out + err;
        }
    }

    /** Runs the command to its end (or its timeout) whatever its exit status. */
    public Result exec() throws IOException, InterruptedException {
        Path out = Files.createTempFile("j4l-command-out", ".txt");
        Path err = Files.createTempFile("j4l-command-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv()).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            if (directory != null) pb.directory(directory.toFile());
            Process p = pb.start();
            boolean ended;
            try {
                ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(p);
                throw e;
            }
            if (!ended) {
                kill(p);
                return new Result(TIMED_OUT, read(out), read(err) + "\n" + this + ": killed after " + timeout);
            }
            return new Result(p.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Runs the command and returns its standard output; fails the test with its exit status and standard
     * error when it does not exit 0.
     */
    public String run() throws IOException, InterruptedException {
        Result r = exec();
        if (!r.ok()) throw new AssertionError(this + " exited " + r.exit() + ": " + r.err().strip()
                + (r.out().isBlank() ? "" : "\nstdout: " + r.out().strip()));
        return r.out();
    }

    @Override
    public String toString() {
        return String.join(" ", argv()) + (directory == null ? "" : " (in " + directory + ")");
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor();
    }

    /** Bytes that are not UTF-8 (a file name a tool printed) read as U+FFFD rather than failing the read. */
    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
