package dev.j4l.drivers.passthrough;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to mirror a directory.
 *
 * @param source the directory to mirror
 * @param passthrough hand open files to the kernel (FUSE passthrough) when it and the privileges allow it
 * @param timeout how long the kernel may cache names and attributes (and keep file data and directory listings
 *     across opens); changes made to the source directly, not through the mount, show after this time
 * @param allowOther let every user use the mount (permissions are checked by the kernel, and files are
 *     created as the calling user when the daemon runs as root)
 * @param readOnly mount read-only
 * @param birthTime answer statx with the birth time. Off by default: the kernel asks the daemon on every
 *     statx that wants fields beyond the basic ones (Java's file attributes always do), doubling the cost of
 *     such a stat; without it the kernel answers statx from its cached attributes, with no birth time
 * @param workers threads serving requests: 2 lets one slow call (fsync of a big file) not stall the mount;
 *     1 is a little faster for a single busy client
 * @param ioUring serve requests through FUSE-over-io_uring when the kernel offers it (one pinned thread per
 *     CPU, so a request is answered on the CPU of its caller); else /dev/fuse
 * @param exportHandles file handles ({@code name_to_handle_at}, NFS export) keep working after the kernel dropped
 *     the inode: the framework then remembers every forgotten node while it exists, which slows listing big
 *     directories (BENCHMARKS.md, "Export support"). Off by default.
 */
public record PassthroughOptions(Path source, boolean passthrough, Duration timeout, boolean allowOther,
        boolean readOnly, int workers, boolean birthTime, boolean ioUring, boolean exportHandles) {
    public PassthroughOptions {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) throw new IllegalArgumentException("negative timeout " + timeout);
        if (workers < 1 || workers > 64) throw new IllegalArgumentException("workers must be 1..64: " + workers);
    }

    /**
     * The default caching time: a day, as libfuse's passthrough_hp — right when the mount is the only writer
     * of the source; when other processes change the source directly, mount with a short timeout.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofDays(1);

    /** Passthrough on, {@link #DEFAULT_TIMEOUT} caching, only the mounting user. */
    public static PassthroughOptions of(Path source) {
        return new PassthroughOptions(source, true, DEFAULT_TIMEOUT, false, false, 2, false, true, false);
    }

    public PassthroughOptions withPassthrough(boolean on) {
        return new PassthroughOptions(source, on, timeout, allowOther, readOnly, workers, birthTime, ioUring, exportHandles);
    }

    public PassthroughOptions withTimeout(Duration t) {
        return new PassthroughOptions(source, passthrough, t, allowOther, readOnly, workers, birthTime, ioUring, exportHandles);
    }

    public PassthroughOptions withAllowOther(boolean on) {
        return new PassthroughOptions(source, passthrough, timeout, on, readOnly, workers, birthTime, ioUring, exportHandles);
    }

    public PassthroughOptions withWorkers(int n) {
        return new PassthroughOptions(source, passthrough, timeout, allowOther, readOnly, n, birthTime, ioUring, exportHandles);
    }

    public PassthroughOptions withBirthTime(boolean on) {
        return new PassthroughOptions(source, passthrough, timeout, allowOther, readOnly, workers, on, ioUring, exportHandles);
    }

    public PassthroughOptions withIoUring(boolean on) {
        return new PassthroughOptions(source, passthrough, timeout, allowOther, readOnly, workers, birthTime, on, exportHandles);
    }

    public PassthroughOptions withExportHandles(boolean on) {
        return new PassthroughOptions(source, passthrough, timeout, allowOther, readOnly, workers, birthTime, ioUring, on);
    }

    public PassthroughOptions withReadOnly(boolean on) {
        return new PassthroughOptions(source, passthrough, timeout, allowOther, on, workers, birthTime, ioUring, exportHandles);
    }
}
