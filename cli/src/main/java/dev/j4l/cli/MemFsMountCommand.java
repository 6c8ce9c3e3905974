package dev.j4l.cli;

import dev.j4l.drivers.memfs.MemFsDriver;
import dev.j4l.drivers.memfs.Node;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code j4l mount memfs DIR [--size SIZE]}: memfs, the in-memory filesystem. */
@Command(name = "memfs", description = {"In-memory POSIX filesystem (data lives in the Java heap; lost at unmount).",
        "", "An empty in-memory POSIX filesystem at MOUNTPOINT (files, hard links, symlinks, xattrs, locks, sparse"
                + " files). Everything is lost at unmount. Other users may enter; the modes decide what they may do"
                + " (the kernel checks them)."},
        footer = MountCommand.FOOTER)
final class MemFsMountCommand extends MountCommand.Driver {
    /** Heap kept free besides the data: inode objects, request buffers, garbage collection headroom. */
    static final long HEAP_OVERHEAD = 96L << 20;

    @Parameters(paramLabel = "MOUNTPOINT", description = "an empty directory")
    Path dir;

    @Option(names = "--size", paramLabel = "SIZE", converter = Units.Size.class, description = {"limit for data and"
            + " metadata, e.g. 512M, 1G (powers of 1024); writes beyond it fail with ENOSPC. Default: half of the"
            + " Java heap. The heap must hold SIZE: raise it with J4L_JAVA_OPTS=-Xmx... when told to."})
    Long size;

    @Option(names = "--page-cache", description = "let the kernel cache file data too: faster re-reads, but data is"
            + " held twice")
    boolean pageCache;

    @Option(names = "--workers", paramLabel = "N", description = "threads serving requests (default: the number of"
            + " CPUs, 2 to 8)")
    Integer workers;

    @Option(names = "--export", description = "file handles (name_to_handle_at, NFS export) survive the kernel's"
            + " cache (costs metadata work about a tenth)")
    boolean exportHandles;

    @Override
    Map<String, Boolean> options() {
        return Map.of("size", true, "page_cache", false, "workers", true, "export", false);
    }

    @Override
    MountCommand.Mounted mount(MountCommand.Transport transport, MountOptionList dashO) throws Exception {
        if (workers != null && (workers < 1 || workers > 256)) {
            throw new IllegalArgumentException("--workers must be 1..256");
        }
        // Not a directory, already mounted, or a stale mount of a killed daemon (cleaned up): the framework
        // checks the mountpoint and names the problem. notExists is false for a stale mount (ENOTCONN).
        Path mountpoint = dir.toAbsolutePath().normalize();
        if (java.nio.file.Files.notExists(mountpoint)) {
            throw new IllegalArgumentException("mountpoint " + mountpoint + " does not exist (create it: mkdir -p "
                    + mountpoint + ")");
        }
        long maxHeap = Runtime.getRuntime().maxMemory();
        long limit = size != null ? size : Math.max(1L << 20, (maxHeap - HEAP_OVERHEAD) / 2);
        checkHeap(limit, maxHeap);
        MountOptions options = MemFsDriver.mountOptions();
        if (workers != null) options = options.toBuilder().workers(workers).build();
        options = dashO.applyTo(options.toBuilder().ioUring(transport.useRing()).build());
        FuseMount<Node> mount = MemFsDriver.mount(mountpoint, limit, options, pageCache, exportHandles);
        return new MountCommand.Mounted(mount, "memfs mounted at " + mount.mountpoint());
    }

    /** A size limit the heap cannot hold would end in OutOfMemoryError instead of ENOSPC: refuse it up front. */
    static void checkHeap(long limit, long maxHeap) {
        long need = limit + limit / 8 + HEAP_OVERHEAD;
        if (need > maxHeap) {
            long suggestGiB = (need + (1L << 30) - 1) >> 30;
            throw new IllegalArgumentException("--size " + human(limit) + " does not fit this JVM's heap ("
                    + human(maxHeap) + "; memfs needs about " + human(need) + "). Run with J4L_JAVA_OPTS=-Xmx"
                    + suggestGiB + "g, or choose a smaller --size.");
        }
    }

    static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        if (t.endsWith("I")) t = t.substring(0, t.length() - 1); // accept GiB-style
        long mult = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                case 'T' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t);
            if (!(v > 0) || v * mult >= Long.MAX_VALUE) throw new NumberFormatException();
            return (long) (v * mult);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad size '" + s + "': use e.g. 512M, 1G or 1.5G");
        }
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1fG", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.0fM", bytes / (double) (1L << 20));
        return bytes + "B";
    }
}
