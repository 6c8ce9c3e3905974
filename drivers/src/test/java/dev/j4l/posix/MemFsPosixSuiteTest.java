package dev.j4l.posix;

import dev.j4l.drivers.memfs.MemFsDriver;
import dev.j4l.kernel.FuseIoUringSwitch;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import dev.j4l.testkit.posix.PosixSuite;
import dev.j4l.testkit.posix.Conformance.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The POSIX suite on memfs, each case checked against kernel tmpfs first: without the kernel's page cache
 * (the default), with it, and served through FUSE-over-io_uring where the kernel has it.
 */
class MemFsPosixSuiteTest {
    /**
     * Cases memfs is known to fail, and why. Each still runs: a known difference that starts passing is
     * reported as a pass, so this list only shrinks.
     */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.of();

    private static final long SIZE = 2L << 30;

    @RegisterExtension
    final TempMounts mounts = new TempMounts("j4l-memfs-");

    @TestFactory
    Stream<DynamicTest> memfsMatchesTmpfs() throws Exception {
        Needs.fuse();
        List<Target> targets = new ArrayList<>();
        Path plain = mounts.dir("memfs");
        mounts.closeAfter(MemFsDriver.mount(plain, SIZE));
        targets.add(Target.of("memfs", plain));
        Path cached = mounts.dir("memfs-page-cache");
        mounts.closeAfter(MemFsDriver.mount(cached, SIZE,
                MemFsDriver.mountOptions().toBuilder().ioUring(false).build(), true));
        targets.add(Target.of("memfs --page-cache", cached));
        if (FuseIoUringSwitch.value() != null) {
            Path ring = mounts.dir("memfs-ring");
            mounts.closeAfter(RingMounts.onRing(() -> MemFsDriver.mount(ring, SIZE,
                    MemFsDriver.mountOptions().toBuilder().ioUring(true).build(), false)));
            targets.add(Target.of("memfs on io_uring", ring));
        }
        return PosixSuite.differential(mounts.tmpfs("2g"), targets, KNOWN_DIFFERENCES);
    }
}
