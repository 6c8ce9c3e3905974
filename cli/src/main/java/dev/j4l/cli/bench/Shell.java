package dev.j4l.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external tools the bench drives (fio, mount, losetup, unzip...) and reports how they ended. */
final class Shell {
    private Shell() {}

    record Result(int exit, String out, String err, long nanos) {
        boolean ok() {
            return exit == 0;
        }

        double seconds() {
            return nanos / 1e9;
        }

        /** The last line the tool wrote to stderr, or its exit status: what a failure message should show. */
        String reason() {
            String e = err.strip();
            int nl = e.lastIndexOf('\n');
            String last = nl < 0 ? e : e.substring(nl + 1);
            return last.isEmpty() ? "exit status " + exit : last;
        }
    }

    /**
     * Runs {@code cmd} to completion (killing it after {@code timeoutSeconds}); stdout and stderr go to
     * temporary files, not pipes, so a chatty tool can never block on a full pipe.
     */
    static Result run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("j4l-bench-out", ".txt");
        Path err = Files.createTempFile("j4l-bench-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            long t0 = System.nanoTime();
            Process p = pb.start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                    return new Result(124, read(out), read(err) + "\ntimed out after " + timeoutSeconds + " s: "
                            + String.join(" ", cmd), System.nanoTime() - t0);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                throw e;
            }
            long t = System.nanoTime() - t0;
            return new Result(p.exitValue(), read(out), read(err), t);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Result run(String... cmd) throws IOException, InterruptedException {
        return run(List.of(cmd), 600);
    }

    /** Runs {@code cmd} and throws with the tool's own message when it fails. */
    static Result check(String... cmd) throws IOException, InterruptedException {
        Result r = run(cmd);
        if (!r.ok()) throw new IOException(String.join(" ", cmd) + ": " + r.reason());
        return r;
    }

    /** Whether an executable named {@code name} is on PATH (or is an absolute path that exists). */
    static boolean has(String name) {
        if (name.startsWith("/")) return Files.isExecutable(Path.of(name));
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String d : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) return true;
        }
        return false;
    }

    private static String read(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        return new String(b, StandardCharsets.UTF_8);
    }
}
