package dev.j4l.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code j4l mount DRIVER ARGS...}: mounts one of the example filesystems and serves it in the foreground
 * until it is unmounted or the command gets Ctrl-C/SIGTERM (which unmounts it). The driver registry is the
 * one place that knows which drivers exist.
 */
final class MountCommand implements Main.Command {
    /** A mountable driver: parses its own arguments, mounts, and serves until unmounted. */
    interface Driver {
        String summary();

        String usage();

        int mount(String[] args) throws Exception;
    }

    static Map<String, Driver> drivers() {
        Map<String, Driver> m = new LinkedHashMap<>();
        m.put("memfs", new MemfsMountDriver());
        m.put("passthrough", new PassthroughDriver());
        return m;
    }

    @Override
    public String summary() {
        return "mount an example filesystem (" + String.join(", ", drivers().keySet()) + ") until Ctrl-C";
    }

    @Override
    public String usage() {
        StringBuilder b = new StringBuilder("usage: j4l mount DRIVER ARGS...\n\n"
                + "Mounts a j4l filesystem and serves it in the foreground; Ctrl-C or umount ends it.\n");
        drivers().forEach((name, d) -> b.append("\n").append(d.usage().stripTrailing()).append("\n"));
        return b.toString();
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("which driver? " + String.join(", ", drivers().keySet()));
        Driver d = drivers().get(args[0]);
        if (d == null) {
            throw new IllegalArgumentException("unknown driver '" + args[0] + "'; drivers: "
                    + String.join(", ", drivers().keySet()));
        }
        return d.mount(Arrays.copyOfRange(args, 1, args.length));
    }
}
