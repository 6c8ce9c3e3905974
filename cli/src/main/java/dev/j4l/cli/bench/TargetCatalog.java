package dev.j4l.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The targets the bench knows, how each is started, and the goals j4l's drivers are held to. */
final class TargetCatalog {
    private TargetCatalog() {}

    static final List<String> NAMES = List.of(
            "native", "passthrough", "passthrough-off", "bindfs", "mergerfs", "go-fuse", "tmpfs", "memfs");
    /** Targets measured only when named in --targets: j4l over /dev/fuse, to show what io_uring brings. */
    static final List<String> EXTRA = List.of("passthrough-devfuse", "memfs-devfuse");
    /** The FUSE peers passthroughfs is compared with. */
    static final List<String> PEERS = List.of("bindfs", "mergerfs", "go-fuse");

    /** The j4l daemons, which can also be run from a --baseline checkout. */
    static final List<String> J4L = List.of("passthrough", "passthrough-off", "passthrough-devfuse", "memfs",
            "memfs-devfuse");
    /** Suffix of a target run from the --baseline checkout: {@code passthrough@base}. */
    static final String BASELINE = "@base";

    /** Where a built checkout keeps the modules ./j4l runs. */
    static Path modulesOf(Path checkout) {
        return checkout.resolve("cli/target/modules");
    }

    static Target target(String name, Path repo) {
        return target(name, repo, (Path) null);
    }

    /** Target {@code name}; a {@code NAME@base} is the j4l daemon NAME run from the {@code baseline} checkout. */
    static Target target(String name, Path repo, Path baseline) {
        if (name.endsWith(BASELINE)) {
            String plain = name.substring(0, name.length() - BASELINE.length());
            Target.Daemon d = (Target.Daemon) build(plain, baseline, modulesOf(baseline).toString());
            return new Target.Daemon(name, d.group(), d.how() + ", built from " + baseline, d.missing(), d.argv());
        }
        return build(name, repo, System.getProperty("jdk.module.path"));
    }

    /** Target {@code name}, its j4l daemons run from {@code modules} with {@code repo}'s JVM options. */
    private static Target build(String name, Path repo, String modules) {
        Target.Group disk = Target.Group.DISK;
        return switch (name) {
            case "native" -> new Target.Dir(name, disk, "the loop-device ext4 itself", false);
            case "passthrough" -> new Target.Daemon(name, disk,
                    "j4l mount passthrough --io-uring (FUSE passthrough when the kernel allows it)", null,
                    (src, mnt) -> j4l(repo, modules, "mount", "passthrough", "--io-uring", src.toString(), mnt.toString()));
            case "passthrough-off" -> new Target.Daemon(name, disk, "j4l mount passthrough --io-uring --no-passthrough",
                    null, (src, mnt) -> j4l(repo, modules, "mount", "passthrough", "--io-uring", "--no-passthrough",
                            src.toString(), mnt.toString()));
            case "passthrough-devfuse" -> new Target.Daemon(name, disk,
                    "j4l mount passthrough --no-io-uring (requests through /dev/fuse)", null,
                    (src, mnt) -> j4l(repo, modules, "mount", "passthrough", "--no-io-uring", src.toString(), mnt.toString()));
            case "bindfs" -> new Target.Daemon(name, disk, "bindfs -f (default options)",
                    Shell.has("bindfs") ? null : "bindfs is not installed (bench/install-peers)",
                    (src, mnt) -> List.of("bindfs", "-f", src.toString(), mnt.toString()));
            case "mergerfs" -> new Target.Daemon(name, disk, "mergerfs -f -o cache.files=partial,minfreespace=0 (one branch)",
                    Shell.has("mergerfs") ? null : "mergerfs is not installed (bench/install-peers)",
                    (src, mnt) -> List.of("mergerfs", "-f", "-o", "cache.files=partial,minfreespace=0", src.toString(),
                            mnt.toString()));
            case "go-fuse" -> {
                Path bin = repo == null ? null : repo.resolve("bench/.cache/gofuse-loopback");
                yield new Target.Daemon(name, disk, "go-fuse v2 example loopback (Debian's source, 1 s timeouts)",
                        bin != null && Files.isExecutable(bin) ? null
                                : "go-fuse loopback not built (bench/install-peers builds it into bench/.cache)",
                        (src, mnt) -> List.of(bin.toString(), "-q", mnt.toString(), src.toString()));
            }
            case "tmpfs" -> new Target.Dir(name, Target.Group.MEMORY, "a tmpfs", true);
            case "memfs" -> new Target.Daemon(name, Target.Group.MEMORY, "j4l mount memfs --io-uring", null,
                    (src, mnt) -> j4l(repo, modules, "mount", "memfs", "--io-uring", mnt.toString()));
            case "memfs-devfuse" -> new Target.Daemon(name, Target.Group.MEMORY, "j4l mount memfs --no-io-uring", null,
                    (src, mnt) -> j4l(repo, modules, "mount", "memfs", "--no-io-uring", mnt.toString()));
            default -> throw new IllegalArgumentException("unknown target " + name);
        };
    }

