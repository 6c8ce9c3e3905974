package dev.j4l.fuse;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A daemon in a child JVM for tests that kill it or run it as another user: mounts OneFileFs at args[0], says
 * READY (after reading its own file, with "selfcheck") with its connection and transport ("iouring" asks for
 * FUSE-over-io_uring), and serves until unmounted or killed.
 */
public final class ChildDaemon {
    private ChildDaemon() {}

    public static void main(String[] args) throws Exception {
        boolean auto = java.util.Arrays.asList(args).contains("autounmount");
        boolean ring = java.util.Arrays.asList(args).contains("iouring");
        FuseMount<OneFileFs.Node> m = FuseMount.mount(Path.of(args[0]), new OneFileFs(),
                MountOptions.builder().subtype("j4lchild").autoUnmount(auto).ioUring(ring).build());
        if (args.length > 1 && args[1].equals("selfcheck")) {
            System.out.println("READ " + Files.readString(m.mountpoint().resolve("file")).trim());
        }
        System.out.println("READY " + m.connection() + (m.usesIoUring() ? " io_uring" : " /dev/fuse"));
        System.out.flush();
        m.awaitUnmount();
    }
}
