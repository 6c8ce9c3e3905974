package dev.j4l.cli;

import dev.j4l.kernel.ChildProcess;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Pipe;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code j4l mount -d}: serving in the background. A JVM cannot fork, so the command starts itself again as a
 * child JVM — the same java, JVM options and arguments, read from {@code /proc/self/cmdline} — through
 * {@code setsid} (a session of its own: no terminal, no Ctrl-C from the shell that started it), standard input
 * from {@code /dev/null}, standard output a pipe back to the parent and standard error the log file. The child
 * knows it is the daemon by {@link #ENV}; once its mount is visible it writes {@link #READY} to the pipe and
 * closes it. The parent waits for that line and exits 0, or, when the pipe closes without it, waits for the
 * child and exits with its status after printing what it logged.
 */
final class MountDaemon {
    private MountDaemon() {}

    /** Set in the daemon's environment: this JVM is the daemon, serving after it said it is ready. */
    static final String ENV = "J4L_MOUNT_DAEMON";
    static final String READY = "j4l-mount-ready";
    /** How long the parent waits for the mount (a cold JVM on a busy machine takes seconds). */
    static final long READY_TIMEOUT_SECONDS = 120;

    static boolean isDaemon() {
        return "1".equals(System.getenv(ENV));
    }

    /** Tells the parent the mount is visible: the line on standard output, then standard output closed. */
    static void ready() {
        System.out.println(READY);
        System.out.flush();
        System.out.close();
    }

    /** Where the daemon of {@code driver} logs unless told: a file per driver, appended to. */
    static Path defaultLog(String driver) {
        if (dev.j4l.kernel.Credentials.euid() == 0) return Path.of("/var/log/j4l", driver + ".log");
        String state = System.getenv("XDG_STATE_HOME");
        Path base = state != null && state.startsWith("/") ? Path.of(state)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("j4l").resolve(driver + ".log");
    }

    /**
     * Starts the daemon for {@code j4l ARGS} ({@code args} as the command got them, "mount" among them) and
     * returns the exit status for the parent: 0 once the mount is visible.
     */
    static int start(String driver, List<String> args, String logFile) throws IOException, InterruptedException {
        Path log = (logFile != null ? Path.of(logFile) : defaultLog(driver)).toAbsolutePath();
        Files.createDirectories(log.getParent());
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        List<String> argv = new ArrayList<>();
        argv.add(Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : "setsid");
        argv.addAll(javaCommand());
        argv.addAll(args);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(ENV, "1");
        ChildProcess child;
        Pipe pipe = Pipe.open(0);
        try (OwnedFd in = Fs.open("/dev/null", Fs.O_RDONLY);
                OwnedFd err = Fs.open(log.toString(), Fs.O_WRONLY | Fs.O_CREAT | Fs.O_APPEND, 0640)) {
            child = ChildProcess.spawn(argv, env, Map.of(0, in, 1, pipe.writeEnd(), 2, err));
        } catch (KernelException e) {
            pipe.close();
            throw new IOException("cannot start the daemon: " + e.getMessage(), e);
        } finally {
            pipe.writeEnd().close(); // the child holds its copy: EOF on ours means it is gone or done
        }
        OwnedFd readEnd = pipe.readEnd();
        CompletableFuture<String> said = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("j4l-mount-ready").start(() -> {
            try {
                said.complete(readAll(readEnd));
            } catch (KernelException | RuntimeException e) {
                said.completeExceptionally(e);
            }
        });
        String out;
        try {
            out = said.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            System.err.println("j4l mount: the daemon (pid " + child.pid() + ") did not report the mount within "
                    + READY_TIMEOUT_SECONDS + " s; its log: " + log);
            return 1;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("reading from the daemon: " + e.getCause().getMessage(), e.getCause());
        } finally {
            readEnd.close();
        }
        if (out.lines().anyMatch(READY::equals)) {
            System.err.println("j4l: mounted; daemon pid " + child.pid() + " logs to " + log);
            return 0;
        }
        int status = child.waitFor();
        String logged = tail(log, logStart).strip();
        System.err.println(logged.isEmpty() ? "j4l mount: the daemon failed (exit status " + status + ")" : logged);
        return status == 0 ? 1 : status;
    }

    /** Everything the daemon writes on its standard output until it closes it. */
    private static String readAll(OwnedFd fd) throws KernelException {
        StringBuilder s = new StringBuilder();
        NativeBuffer buf = NativeBuffer.allocate(4096);
        byte[] bytes = new byte[4096];
        while (true) {
            int n = fd.read(buf, 0, bytes.length);
            if (n <= 0) return s.toString();
            buf.get(0, bytes, 0, n);
            s.append(new String(bytes, 0, n, StandardCharsets.UTF_8));
            if (s.indexOf(READY + "\n") >= 0) return s.toString();
        }
    }

    private static String tail(Path log, long from) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            long start = Math.max(from, len - 8192);
            byte[] b = new byte[(int) (len - start)];
            f.seek(start);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /**
     * The java command this JVM was started with, up to the main module: {@code ./j4l}'s (JVM options, the
     * per-command ones and J4L_JAVA_OPTS included). A JVM started otherwise (a test's) gets the quarantine
     * flags and this JVM's module path.
     */
    static List<String> javaCommand() throws IOException {
        String[] cmdline = new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8)
                .split("\0");
        for (int i = 0; i + 1 < cmdline.length; i++) {
            if (cmdline[i].equals("-m") && cmdline[i + 1].equals("dev.j4l.cli/dev.j4l.cli.Main")) {
                // Not the launcher's AOT recording: the daemon would write the same record as this JVM.
                return Arrays.stream(cmdline, 0, i + 2).filter(a -> !a.startsWith("-XX:AOTMode=record")
                        && !a.startsWith("-XX:AOTConfiguration=")).toList();
            }
        }
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath == null || modulePath.isEmpty()) throw new IOException("cannot start a daemon: no module path");
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=dev.j4l.kernel", "--illegal-native-access=deny",
                "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism",
                "--module-path", modulePath, "-m", "dev.j4l.cli/dev.j4l.cli.Main");
    }
}
