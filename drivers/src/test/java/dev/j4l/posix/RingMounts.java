package dev.j4l.posix;

import dev.j4l.fuse.FuseMount;
import dev.j4l.kernel.FuseIoUringSwitch;
import org.junit.jupiter.api.Assumptions;

/**
 * Mounts a filesystem served through FUSE-over-io_uring ({@link FuseIoUringSwitch#whileOn}: the fuse module's
 * enable_uring is on for the mount only).
 */
final class RingMounts {
    private RingMounts() {}

    interface Mounter {
        FuseMount<?> mount() throws Exception;
    }

    /** The mount, or a skipped test when this kernel cannot serve FUSE through io_uring. */
    static FuseMount<?> onRing(Mounter m) throws Exception {
        Assumptions.assumeTrue(FuseIoUringSwitch.value() != null,
                "this kernel has no FUSE io_uring (" + FuseIoUringSwitch.PARAMETER + ")");
        FuseMount<?> mount = FuseIoUringSwitch.whileOn(m::mount);
        if (!mount.usesIoUring()) {
            mount.close();
            throw new AssertionError("mounted with enable_uring=Y but requests do not come through io_uring");
        }
        return mount;
    }
}
