package dev.j4l.posix;

import dev.j4l.drivers.passthrough.PassthroughFs;
import dev.j4l.drivers.passthrough.PassthroughOptions;
import dev.j4l.fuse.FuseMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The POSIX suite on passthroughfs mirroring a tmpfs, with FUSE passthrough on, each case checked first on a
 * plain tmpfs (the reference): a case the reference fails is skipped, one it passes must pass here too. It runs
 * on two mounts: one that lets every user in (allow_other, so the kernel checks permissions), and one for the
 * mounting user only, where passthroughfs leaves permission checks to the source filesystem. The first is
 * served through /dev/fuse, the second through FUSE-over-io_uring where the kernel has it.
 */
class PassthroughPosixSuiteTest {
    /** Cases passthroughfs is known to fail, and why; each still runs, so the list only shrinks. */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.of();

    private static TmpfsMount reference;
    private static TmpfsMount source;
    private static Path base;
    private static FuseMount<?> mirror;
    private static TmpfsMount ownSource;
    private static FuseMount<?> ownMirror;

    @BeforeAll
    static void mount() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(Py.PYTHON)), "needs " + Py.PYTHON);
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
        reference = new TmpfsMount("1g");
        source = new TmpfsMount("1g");
        base = TmpfsMount.worldTraversableTempDir("j4l-passthrough-");
        Path mnt = Files.createDirectory(base.resolve("mnt"));
        // allow_other: some cases run as nobody; what they create must be theirs, as on tmpfs.
        mirror = PassthroughFs.mount(mnt, PassthroughOptions.of(source.root()).withAllowOther(true).withIoUring(false));
        ownSource = new TmpfsMount("1g");
        Path own = Files.createDirectory(base.resolve("own"));
        PassthroughOptions single = PassthroughOptions.of(ownSource.root());
        ownMirror = dev.j4l.kernel.FuseIoUringSwitch.value() != null
                ? RingMounts.onRing(() -> PassthroughFs.mount(own, single))
                : PassthroughFs.mount(own, single.withIoUring(false));
    }

    @AfterAll
    static void unmount() throws Exception {
        try {
            if (mirror != null) mirror.close();
            if (ownMirror != null) ownMirror.close();
            if (ownSource != null) ownSource.close();
            if (base != null) {
                Files.deleteIfExists(base.resolve("mnt"));
                Files.deleteIfExists(base.resolve("own"));
                Files.deleteIfExists(base);
            }
        } finally {
            try {
                if (source != null) source.close();
            } finally {
                if (reference != null) reference.close();
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> passthroughMatchesTmpfs() {
        return suite(mirror, "", false);
    }

    @TestFactory
    Stream<DynamicTest> singleUserPassthroughMatchesTmpfs() {
        return suite(ownMirror, "own-", true);
    }

    private static Stream<DynamicTest> suite(FuseMount<?> mirror, String prefix, boolean ownerOnly) {
        return PosixCases.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path ref = Files.createDirectory(reference.root().resolve(prefix + c.name()));
            int nobodyRuns = Py.NOBODY_RUNS.get();
            try {
                c.run(ref);
            } catch (Throwable t) {
                Assumptions.abort("the reference tmpfs fails this case too: " + t.getMessage());
            }
            if (ownerOnly && Py.NOBODY_RUNS.get() != nobodyRuns) {
                Assumptions.abort("acts as a second user, whom a mount without allow_other does not let in");
            }
            try {
                c.run(Files.createDirectory(mirror.mountpoint().resolve(c.name())));
            } catch (Throwable t) {
                String known = KNOWN_DIFFERENCES.getOrDefault(c.name(), PosixCases.FUSE_FRAMEWORK_LIMITS.get(c.name()));
                if (known != null) Assumptions.abort("known difference from tmpfs: " + known);
                throw new AssertionError("passthroughfs fails " + c.name() + " (tmpfs passes): " + t.getMessage(), t);
            }
        }));
    }
}