    /**
     * The command line of a j4l daemon as {@code ./j4l} runs it: this JVM and module path, the command's
     * options from {@code cli/jvm-options/COMMAND-SUBCOMMAND}, J4L_JAVA_OPTS, and the launcher's quarantine
     * flags. (Started directly rather than through ./j4l, whose JDK detection would add its own start-up
     * time to the mount-ready measurement.)
     */
    static List<String> j4l(Path repo, String modules, String... args) {
        List<String> launched = launcherCommand(repo, args);
        if (launched != null) return launched;
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (repo != null && args.length >= 2) {
            Path opts = repo.resolve("cli/jvm-options/" + args[0] + "-" + args[1]);
            try {
                if (Files.exists(opts)) {
                    for (String line : Files.readAllLines(opts)) {
                        String o = line.strip();
                        if (!o.isEmpty() && !o.startsWith("#")) cmd.add(o);
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        String opts = System.getenv("J4L_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) cmd.addAll(List.of(opts.strip().split("\\s+")));
        cmd.add("--enable-native-access=dev.j4l.kernel");
        cmd.add("--illegal-native-access=deny");
        cmd.add("--sun-misc-unsafe-memory-access=deny");
        cmd.add("-XX:+DisableAttachMechanism");
        cmd.add("--module-path");
        cmd.add(modules);
        cmd.add("-m");
        cmd.add("dev.j4l.cli/dev.j4l.cli.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The java command {@code REPO/j4l ARGS} would run (its JVM options, AOT cache and quarantine flags), asked
     * from the launcher with {@code J4L_PRINT_JAVA=1}; null when the checkout's launcher cannot print it (an
     * older baseline), and {@link #j4l} builds the command itself.
     */
    private static List<String> launcherCommand(Path repo, String... args) {
        if (repo == null) return null;
        Path launcher = repo.resolve("j4l");
        try {
            if (!Files.isExecutable(launcher) || !Files.readString(launcher).contains("J4L_PRINT_JAVA")) return null;
            List<String> argv = new ArrayList<>(List.of(launcher.toString()));
            argv.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().put("J4L_PRINT_JAVA", "1");
            Process p = pb.start();
            List<String> cmd;
            try (var out = p.inputReader()) {
                cmd = out.lines().toList();
            }
            if (p.waitFor() != 0 || cmd.isEmpty()) throw new IOException(launcher + " could not print its java command");
            return cmd;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted asking " + launcher + " for its java command", e);
        }
    }

    /**
     * A peer whose O_DIRECT random reads reached the disk less often than this (percent) did not do the random
     * read workload: it answered from the page cache, which no disk can match.
     */
    static final double DISK_SHARE = 50;

    /** passthroughfs's daemon against libfuse's C examples (their passthrough daemons stay under 64 MiB). */
    static final int RSS_GOAL_MIB = 64;
    /** From starting the daemon to the mount in the mount table (libfuse's examples: under 10 ms). */
    static final int READY_GOAL_MS = 100;

    /** The goals set for passthroughfs against its peers, each with what this run measured; empty if it did not run. */
    static String checks(Results r) {
        Target pt = r.targets().stream().filter(t -> t.name().equals("passthrough")).findFirst().orElse(null);
        Target nat = r.targets().stream().filter(t -> t.name().equals("native")).findFirst().orElse(null);
        if (pt == null) return "";
        List<Target> peers = r.targets().stream().filter(t -> PEERS.contains(t.name())).toList();
        StringBuilder b = new StringBuilder("Goals for passthrough (measured in this run):\n");
        if (nat != null) {
            for (Metric m : List.of(Metric.SEQ_WRITE, Metric.SEQ_READ, Metric.RAND_READ)) {
                goal(b, m.label + " vs native", m.ratio(r.median(pt, m), r.median(nat, m)), 0.9);
            }
        }
        if (!peers.isEmpty()) {
            for (Metric m : Metric.values()) {
                if (!m.workload) continue;
                Target best = null;
                double bestV = Double.NaN;
                List<String> cached = new ArrayList<>();
                for (Target p : peers) {
                    double v = r.median(p, m);
                    if (Double.isNaN(v)) continue;
                    if (m == Metric.RAND_READ && r.median(p, Metric.RAND_READ_DISK) < DISK_SHARE) {
                        // Not the workload: its O_DIRECT reads came from the page cache, not the disk.
                        cached.add(String.format(Locale.ROOT, "%s %.0f%%", p.name(), r.median(p, Metric.RAND_READ_DISK)));
                        continue;
                    }
                    if (best == null || m.ratio(v, bestV) > 1) { best = p; bestV = v; }
                }
                if (best == null) continue;
                boolean meta = m == Metric.CREATE || m == Metric.STAT || m == Metric.UNLINK; // the issue's metadata trio
                String what = m.label + " vs best peer (" + best.name() + ")";
                if (!cached.isEmpty()) {
                    what += "; not compared, O_DIRECT reads answered from the page cache (share that reached the disk: "
                            + String.join(", ", cached) + ")";
                }
                goal(b, what, m.ratio(r.median(pt, m), bestV), meta ? 1.2 : 1.0);
            }
        }
        double rss = r.median(pt, Metric.PEAK_RSS);
        if (!Double.isNaN(rss)) b.append(String.format(Locale.ROOT, "  %-4s daemon peak RSS %.0f MiB (goal <= %d)%n",
                rss <= RSS_GOAL_MIB ? "ok" : "MISS", rss, RSS_GOAL_MIB));
        double ready = r.median(pt, Metric.MOUNT_READY);
        if (!Double.isNaN(ready)) b.append(String.format(Locale.ROOT, "  %-4s mount ready %.0f ms (goal <= %d)%n",
                ready <= READY_GOAL_MS ? "ok" : "MISS", ready, READY_GOAL_MS));
        return b.toString();
    }

    private static void goal(StringBuilder b, String what, double ratio, double goal) {
        if (Double.isNaN(ratio)) return;
        b.append(String.format(Locale.ROOT, "  %-4s %s: %.2fx (goal >= %.1fx)%n", ratio >= goal ? "ok" : "MISS", what,
                ratio, goal));
    }
}
