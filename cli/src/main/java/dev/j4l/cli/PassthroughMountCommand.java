package dev.j4l.cli;

import dev.j4l.drivers.passthrough.Node;
import dev.j4l.drivers.passthrough.PassthroughFs;
import dev.j4l.drivers.passthrough.PassthroughOptions;
import dev.j4l.fuse.FuseMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code j4l mount passthrough}: passthroughfs, a mirror of a host directory. */
final class PassthroughMountCommand implements MountCommand.Subcommand {
    @Override
    public String summary() {
        return "mirror of a host directory";
    }

    @Override
    public String usage() {
        return """
                j4l mount passthrough [OPTIONS] SOURCE MOUNTPOINT
                  (options also as -o no_passthrough,timeout=S,workers=N,birth_time,export; --allow-other
                  and --read-only are -o allow_other and -o ro)
                  Mirrors the directory SOURCE at MOUNTPOINT (passthroughfs). Every operation stays beneath
                  SOURCE; with FUSE passthrough (Linux 6.9+, root) open files are served by the kernel from
                  the source files directly.
                  --no-passthrough   serve reads and writes in the daemon (with the kernel's writeback cache)
                  --timeout SECONDS  how long the kernel caches names, attributes and data (default 86400,
                                     as passthrough_hp: right when only the mount writes SOURCE; use 1 or 0
                                     when other processes change SOURCE directly)
                  --allow-other      let every user in (files they create are theirs; the kernel checks access)
                  --read-only        mount read-only
                  --workers N        threads serving requests (default 2)
                  --birth-time       serve statx with birth times (costs a round trip per such stat:
                                     the kernel does not cache them)
                  --export           file handles (name_to_handle_at, NFS export) survive the kernel's
                                     cache (slows listing big directories)
                """;
    }

    @Override
    public Map<String, Boolean> options() {
        return Map.of("no_passthrough", false, "timeout", true, "workers", true, "birth_time", false,
                "export", false);
    }

    @Override
    public MountCommand.Mounted mount(String[] args, MountCommand.Transport transport, MountOptionList dashO)
            throws Exception {
        boolean passthrough = true, allowOther = false, readOnly = false;
        int workers = 2;
        boolean birthTime = false;
        boolean exportHandles = false;
        Duration timeout = PassthroughOptions.DEFAULT_TIMEOUT;
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--no-passthrough" -> passthrough = false;
                case "--allow-other" -> allowOther = true;
                case "--read-only" -> readOnly = true;
                case "--birth-time" -> birthTime = true;
                case "--export" -> exportHandles = true;
                case "--workers" -> {
                    if (++i >= args.length) throw new IllegalArgumentException("--workers needs N");
                    try {
                        workers = Integer.parseInt(args[i]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--workers needs a number, got '" + args[i] + "'");
                    }
                }
                case "--timeout" -> {
                    if (++i >= args.length) throw new IllegalArgumentException("--timeout needs SECONDS");
                    try {
                        timeout = Duration.ofMillis(Math.round(Double.parseDouble(args[i]) * 1000));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--timeout needs SECONDS, got '" + args[i] + "'");
                    }
                    if (timeout.isNegative()) throw new IllegalArgumentException("--timeout must not be negative");
                }
                default -> {
                    if (a.startsWith("-")) throw new IllegalArgumentException("unknown option " + a + " (see --help)");
                    paths.add(a);
                }
            }
        }
        if (paths.size() != 2) throw new IllegalArgumentException("needs SOURCE and MOUNTPOINT (see --help)");
        Path source = Path.of(paths.get(0)).toAbsolutePath().normalize();
        Path mountpoint = Path.of(paths.get(1)).toAbsolutePath().normalize();
        if (!Files.isDirectory(source)) throw new IllegalArgumentException(source + " is not a directory");
        if (mountpoint.startsWith(source)) {
            // The daemon would look itself up through its own mount and wait for itself.
            throw new IllegalArgumentException("the mount point " + mountpoint + " must not be inside " + source);
        }
        // allow_other and ro shape passthroughfs itself (who may enter decides who checks permissions).
        PassthroughOptions o = new PassthroughOptions(source, passthrough, timeout, dashO.allowOther(allowOther),
                dashO.readOnly(readOnly), workers, birthTime, transport.useRing(), exportHandles);
        PassthroughFs fs = new PassthroughFs(o);
        FuseMount<Node> mount = FuseMount.mount(mountpoint, fs, dashO.applyTo(fs.mountOptions()));
        return new MountCommand.Mounted(mount, "mirroring " + source + " at " + mountpoint + " (passthrough "
                + (fs.passthroughActive() ? "on" : "off") + ")");
    }
}
