package dev.j4l.cli;

import dev.j4l.drivers.nio.NioFs;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.path.PathFilesystem;
import java.nio.file.Path;

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
    public int mount(String[] args, MountCommand.Transport transport) throws Exception {
        boolean readOnly = false;
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (String a : args) {
            if (a.equals("--read-only")) readOnly = true;
            else if (a.startsWith("-")) throw new IllegalArgumentException("unknown option " + a + " (see --help)");
            else rest.add(a);
        }
        if (rest.size() != 2) throw new IllegalArgumentException("needs URI and MOUNTPOINT (see --help)");
        Path mountpoint = Path.of(rest.get(1)).toAbsolutePath().normalize();
        NioFs fs = NioFs.open(rest.get(0), readOnly);
        try (FuseMount<?> mount = FuseMount.mount(mountpoint, PathFilesystem.inodes(fs),
                fs.mountOptions().toBuilder().readOnly(readOnly).ioUring(transport.useRing()).build())) {
            System.err.println("j4l: " + rest.get(0) + " mounted at " + mount.mountpoint() + " (requests through "
                    + MountCommand.Transport.describe(mount) + "); Ctrl-C or umount to stop");
            mount.awaitUnmount();
        } finally {
            fs.destroy(); // closes the filesystem (writing a zip archive) if the session did not already
        }
        return 0;
    }
}
