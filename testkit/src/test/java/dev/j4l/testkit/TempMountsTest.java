package dev.j4l.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Capabilities;
import dev.j4l.kernel.MountTable;
import dev.j4l.kernel.Mounts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Mounts made for a test are gone after it, whatever happened in it. */
class TempMountsTest {
    @Test
    void aFailingTestsBusyMountIsDetachedAndItsDirectoryRemoved() throws Exception {
        Needs.capabilities(Capabilities.CAP_SYS_ADMIN);
        TestExecutionSummary summary = runFixture(FailingMountFixture.class);
        assertEquals(1, summary.getTestsFailedCount(), "the fixture's test should have failed");
        assertTrue(summary.getFailures().getFirst().getException().getMessage().contains("on purpose"));
        assertNotNull(FailingMountFixture.mountpoint);
        try {
            assertFalse(MountTable.isMountPoint(FailingMountFixture.mountpoint), "still mounted after a failed test");
            assertFalse(Files.exists(FailingMountFixture.mountpoint), "mount point left behind");
            // Detached, not gone: the file the test left open still reads.
            ByteBuffer b = ByteBuffer.allocate(16);
            int n = FailingMountFixture.open.read(b, 0);
            assertEquals("kept open", new String(b.array(), 0, n, StandardCharsets.UTF_8));
        } finally {
            FailingMountFixture.open.close();
        }
    }

    @Test
    void aStaticExtensionKeepsBeforeAllMountsUntilTheClassEnds() throws Exception {
        Needs.capabilities(Capabilities.CAP_SYS_ADMIN);
        TestExecutionSummary summary = runFixture(ScopedMountsFixture.class);
        assertEquals(2, summary.getTestsSucceededCount(), () -> summary.getFailures().toString());
        assertFalse(MountTable.isMountPoint(ScopedMountsFixture.classMount));
        assertFalse(Files.exists(ScopedMountsFixture.classMount));
    }

    @Test
    void stackedAndNestedMountsAllComeOffAndNothingOutsideIsTouched() throws Exception {
        Needs.capabilities(Capabilities.CAP_SYS_ADMIN);
        TempMounts mounts = new TempMounts();
        Path keep = mounts.dir("keep");
        Path a = mounts.tmpfs("1m");
        Mounts.mount("j4l-stacked", a.toString(), "tmpfs", Mounts.MS_NOSUID, "size=1m");
        Path inner = Files.createDirectory(a.resolve("inner"));
        Mounts.mount("j4l-nested", inner.toString(), "tmpfs", Mounts.MS_NOSUID, "size=1m");
        Files.writeString(inner.resolve("f"), "x");
        Path outside = Files.createTempDirectory("j4l-testkit-outside");
        try {
            mounts.tearDown();
            assertTrue(MountTable.mountsUnder(a).isEmpty(), MountTable.mountsUnder(a).toString());
            assertFalse(Files.exists(a));
            assertFalse(Files.exists(keep));
            assertTrue(Files.isDirectory(outside));
        } finally {
            TempMounts.unmountAll(a);
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void directoriesAreReachableByOtherUsersAndNeverReused() throws Exception {
        TempMounts mounts = new TempMounts();
        try {
            Path a = mounts.dir("m1/m2/mnt");
            Path b = mounts.dir("m1/m2/mnt");
            assertFalse(a.equals(b));
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(a)));
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(a.getParent())));
            assertThrows(IllegalArgumentException.class, () -> mounts.dir("../escape"));
            assertThrows(IllegalArgumentException.class, () -> mounts.dir("/abs"));
            assertFalse(a.startsWith(Path.of("").toAbsolutePath()), "must not be in the working tree");
        } finally {
            mounts.tearDown();
        }
    }

    @Test
    void resourcesCloseLastFirstBeforeTheSweep() throws Exception {
        TempMounts mounts = new TempMounts();
        StringBuilder order = new StringBuilder();
        Path d = mounts.dir("d");
        mounts.closeAfter(() -> order.append("first"));
        mounts.closeAfter(() -> order.append(Files.exists(d) ? "second," : "late,"));
        mounts.tearDown();
        assertEquals("second,first", order.toString());
        assertFalse(Files.exists(d));
    }

    private static TestExecutionSummary runFixture(Class<?> fixture) {
        System.setProperty(FailingMountFixture.RUN, "true");
        try {
            Launcher launcher = LauncherFactory.create();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            launcher.execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(fixture)).build(), listener);
            return listener.getSummary();
        } finally {
            System.clearProperty(FailingMountFixture.RUN);
        }
    }
}
