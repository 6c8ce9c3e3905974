package dev.j4l.cli;

import dev.j4l.drivers.passthrough.Node;
import dev.j4l.drivers.passthrough.PassthroughFs;
import dev.j4l.drivers.passthrough.PassthroughOptions;
import dev.j4l.fuse.FuseMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code j4l mount passthrough}: passthroughfs, a mirror of a host directory. */
@Command(name = "passthrough", description = {"A mirror of a host directory.", "",
        "Mirrors the directory SOURCE at MOUNTPOINT (passthroughfs). Every operation stays beneath SOURCE; with FUSE"
                + " passthrough (Linux 6.9+, root) open files are served by the kernel from the source files directly."
                + " --allow-other and --read-only are -o allow_other and -o ro."},
        footer = MountCommand.FOOTER)
final class PassthroughMountCommand extends MountCommand.Driver {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "the directory to mirror")
    Path sourceDir;

    @Parameters(index = "1", paramLabel = "MOUNTPOINT", description = "an empty directory outside SOURCE")
    Path mountpointDir;

    @Option(names = "--no-passthrough", description = "serve reads and writes in the daemon (with the kernel's"
            + " writeback cache)")
    boolean noPassthrough;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = {"how long the kernel caches names,"
            + " attributes and data (default 86400, as passthrough_hp: right when only the mount writes SOURCE; use 1"
            + " or 0 when other processes change SOURCE directly)"})
    Double timeoutSeconds;

    @Option(names = "--allow-other", description = "let every user in (files they create are theirs; the kernel"
            + " checks access)")
    boolean allowOther;

    @Option(names = "--read-only", description = "mount read-only")
    boolean readOnly;

    @Option(names = "--workers", paramLabel = "N", description = "threads serving requests (default 2)")
    int workers = 2;

    @Option(names = "--birth-time", description = "serve statx with birth times (costs a round trip per such stat:"
            + " the kernel does not cache them)")
    boolean birthTime;

    @Option(names = "--export", description = "file handles (name_to_handle_at, NFS export) survive the kernel's"
            + " cache (slows listing big directories)")
    boolean exportHandles;

    @Override
    Map<String, Boolean> options() {
        return Map.of("no_passthrough", false, "timeout", true, "workers", true, "birth_time", false,
                "export", false);
    }

    @Override
    MountCommand.Mounted mount(MountCommand.Transport transport, MountOptionList dashO) throws Exception {
        boolean passthrough = !noPassthrough;
        Duration timeout = timeoutSeconds == null ? PassthroughOptions.DEFAULT_TIMEOUT
                : Duration.ofMillis(Math.round(timeoutSeconds * 1000));
        if (timeout.isNegative()) throw new IllegalArgumentException("--timeout must not be negative");
        Path source = sourceDir.toAbsolutePath().normalize();
        Path mountpoint = mountpointDir.toAbsolutePath().normalize();
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
