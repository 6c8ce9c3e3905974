package dev.j4l.cli.bench;

/** One number the bench reports per target. Workload metrics get ratios to the first column; daemon ones don't. */
enum Metric {
    SEQ_WRITE("seq_write", "seq write 1M", "MiB/s", true, true),
    SEQ_READ("seq_read", "seq read 1M", "MiB/s", true, true),
    RAND_READ("rand_read_4k", "rand read 4k x2", "IOPS", true, true),
    /**
     * Of the random reads fio made with O_DIRECT, the share the disk saw (the loop device's read count): about
     * 100% for a target that honours O_DIRECT, near 0% for one that answers such reads from the page cache.
     */
    RAND_READ_DISK("rand_read_disk_share", "rand reads from disk", "%", true, false),
    CREATE("create", "create", "ops/s", true, true),
    STAT("stat", "stat", "ops/s", true, true),
    READDIR("readdir", "readdir", "entries/s", true, true),
    UNLINK("unlink", "unlink", "ops/s", true, true),
    UNZIP("unzip", "unzip src.zip", "s", false, true),
    FIND("find", "find", "s", false, true),
    RM("rm_rf", "rm -rf", "s", false, true),
    MOUNT_READY("mount_ready", "mount ready", "ms", false, false),
    PEAK_RSS("peak_rss", "daemon peak RSS", "MiB", false, false),
    CPU("cpu", "daemon CPU", "s", false, false);

    /** Name in the CSV. */
    final String id;
    /** Name in the table and chart. */
    final String label;
    final String unit;
    final boolean higherIsBetter;
    /** Whether this is a workload (ratios, chart) rather than a fact about the daemon. */
    final boolean workload;

    Metric(String id, String label, String unit, boolean higherIsBetter, boolean workload) {
        this.id = id;
        this.label = label;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.workload = workload;
    }

    /** How many times better {@code value} is than {@code base}: above 1 is better, whichever way the unit runs. */
    double ratio(double value, double base) {
        if (!(value > 0) || !(base > 0)) return Double.NaN;
        return higherIsBetter ? value / base : base / value;
    }
}
