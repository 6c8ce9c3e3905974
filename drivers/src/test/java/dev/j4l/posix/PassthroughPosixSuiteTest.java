package dev.j4l.posix;

import dev.j4l.drivers.passthrough.PassthroughFs;
import dev.j4l.drivers.passthrough.PassthroughOptions;
import dev.j4l.kernel.FuseIoUringSwitch;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import dev.j4l.testkit.posix.PosixSuite;
import dev.j4l.testkit.posix.Conformance.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The POSIX suite on passthroughfs mirroring a tmpfs, with FUSE passthrough on, each case checked against a
 * plain tmpfs first. It runs on two mounts: one that lets every user in (allow_other, so the kernel checks
 * permissions), and one for the mounting user only, where passthroughfs leaves permission checks to the
 * source filesystem. The first is served through /dev/fuse, the second through FUSE-over-io_uring where the
 * kernel has it.
 */
class PassthroughPosixSuiteTest {
    /** Cases passthroughfs is known to fail, and why; each still runs, so the list only shrinks. */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.of();

    @RegisterExtension
    final TempMounts mounts = new TempMounts("j4l-passthrough-");

    @TestFactory
    Stream<DynamicTest> passthroughMatchesTmpfs() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        // allow_other: some cases run as nobody; what they create must be theirs, as on tmpfs.
        mounts.closeAfter(PassthroughFs.mount(mnt,
                PassthroughOptions.of(mounts.tmpfs("1g")).withAllowOther(true).withIoUring(false)));
        return PosixSuite.differential(mounts.tmpfs("1g"), List.of(Target.of("passthroughfs", mnt)),
                KNOWN_DIFFERENCES);
    }

    @TestFactory
    Stream<DynamicTest> singleUserPassthroughMatchesTmpfs() throws Exception {
        Needs.fuse();
        Path own = mounts.dir("own");
        PassthroughOptions single = PassthroughOptions.of(mounts.tmpfs("1g"));
        mounts.closeAfter(FuseIoUringSwitch.value() != null
                ? RingMounts.onRing(() -> PassthroughFs.mount(own, single))
                : PassthroughFs.mount(own, single.withIoUring(false)));
        return PosixSuite.differential(mounts.tmpfs("1g"), List.of(Target.ownerOnly("single-user passthroughfs", own)),
                KNOWN_DIFFERENCES);
    }
}
