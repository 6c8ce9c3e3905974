package dev.j4l.posix;

import dev.j4l.drivers.memfs.MemFsDriver;
import dev.j4l.fuse.FuseMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The POSIX suite on kernel tmpfs (the reference) and on memfs, case by case: each case runs on tmpfs first
 * and must pass there (otherwise it is skipped as a broken case), then must pass on memfs too, both without
 * the kernel's page cache (the default) and with it, and served through FUSE-over-io_uring.
 */
class PosixSuiteTest {
    /**
     * Cases memfs is known to fail, and why. Each still runs: a known difference that starts passing is
     * reported as a pass, so this list only shrinks.
     */
    static final java.util.Map<String, String> KNOWN_DIFFERENCES = PosixCases.FUSE_FRAMEWORK_LIMITS;

    private static TmpfsMount tmpfs;
    private static Path memfsBase;
    private static FuseMount<?> memfs;
    private static FuseMount<?> memfsPageCache;
    private static FuseMount<?> memfsRing;

    @BeforeAll
    static void mount() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(Py.PYTHON)), "needs " + Py.PYTHON);
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
        tmpfs = new TmpfsMount("2g");
        memfsBase = TmpfsMount.worldTraversableTempDir("j4l-memfs-");
        Path mnt = Files.createDirectory(memfsBase.resolve("mnt"));
        memfs = MemFsDriver.mount(mnt, 2L << 30);
        Path mnt2 = Files.createDirectory(memfsBase.resolve("mnt-cached"));
        memfsPageCache = MemFsDriver.mount(mnt2, 2L << 30, MemFsDriver.mountOptions().toBuilder().ioUring(false).build(),
                true);
        Path mnt3 = Files.createDirectory(memfsBase.resolve("mnt-ring"));
        if (dev.j4l.kernel.FuseIoUringSwitch.value() != null) {
            memfsRing = RingMounts.onRing(() -> MemFsDriver.mount(mnt3, 2L << 30,
                    MemFsDriver.mountOptions().toBuilder().ioUring(true).build(), false));
        }
    }

    @AfterAll
    static void unmount() throws Exception {
        try {
            if (memfs != null) memfs.close();
            if (memfsPageCache != null) memfsPageCache.close();
            if (memfsRing != null) memfsRing.close();
            if (memfsBase != null) {
                Files.deleteIfExists(memfsBase.resolve("mnt"));
                Files.deleteIfExists(memfsBase.resolve("mnt-cached"));
                Files.deleteIfExists(memfsBase.resolve("mnt-ring"));
                Files.deleteIfExists(memfsBase);
            }
        } finally {
            if (tmpfs != null) tmpfs.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> memfsMatchesTmpfs() {
        return PosixCases.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path ref = Files.createDirectory(tmpfs.root().resolve(c.name()));
            try {
                c.run(ref);
            } catch (Throwable t) {
                Assumptions.abort("the reference tmpfs fails this case too: " + t.getMessage());
            }
            for (FuseMount<?> m : new FuseMount<?>[] {memfs, memfsPageCache, memfsRing}) {
                if (m == null) continue; // no FUSE io_uring in this kernel
                String variant = m == memfs ? "memfs" : m == memfsPageCache ? "memfs --page-cache" : "memfs on io_uring";
                try {
                    c.run(Files.createDirectory(m.mountpoint().resolve(c.name())));
                } catch (Throwable t) {
                    String known = KNOWN_DIFFERENCES.get(c.name());
                    if (known != null) Assumptions.abort("known difference from tmpfs: " + known);
                    throw new AssertionError(variant + " fails " + c.name() + " (tmpfs passes): " + t.getMessage(), t);
                }
            }
        }));
    }
}
