package dev.j4l.fuse;

import java.nio.file.Path;

/** A daemon in a child JVM for tests that kill it: mounts HelloFs at args[0], says READY, waits forever. */
public final class ChildDaemon {
    private ChildDaemon() {}

    public static void main(String[] args) throws Exception {
        FuseMount<HelloFs.Node> m = FuseMount.mount(Path.of(args[0]), new HelloFs(),
                MountOptions.builder().subtype("j4lchild").build());
        System.out.println("READY " + m.connection());
        System.out.flush();
        m.awaitUnmount();
    }
}
