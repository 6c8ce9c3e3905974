package dev.j4l.cli;

import dev.j4l.kernel.Credentials;
import dev.j4l.kernel.Mounts;
import dev.j4l.testkit.posix.Conformance;
import dev.j4l.testkit.posix.Conformance.Target;
import dev.j4l.testkit.posix.PosixCases;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code j4l conform DIR}: the differential POSIX suite ({@link PosixCases}) against any mounted directory, with a
 * fresh kernel tmpfs as the reference, printed as a pass/fail table. A driver author's JUnit runs the same check
 * through the test kit's {@code PosixSuite.differential}.
 */
@Command(name = "conform", description = {
        "Check a mounted filesystem against the kernel's tmpfs, case by case (the POSIX suite).", "",
        "Runs each case of j4l's POSIX suite (Python snippets making exact system calls: errno for bad input,"
                + " renames, links, permissions as a second user, locks, xattrs, sparse files, open-unlinked files,"
                + " exec...) first on a fresh tmpfs, then in a new directory inside DIR, and prints one line per case:"
                + " PASS, FAIL (the reference passes, DIR does not: what differed), or SKIP (the reference fails too,"
                + " or the case acts as the user nobody and DIR does not let other users in: mount with allow_other"
                + " and default_permissions to run those). Exits 1 when a case fails. Needs root and /usr/bin/python3."})
final class ConformCommand implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "0..1", description = "the mounted directory to check")
    Path dir;

    @Option(names = "--cases", paramLabel = "A,B", split = ",", description = "only these cases (names as --list"
            + " prints them)")
    Set<String> only = new HashSet<>();

    @Option(names = "--reference", paramLabel = "R", description = "compare with directory R instead of a fresh tmpfs")
    Path reference;

    @Option(names = "--keep", description = "keep the work directory in DIR (removed by default)")
    boolean keep;

    @Option(names = "--json", description = "one JSON object per case instead of the table, then a summary object")
    boolean json;

    @Option(names = "--list", description = "print the case names and exit")
    boolean list;

    ConformCommand() {
        this(System.out, System.err, System.console() != null);
    }

    ConformCommand(PrintStream out, PrintStream err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
        if (list) {
            PosixCases.all().forEach(c -> out.println(c.name()));
            return 0;
        }
        if (dir == null) throw new ParameterException(spec.commandLine(), "Missing required parameter: 'DIR'");
        List<PosixCases.Case> cases = select(only);
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + " is not a directory");
        if (reference != null && !Files.isDirectory(reference)) {
            throw new IllegalArgumentException(reference + " is not a directory");
        }
        if (Credentials.euid() != 0) throw new IllegalArgumentException("needs root: the cases act as root and as nobody");
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            throw new IllegalArgumentException("needs /usr/bin/python3 (Debian package python3-minimal)");
        }
        Path target = dir;
        Path referenceDir = reference;
        boolean keepWork = keep, asJson = json;
        // Ctrl-C stops between cases and still unmounts the reference and removes the work directories.
        return UntilStopped.run(stop -> conform(cases, target, referenceDir, keepWork, asJson, stop));
    }

    private int conform(List<PosixCases.Case> cases, Path dir, Path reference, boolean keep, boolean json,
            CountDownLatch stop) throws IOException {
        Path work = Files.createTempDirectory(dir.toAbsolutePath(), "j4l-conform-");
        Path referenceMount = null, referenceWork = null;
        try {
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (reference == null) {
                referenceMount = Files.createTempDirectory("j4l-conform-tmpfs-");
                Mounts.mount("j4l-conform", referenceMount.toString(), "tmpfs", Mounts.MS_NOSUID, "mode=0755,size=1g");
                referenceWork = referenceMount;
            } else {
                referenceWork = Files.createTempDirectory(reference.toAbsolutePath(), "j4l-conform-");
                Files.setPosixFilePermissions(referenceWork, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Target target = new Target(dir.toString(), work, Conformance.othersMayEnter(work));
            if (!target.othersMayEnter() && !json) {
                err.println("j4l conform: other users may not enter " + dir
                        + " (no allow_other?): cases acting as the user nobody are skipped");
            }
            return report(cases, referenceWork, target, json, stop);
        } finally {
            if (referenceMount != null) {
                Mounts.unmount(referenceMount.toString(), Mounts.MNT_DETACH);
                Files.deleteIfExists(referenceMount);
            } else if (referenceWork != null) {
                removeQuietly(referenceWork);
            }
            if (keep) err.println("j4l conform: kept " + work);
            else removeQuietly(work);
        }
    }

    private static List<PosixCases.Case> select(Set<String> only) {
        List<PosixCases.Case> all = PosixCases.all();
        if (only.isEmpty()) return all;
        Set<String> names = new HashSet<>();
        all.forEach(c -> names.add(c.name()));
        List<String> unknown = only.stream().filter(n -> !names.contains(n)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("no such case: " + String.join(", ", unknown) + " (see j4l conform --list)");
        }
        return all.stream().filter(c -> only.contains(c.name())).toList();
    }

    private int report(List<PosixCases.Case> cases, Path reference, Target target, boolean json,
            CountDownLatch stop) {
        int passed = 0, failed = 0, skipped = 0, n = 0;
        int width = cases.stream().mapToInt(c -> c.name().length()).max().orElse(10);
        for (PosixCases.Case c : cases) {
            if (stop.getCount() == 0) {
                err.println("j4l conform: stopped after " + n + " of " + cases.size() + " cases");
                return 130;
            }
            n++;
            if (terminal && !json) {
                err.print("\r[" + n + "/" + cases.size() + "] " + c.name() + "\u001b[K");
                err.flush();
            }
            Conformance.Verdict v = Conformance.check(c, reference, List.of(target), Map.of()).getFirst();
            if (terminal && !json) {
                err.print("\r\u001b[K");
                err.flush();
            }
            String status, detail;
            switch (v) {
                case Conformance.Passed p -> { passed++; status = "PASS"; detail = ""; }
                case Conformance.Failed f -> { failed++; status = "FAIL"; detail = f.summary(); }
                case Conformance.Skipped s -> { skipped++; status = "SKIP"; detail = s.reason(); }
            }
            double seconds = v.took().toMillis() / 1000.0;
            if (json) {
                out.printf("{\"case\":%s,\"result\":%s,\"seconds\":%.3f,\"detail\":%s}%n", Json.quote(c.name()),
                        Json.quote(status.toLowerCase()), seconds, Json.quote(detail));
            } else {
                out.printf("%-4s  %-" + width + "s  %6.2fs  %s%n", status, c.name(), seconds, detail);
            }
        }
        if (json) {
            out.printf("{\"target\":%s,\"passed\":%d,\"failed\":%d,\"skipped\":%d}%n", Json.quote(target.name()), passed,
                    failed, skipped);
        } else {
            out.printf("%s: %d passed, %d failed, %d skipped of %d cases%n", target.name(), passed, failed, skipped,
                    cases.size());
        }
        return failed == 0 ? 0 : 1;
    }

    /**
     * Removes a work directory. rm, not Files.walk: cases leave paths longer than PATH_MAX, which only a removal
     * that descends relative to each directory (as rm does) can reach.
     */
    private void removeQuietly(Path root) {
        try {
            Process rm = new ProcessBuilder("rm", "-rf", "--one-file-system", "--", root.toString())
                    .redirectErrorStream(true).start();
            String said = new String(rm.getInputStream().readAllBytes()).strip();
            if (rm.waitFor() != 0) err.println("j4l conform: could not remove all of " + root + ": " + said);
        } catch (IOException e) {
            err.println("j4l conform: could not remove " + root + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
