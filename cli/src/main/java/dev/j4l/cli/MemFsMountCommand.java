package dev.j4l.cli;

import dev.j4l.drivers.memfs.MemFsDriver;
import dev.j4l.drivers.memfs.Node;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** {@code j4l mount memfs DIR [--size SIZE]}: memfs, the in-memory filesystem. */
final class MemFsMountCommand implements MountCommand.Subcommand {
    /** Heap kept free besides the data: inode objects, request buffers, garbage collection headroom. */
    static final long HEAP_OVERHEAD = 96L << 20;

    @Override
    public String summary() {
        return "in-memory POSIX filesystem (data lives in the Java heap; lost at unmount)";
    }

    @Override
    public String usage() {
        return """
                j4l mount memfs MOUNTPOINT [--size SIZE] [--page-cache] [--workers N] [--export]
                  (or as -o size=SIZE,page_cache,workers=N,export)
                  An empty in-memory POSIX filesystem at MOUNTPOINT (files, hard links, symlinks, xattrs, locks,
                  sparse files). Everything is lost at unmount. Other users may enter; the modes decide what
                  they may do (the kernel checks them).
                  --size SIZE   limit for data and metadata, e.g. 512M, 1G (powers of 1024); writes beyond it
                                fail with ENOSPC. Default: half of the Java heap. The heap must hold SIZE:
                                raise it with J4L_JAVA_OPTS=-Xmx... when told to.
                  --page-cache  let the kernel cache file data too: faster re-reads, but data is held twice
                  --workers N   threads serving requests (default: the number of CPUs, 2 to 8)
                  --export      file handles (name_to_handle_at, NFS export) survive the kernel's cache
                                (costs metadata work about a tenth)
                """;
    }

    @Override
    public Map<String, Boolean> options() {
        return Map.of("size", true, "page_cache", false, "workers", true, "export", false);
    }

    @Override
    public MountCommand.Mounted mount(String[] args, MountCommand.Transport transport, MountOptionList options)
            throws Exception {
        FuseMount<Node> mount = mountFromArgs(args, transport, options);
        return new MountCommand.Mounted(mount, "memfs mounted at " + mount.mountpoint());
    }

    static FuseMount<Node> mountFromArgs(String[] args) throws Exception {
        return mountFromArgs(args, MountCommand.Transport.AUTO, MountOptionList.none());
    }

    static FuseMount<Node> mountFromArgs(String[] args, MountCommand.Transport transport, MountOptionList dashO)
            throws Exception {
        String dir = null;
        Long size = null;
        boolean pageCache = false;
        boolean exportHandles = false;
        int workers = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--page-cache")) {
                pageCache = true;
            } else if (a.equals("--export")) {
                exportHandles = true;
            } else if (a.equals("--workers")) {
                if (i + 1 >= args.length) throw new IllegalArgumentException("--workers needs a number");
                try {
                    workers = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    workers = -1;
                }
                if (workers < 1 || workers > 256) throw new IllegalArgumentException("--workers must be 1..256");
            } else if (a.equals("--size")) {
                if (i + 1 >= args.length) throw new IllegalArgumentException("--size needs a value, e.g. --size 1G");
                size = parseSize(args[++i]);
            } else if (a.startsWith("--size=")) {
                size = parseSize(a.substring("--size=".length()));
            } else if (a.startsWith("-")) {
                throw new IllegalArgumentException("unknown option " + a + " (see --help)");
            } else if (dir == null) {
                dir = a;
            } else {
                throw new IllegalArgumentException("memfs takes one directory, got '" + dir + "' and '" + a + "'");
            }
        }
        if (dir == null) throw new IllegalArgumentException("needs MOUNTPOINT (see --help)");
        // Not a directory, already mounted, or a stale mount of a killed daemon (cleaned up): the framework
        // checks the mountpoint and names the problem. notExists is false for a stale mount (ENOTCONN).
        Path mountpoint = Path.of(dir).toAbsolutePath().normalize();
        if (java.nio.file.Files.notExists(mountpoint)) {
            throw new IllegalArgumentException("mountpoint " + mountpoint + " does not exist (create it: mkdir -p "
                    + mountpoint + ")");
        }
        long maxHeap = Runtime.getRuntime().maxMemory();
        long limit = size != null ? size : Math.max(1L << 20, (maxHeap - HEAP_OVERHEAD) / 2);
        checkHeap(limit, maxHeap);
        MountOptions options = MemFsDriver.mountOptions();
        if (workers > 0) options = options.toBuilder().workers(workers).build();
        options = dashO.applyTo(options.toBuilder().ioUring(transport.useRing()).build());
        return MemFsDriver.mount(mountpoint, limit, options, pageCache, exportHandles);
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
