package dev.j4l.cli;

import dev.j4l.drivers.nio.NioFs;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.path.PathFilesystem;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code j4l mount nio URI MOUNTPOINT}: any java.nio.file FileSystem, through the path API. */
@Command(name = "nio", description = {"A java.nio.file FileSystem by URI (zip:/path/a.zip, jar:file:..., any"
        + " installed provider).", "",
        "Serves a JSR-203 filesystem (dev.j4l.drivers.nio.NioFs, on the path API): zip:PATH is the JDK's zip"
                + " filesystem on the archive PATH (created when missing; written back at unmount), any other URI goes"
                + " to the provider installed for its scheme."},
        footer = MountCommand.FOOTER)
final class NioMountCommand extends MountCommand.Driver {
    @Parameters(index = "0", paramLabel = "URI", description = "the filesystem")
    String uri;

    @Parameters(index = "1", paramLabel = "MOUNTPOINT", description = "an empty directory")
    Path mountpoint;

    @Option(names = "--read-only", description = "mount read-only (-o read_only)")
    boolean readOnly;

    @Override
    Map<String, Boolean> options() {
        return Map.of("read_only", false);
    }

    @Override
    MountCommand.Mounted mount(MountCommand.Transport transport, MountOptionList options) throws Exception {
        NioFs fs = NioFs.open(uri, readOnly);
        try {
            FuseMount<?> mount = FuseMount.mount(mountpoint.toAbsolutePath().normalize(), PathFilesystem.inodes(fs),
                    options.applyTo(fs.mountOptions().toBuilder().readOnly(readOnly).ioUring(transport.useRing()).build()));
            return new MountCommand.Mounted(mount, uri + " mounted at " + mount.mountpoint());
        } catch (Exception | Error e) {
            fs.destroy(); // the session never started: close the filesystem here
            throw e;
        }
    }
}
