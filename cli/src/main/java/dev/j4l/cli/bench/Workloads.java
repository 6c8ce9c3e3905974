package dev.j4l.cli.bench;

import dev.j4l.cli.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The workloads of one repetition on one mounted target. */
final class Workloads {
    /** Sizes of a run: the full suite or the quick one CI runs. */
    record Sizes(long seqBytes, int randSeconds, int metaFiles, boolean zipSubset) {
        static final Sizes FULL = new Sizes(512L << 20, 10, 10_000, false);
        static final Sizes QUICK = new Sizes(32L << 20, 2, 500, true);
    }

    static final Path SRC_ZIP = Path.of(System.getProperty("java.home"), "lib", "src.zip");
    /** What --quick unpacks of src.zip: one package tree rather than the whole JDK. */
    static final String ZIP_SUBSET = "java.base/java/util/*";

    private final Sizes sizes;
    /** Notes about how a target was measured (e.g. O_DIRECT refused), collected per target name. */
    private final Map<String, List<String>> notes;

    /** The loop device the disk targets sit on, whose read count tells whether O_DIRECT reads reached it. */
    private String disk;

    Workloads(Sizes sizes, Map<String, List<String>> notes) {
        this.sizes = sizes;
        this.notes = notes;
    }

    void diskDevice(String device) {
        disk = device;
    }

    /** The workloads, run one at a time across all targets so that slow drifts of the machine hit them alike. */
    enum Step {
        FIO("fio", "fio"),
        METADATA("metadata", "metadata"),
        TREE("src.zip tree", "tree");

        final String label;
        /** The name {@code --workloads} takes. */
        final String option;

        Step(String label, String option) {
            this.label = label;
            this.option = option;
        }

        static Step named(String option) {
            for (Step s : values()) if (s.option.equals(option)) return s;
            throw new IllegalArgumentException("unknown workload '" + option + "'; workloads: fio,metadata,tree");
        }
    }

    Map<Metric, Double> run(Step step, Target target, Path dir) throws IOException, InterruptedException {
        Map<Metric, Double> r = new EnumMap<>(Metric.class);
        switch (step) {
            case FIO -> fio(target, dir, r);
            case METADATA -> metadata(dir.resolve("meta"), sizes.metaFiles, r);
            case TREE -> {
                if (Files.isReadable(SRC_ZIP)) unzip(dir, r);
                else note(target, "no " + SRC_ZIP + ": unzip/find/rm skipped");
            }
        }
        return r;
    }

    // ---- fio: 1 MiB sequential write and read, then 4 KiB random reads by 2 jobs on the same file ----

    private void fio(Target target, Path dir, Map<Metric, Double> r) throws IOException, InterruptedException {
        Path file = dir.resolve("fio-seq.dat");
        String size = Long.toString(sizes.seqBytes);
        List<String> common = List.of("--filename=" + file, "--size=" + size, "--ioengine=psync",
                "--fallocate=none", "--output-format=json", "--group_reporting");
        // end_fsync: the write is only done when the data is on the disk, whatever each target caches.
        Object w = fio(common, "--name=seqwrite", "--rw=write", "--bs=1M", "--end_fsync=1");
        r.put(Metric.SEQ_WRITE, Json.number(w, "jobs", 0, "write", "bw_bytes") / (1 << 20));
        Workspace.dropCaches();
        Object rd = fio(common, "--name=seqread", "--rw=read", "--bs=1M");
        r.put(Metric.SEQ_READ, Json.number(rd, "jobs", 0, "read", "bw_bytes") / (1 << 20));
        Workspace.dropCaches();
        List<String> rand = List.of("--name=randread", "--rw=randread", "--bs=4k", "--numjobs=2",
                "--time_based", "--runtime=" + sizes.randSeconds);
        Object rr;
        try {
            boolean onDisk = disk != null && target.group() == Target.Group.DISK;
            long before = onDisk ? Workspace.diskReads(disk) : 0;
            rr = fio(common, concat(rand, "--direct=1"));
            double reads = Json.number(rr, "jobs", 0, "read", "total_ios");
            if (onDisk && reads > 0) r.put(Metric.RAND_READ_DISK, 100.0 * (Workspace.diskReads(disk) - before) / reads);
        } catch (IOException directRefused) {
            // Some FUSE daemons refuse O_DIRECT opens (EINVAL); measure buffered reads after dropping caches.
            note(target, "rand read buffered: O_DIRECT refused (" + directRefused.getMessage() + ")");
            Workspace.dropCaches();
            rr = fio(common, rand.toArray(String[]::new));
        }
        r.put(Metric.RAND_READ, Json.number(rr, "jobs", 0, "read", "iops"));
        Files.delete(file);
    }

