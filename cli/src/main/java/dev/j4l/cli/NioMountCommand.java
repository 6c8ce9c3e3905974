package dev.j4l.cli;

import dev.j4l.drivers.nio.NioFs;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.path.PathFilesystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code j4l mount nio URI MOUNTPOINT}: any java.nio.file FileSystem, through the path API. */
final class NioMountCommand implements MountCommand.Subcommand {
    @Override
    public String summary() {
        return "a java.nio.file FileSystem by URI (zip:/path/a.zip, jar:file:..., any installed provider)";
    }

    @Override
    public String usage() {
        return """
                j4l mount nio [--read-only] URI MOUNTPOINT
                  Serves a JSR-203 filesystem (dev.j4l.drivers.nio.NioFs, on the path API): zip:PATH is the
                  JDK's zip filesystem on the archive PATH (created when missing; written back at unmount),
                  any other URI goes to the provider installed for its scheme.
                """;
    }

    @Override
    public Map<String, Boolean> options() {
        return Map.of("read_only", false);
    }

    @Override
    public MountCommand.Mounted mount(String[] args, MountCommand.Transport transport, MountOptionList options)
            throws Exception {
        boolean readOnly = false;
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--read-only")) readOnly = true;
            else if (a.startsWith("-")) throw new IllegalArgumentException("unknown option " + a + " (see --help)");
            else rest.add(a);
        }
        if (rest.size() != 2) throw new IllegalArgumentException("needs URI and MOUNTPOINT (see --help)");
        Path mountpoint = Path.of(rest.get(1)).toAbsolutePath().normalize();
        NioFs fs = NioFs.open(rest.get(0), readOnly);
        try {
            FuseMount<?> mount = FuseMount.mount(mountpoint, PathFilesystem.inodes(fs), options.applyTo(
                    fs.mountOptions().toBuilder().readOnly(readOnly).ioUring(transport.useRing()).build()));
            return new MountCommand.Mounted(mount, rest.get(0) + " mounted at " + mount.mountpoint());
        } catch (Exception | Error e) {
            fs.destroy(); // the session never started: close the filesystem here
            throw e;
        }
    }
}
