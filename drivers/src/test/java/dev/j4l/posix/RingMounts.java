package dev.j4l.posix;

import dev.j4l.fuse.FuseMount;
import dev.j4l.kernel.FuseIoUringSwitch;
import org.junit.jupiter.api.Assumptions;

/**
 * Mounts a filesystem served through FUSE-over-io_uring: the fuse module's enable_uring is switched on for the
 * mount only (a connection that negotiated io_uring keeps it) and put back as it was.
 */
final class RingMounts {
    private RingMounts() {}

    interface Mounter {
        FuseMount<?> mount() throws Exception;
    }

    /** The mount, or a skipped test when this kernel cannot serve FUSE through io_uring. */
    static FuseMount<?> onRing(Mounter m) throws Exception {
        String was = FuseIoUringSwitch.value();
        Assumptions.assumeTrue(was != null, "this kernel has no FUSE io_uring (" + FuseIoUringSwitch.PARAMETER + ")");
        FuseIoUringSwitch.set(true);
        FuseMount<?> mount;
        try {
            mount = m.mount();
        } finally {
            FuseIoUringSwitch.set("Y".equals(was));
        }
        if (!mount.usesIoUring()) {
            mount.close();
            throw new AssertionError("mounted with enable_uring=Y but requests do not come through io_uring");
        }
        return mount;
    }
}