    private static String[] concat(List<String> a, String... b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(List.of(b));
        return l.toArray(String[]::new);
    }

    private static Object fio(List<String> common, String... job) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("fio");
        cmd.addAll(List.of(job));
        cmd.addAll(common);
        Shell.Result res = Shell.run(cmd, 900);
        String out = res.out();
        int a = out.indexOf('{');
        int b = out.lastIndexOf('}');
        if (!res.ok() || a < 0 || b < a) throw new IOException("fio " + job[0] + ": " + res.reason());
        Object report = Json.parse(out.substring(a, b + 1));
        if (Json.number(report, "jobs", 0, "error") != 0) {
            throw new IOException("fio " + job[0] + ": error " + Json.at(report, "jobs", 0, "error"));
        }
        return report;
    }

    // ---- metadata: create, stat, readdir, unlink of N empty files in one directory ----

    /** Runs the four phases on {@code dir} (created and removed here) and records ops/s of each. */
    static void metadata(Path dir, int n, Map<Metric, Double> r) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path[] files = new Path[n];
        for (int i = 0; i < n; i++) files[i] = dir.resolve("f" + i);

        long t0 = System.nanoTime();
        for (Path f : files) Files.createFile(f);
        r.put(Metric.CREATE, n / secondsSince(t0));

        Workspace.dropCaches(); // stat and readdir go to the filesystem, not the dentry/attribute caches
        t0 = System.nanoTime();
        long sizeSum = 0;
        for (Path f : files) {
            sizeSum += Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
        }
        r.put(Metric.STAT, n / secondsSince(t0));
        if (sizeSum != 0) throw new IOException("stat saw data in empty files under " + dir);

        Workspace.dropCaches();
        int passes = Math.max(1, 50_000 / n);
        t0 = System.nanoTime();
        long entries = 0;
        for (int p = 0; p < passes; p++) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path ignored : ds) entries++;
            }
        }
        r.put(Metric.READDIR, entries / secondsSince(t0));
        if (entries != (long) n * passes) throw new IOException("readdir of " + dir + " saw " + entries / passes
                + " entries, expected " + n);

        t0 = System.nanoTime();
        for (Path f : files) Files.delete(f);
        r.put(Metric.UNLINK, n / secondsSince(t0));
        Files.delete(dir);
    }

    private static double secondsSince(long t0) {
        return Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
    }

    // ---- a source tree: unzip the JDK's src.zip, find over it (cold), rm -rf it ----

    private void unzip(Path dir, Map<Metric, Double> r) throws IOException, InterruptedException {
        Path tree = dir.resolve("src");
        List<String> cmd = new ArrayList<>(List.of("unzip", "-q", SRC_ZIP.toString(), "-d", tree.toString()));
        if (sizes.zipSubset) cmd.add(ZIP_SUBSET);
        r.put(Metric.UNZIP, checked(Shell.run(cmd, 900)).seconds());
        Workspace.dropCaches();
        r.put(Metric.FIND, checked(Shell.run(List.of("find", tree.toString(), "-printf", ""), 900)).seconds());
        r.put(Metric.RM, checked(Shell.run(List.of("rm", "-rf", tree.toString()), 900)).seconds());
    }

    private static Shell.Result checked(Shell.Result r) throws IOException {
        if (!r.ok()) throw new IOException(r.reason());
        return r;
    }

    private void note(Target t, String what) {
        List<String> l = notes.computeIfAbsent(t.name(), k -> new ArrayList<>());
        if (!l.contains(what)) l.add(what);
    }
}
