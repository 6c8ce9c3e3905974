package dev.j4l.cli;

import dev.j4l.drivers.hello.HelloFs;
import dev.j4l.fuse.FuseMount;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code j4l mount hello MOUNTPOINT}: hello, the first example driver (one read-only file). */
@Command(name = "hello", description = {"One read-only file, /hello: the smallest example driver"
        + " (dev.j4l.drivers.hello.HelloFs, the first example driver to read)."},
        footer = MountCommand.FOOTER)
final class HelloMountCommand extends MountCommand.Driver {
    @Parameters(paramLabel = "MOUNTPOINT", description = "an empty directory")
    Path mountpoint;

    @Override
    Map<String, Boolean> options() {
        return Map.of();
    }

    @Override
    MountCommand.Mounted mount(MountCommand.Transport transport, MountOptionList options) throws Exception {
        FuseMount<HelloFs.Node> mount = FuseMount.mount(mountpoint.toAbsolutePath().normalize(), new HelloFs(),
                options.applyTo(HelloFs.mountOptions().toBuilder().ioUring(transport.useRing()).build()));
        return new MountCommand.Mounted(mount, "hello mounted at " + mount.mountpoint());
    }
}
