package dev.j4l.cli;

import dev.j4l.drivers.hello.HelloFs;
import dev.j4l.fuse.FuseMount;
import java.nio.file.Path;
import java.util.Map;

/** {@code j4l mount hello MOUNTPOINT}: hello, the first example driver (one read-only file). */
final class HelloMountCommand implements MountCommand.Subcommand {
    @Override
    public String summary() {
        return "one read-only file, /hello: the smallest example driver";
    }

    @Override
    public String usage() {
        return """
                j4l mount hello MOUNTPOINT
                  A read-only filesystem holding one file, hello (dev.j4l.drivers.hello.HelloFs, the first
                  example driver to read).
                """;
    }

    @Override
    public Map<String, Boolean> options() {
        return Map.of();
    }

    @Override
    public MountCommand.Mounted mount(String[] args, MountCommand.Transport transport, MountOptionList options)
            throws Exception {
        if (args.length != 1 || args[0].startsWith("-")) {
            throw new IllegalArgumentException("needs MOUNTPOINT and nothing else (see --help)");
        }
        Path mountpoint = Path.of(args[0]).toAbsolutePath().normalize();
        FuseMount<HelloFs.Node> mount = FuseMount.mount(mountpoint, new HelloFs(),
                options.applyTo(HelloFs.mountOptions().toBuilder().ioUring(transport.useRing()).build()));
        return new MountCommand.Mounted(mount, "hello mounted at " + mount.mountpoint());
    }
}
