package dev.j4l.cli.bench;

import dev.j4l.kernel.Credentials;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code j4l bench}: mounts every target over the same fresh ext4 (and tmpfs), runs the same workloads on
 * each, and reports medians with ratios to the first column, as a table, a CSV and a PNG.
 */
@Command(name = "bench", description = {
        "Benchmark j4l filesystems against native, tmpfs and FUSE peers (needs root).", "",
        "Runs one suite against every target in one run, over a fresh ext4 on a loop device (and a tmpfs), and prints"
                + " a table of medians with ratios to the first column of each group (above 1.00x = better). Writes"
                + " results.csv, chart.png and summary.md to the output directory."},
        footer = {"", "Workloads: fio sequential write and read (1 MiB blocks, 512 MiB; caches dropped before reading),"
                + " fio 4 KiB random reads (2 jobs, O_DIRECT where the target allows it), create / stat / readdir /"
                + " unlink of 10,000 files, unzip of the JDK's src.zip + find + rm -rf. Daemon targets also report"
                + " mount-ready time, peak RSS (VmHWM) and CPU seconds. Mounts and the loop device are torn down at the"
                + " end, on failure and on Ctrl-C."})
public final class BenchCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--quick", description = "small sizes, 1 repetition, only the targets available here (about a"
            + " minute)")
    boolean quick;

    @Option(names = "--targets", paramLabel = "LIST", split = ",", completionCandidates = TargetNames.class,
            description = {"comma-separated, in column order; default: all of ${COMPLETION-CANDIDATES} (j4l daemons"
                    + " use --io-uring; passthrough-devfuse and memfs-devfuse, measured only when named, are the same"
                    + " over /dev/fuse)"})
    List<String> targetsAsked;

    @Option(names = "--workloads", paramLabel = "LIST", split = ",",
            description = "comma-separated subset of fio,metadata,tree (default: all)")
    List<String> workloads;

    @Option(names = "--reps", paramLabel = "N", description = "repetitions per workload (median reported); default"
            + " 3, quick 1")
    Integer reps;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory; default bench/results/tmp/<UTC"
            + " time> in the checkout")
    Path outDir;

    @Option(names = "--no-install", description = "do not run bench/install-peers (apt-get install of fio, bindfs,"
            + " mergerfs, go-fuse, and an offline build of go-fuse's loopback into bench/.cache)")
    boolean noInstall;

    @Option(names = "--baseline", paramLabel = "CHECKOUT", description = {"another j4l checkout, built (./mvnw"
            + " -DskipTests package): name its daemons in --targets as passthrough@base, memfs@base... to measure a"
            + " change before and after side by side in one run"})
    Path baselineDir;

    public BenchCommand() {
        this(System.out);
    }

    BenchCommand(PrintStream out) {
        this.out = out;
    }

    /** The targets a run measures unless told: for --targets' help and completion. */
    static final class TargetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return TargetCatalog.NAMES.iterator();
        }
    }

    record Options(boolean quick, List<String> targets, List<Workloads.Step> steps, int reps, Path out,
            boolean install, Path baseline) {}

    /** The options of {@code j4l bench ARGS}, checked. */
    static Options parse(String[] args) {
        BenchCommand c = new BenchCommand();
        new CommandLine(c).parseArgs(args);
        return c.options();
    }

    /** The options given, checked against each other and the targets known. */
    Options options() {
        List<String> targets = targetsAsked == null ? TargetCatalog.NAMES
                : targetsAsked.stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
        List<Workloads.Step> steps = List.of(Workloads.Step.values());
        if (workloads != null) {
            steps = new ArrayList<>();
            for (String w : workloads) {
                if (!w.isBlank()) steps.add(Workloads.Step.named(w.strip()));
            }
            if (steps.isEmpty()) throw new IllegalArgumentException("--workloads is empty");
        }
        if (reps != null && (reps < 1 || reps > 100)) throw new IllegalArgumentException("--reps must be 1..100");
        Path baseline = baselineDir != null ? baselineDir.toAbsolutePath() : null;
        for (String t : targets) {
            if (t.endsWith(TargetCatalog.BASELINE)) {
                String plain = t.substring(0, t.length() - TargetCatalog.BASELINE.length());
                if (!TargetCatalog.J4L.contains(plain)) {
                    throw new IllegalArgumentException("'" + t + "': only j4l daemons have a baseline ("
                            + String.join(",", TargetCatalog.J4L) + ")");
                }
                if (baseline == null) throw new IllegalArgumentException("'" + t + "' needs --baseline CHECKOUT");
                if (!Files.isDirectory(TargetCatalog.modulesOf(baseline))) {
                    throw new IllegalArgumentException("--baseline " + baseline + " is not built (no "
                            + TargetCatalog.modulesOf(baseline) + "; run ./mvnw -DskipTests package there)");
                }
                continue;
            }
            if (!TargetCatalog.NAMES.contains(t) && !TargetCatalog.EXTRA.contains(t)) {
                throw new IllegalArgumentException("unknown target '" + t + "'; targets: "
                        + String.join(",", TargetCatalog.NAMES) + " (and, only when named, "
                        + String.join(",", TargetCatalog.EXTRA) + ")");
            }
        }
        if (targets.isEmpty()) throw new IllegalArgumentException("--targets is empty");
        return new Options(quick, targets, steps, reps != null ? reps : quick ? 1 : 3, outDir, !noInstall, baseline);
    }

    @Override
    public Integer call() throws Exception {
        return run(options()).failed().isEmpty() ? 0 : 1;
    }

    /** What a run did: where it wrote, which targets it measured, skipped (with why) or lost mid-way. */
    record Report(Path out, List<String> measured, Map<String, String> skipped, Map<String, String> failed) {}

    Report run(Options o) throws Exception {
        if (Credentials.euid() != 0) throw new IOException("needs root (loop devices, mounts, drop_caches); run as root");
        Path repo = repoRoot();
        if (o.install && repo != null && Files.isExecutable(repo.resolve("bench/install-peers"))) {
            Shell.Result r = Shell.run(List.of(repo.resolve("bench/install-peers").toString()), 1800);
            if (!r.ok()) out.println("j4l bench: bench/install-peers failed (" + r.reason() + "); going on with what is installed");
        }
        for (String tool : List.of("fio", "unzip", "mkfs.ext4", "losetup", "mount", "umount", "find")) {
            if (!Shell.has(tool)) throw new IOException(tool + " is not installed (bench/install-peers installs it)");
        }
        Path outDir = o.out != null ? o.out : (repo != null ? repo.resolve("bench/results/tmp") : Path.of("."))
                .resolve("run-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()));
        Path logs = outDir.resolve("logs");
        Files.createDirectories(logs);

        Workloads.Sizes sizes = o.quick ? Workloads.Sizes.QUICK : Workloads.Sizes.FULL;
        Map<String, String> skipped = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, List<String>> notes = new LinkedHashMap<>();
        List<Target> targets = new ArrayList<>();
        for (String name : o.targets) {
            Target t = TargetCatalog.target(name, repo, o.baseline);
            if (t.unavailable() != null) skipped.put(name, t.unavailable());
            else targets.add(t);
        }
        Results results = new Results();
        Workloads work = new Workloads(sizes, notes);
        String started = Instant.now().toString();
        long t0 = System.nanoTime();
        try (Teardown teardown = new Teardown()) {
            // The j4l daemons mount with --io-uring, which turns the fuse module's enable_uring on; put it back
            // as it was once they are gone (connections keep their rings).
            String uring = dev.j4l.kernel.FuseIoUringSwitch.value();
            if ("N".equals(uring)) teardown.push("fuse enable_uring", () -> dev.j4l.kernel.FuseIoUringSwitch.set(false));
            long image = o.quick ? 1L << 30 : 6L << 30;
            long tmpfs = o.quick ? 1L << 30 : 4L << 30;
            Workspace w = Workspace.create(image, tmpfs, teardown);
            work.diskDevice(w.loopDevice);
            out.printf("j4l bench: %s suite, %d repetition(s), workspace %s (%s)%n", o.quick ? "quick" : "full",
                    o.reps, w.root, Workspace.describeDisk(w.ext4));
            // Warm the JIT on the metadata code so the first target measured is not penalised.
            Workloads.metadata(w.tmpfs.resolve("warmup"), 2000, new java.util.EnumMap<>(Metric.class));
            // Every target is mounted for the whole run; each workload then runs on all of them in turn (in an
            // order rotating with the repetition), so drifts of a shared machine reach every target alike.
            List<Target.Mounted> live = new ArrayList<>();
            out.print("  mounting:");
            for (Target t : targets) results.register(t);
            for (Target t : targets) {
                try {
                    Target.Mounted m = t.mount(w, logs, teardown);
                    results.add(t, Metric.MOUNT_READY, m.readyMs());
                    live.add(m);
                    out.print(" " + t.name());
                } catch (Target.Unavailable e) {
                    skipped.put(t.name(), e.getMessage());
                    out.print(" (" + t.name() + " skipped)");
                }
                out.flush();
            }
            out.println();
            for (int rep = 0; rep < o.reps; rep++) {
                for (Workloads.Step step : o.steps) {
                    out.printf("  rep %d/%d %-13s", rep + 1, o.reps, step.label + ":");
                    for (int k = 0; k < live.size(); k++) {
                        Target.Mounted m = live.get((k + rep) % live.size());
                        Target t = m.target();
                        if (failed.containsKey(t.name())) continue;
                        try {
                            results.addAll(t, work.run(step, t, m.dir()));
                            out.print(" " + t.name());
                        } catch (IOException e) {
                            failed.put(t.name(), step.label + ": " + e.getMessage());
                            out.print(" " + t.name() + "(FAILED)");
                        }
                        out.flush();
                    }
                    out.println();
                }
            }
            for (Target.Mounted m : live) {
                double[] usage = m.daemonUsage();
                results.add(m.target(), Metric.PEAK_RSS, usage[0]);
                results.add(m.target(), Metric.CPU, usage[1]);
                m.stop().run();
            }
        }
        double minutes = (System.nanoTime() - t0) / 60e9;

        StringBuilder report = new StringBuilder();
        for (Target.Group g : Target.Group.values()) {
            String tbl = results.table(g);
            if (!tbl.isEmpty()) report.append(tbl).append('\n');
        }
        String checks = TargetCatalog.checks(results);
        if (!checks.isEmpty()) report.append(checks).append('\n');
        for (Target t : targets) {
            if (!results.targets().contains(t)) continue;
            report.append("- ").append(t.name()).append(": ").append(t.how());
            for (String n : notes.getOrDefault(t.name(), List.of())) report.append("; ").append(n);
            report.append('\n');
        }
        skipped.forEach((k, v) -> report.append("- ").append(k).append(": skipped — ").append(v).append('\n'));
        failed.forEach((k, v) -> report.append("- ").append(k).append(": FAILED — ").append(v).append('\n'));
        out.println();
        out.print(report);

        results.writeCsv(outDir.resolve("results.csv"));
        String title = "j4l bench" + (o.quick ? " --quick" : "") + " — " + started.substring(0, 16) + "Z, "
                + Machine.kernel() + ", " + Machine.cpu();
        try {
            BarChart.write(results, title, outDir.resolve("chart.png"));
        } catch (IOException | RuntimeException | Error e) {
            out.println("j4l bench: chart not written: " + e);
        }
        String command = "./j4l bench " + String.join(" ", o.quick ? List.of("--quick") : List.of())
                + (o.targets.equals(TargetCatalog.NAMES) ? "" : " --targets " + String.join(",", o.targets))
                + (o.steps.size() == Workloads.Step.values().length ? ""
                        : " --workloads " + String.join(",", o.steps.stream().map(st -> st.option).toList()))
                + (o.reps != (o.quick ? 1 : 3) ? " --reps " + o.reps : "")
                + (o.baseline != null ? " --baseline " + o.baseline : "");
        Files.writeString(outDir.resolve("summary.md"), "Command: `" + command.strip() + "` (started " + started
                + ", took " + String.format(Locale.ROOT, "%.1f", minutes) + " min)\n\n" + Machine.describe() + "\n\n"
                + report);
        out.printf("%nwrote %s (results.csv, chart.png, summary.md, logs/) in %.1f min%n", outDir, minutes);
        List<String> measured = results.targets().stream().map(Target::name).toList();
        return new Report(outDir, measured, skipped, failed);
    }

    /** The checkout this CLI was built from (the directory holding bench/install-peers), or null. */
    static Path repoRoot() {
        try {
            var src = BenchCommand.class.getProtectionDomain().getCodeSource();
            if (src == null) return null;
            for (Path p = Path.of(src.getLocation().toURI()).toAbsolutePath(); p != null; p = p.getParent()) {
                if (Files.exists(p.resolve("bench/install-peers"))) return p;
            }
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
