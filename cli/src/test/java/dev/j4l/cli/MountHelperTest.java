package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code cli/mount.j4l} as mount(8) runs it: {@code mount -t fuse.TYPE} and an fstab line run
 * {@code /sbin/mount.fuse.TYPE SOURCE DIR -o OPTS}. The helper is linked under a name of this test's own
 * ({@code j4ltestPID-DRIVER}, removed afterwards), and runs this build's modules through {@code J4L} instead of
 * {@code ./j4l} (which would build the project in the middle of the build).
 */
class MountHelperTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts("j4l-cli-helper-");

    private final String prefix = "j4ltest" + ProcessHandle.current().pid();
    private Path work;
    private Path launcher;

    @BeforeEach
    void setUp() throws Exception {
        Needs.fuse();
        Needs.root(); // mount(8) runs helpers for root only
        work = mounts.dir("work");
        launcher = work.resolve("j4l");
        String argv = MountDaemonTest.j4l().stream().map(a -> "'" + a + "'").collect(Collectors.joining(" "));
        Files.writeString(launcher, "#!/bin/sh\nexec " + argv + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = Path.of("mount.j4l").toAbsolutePath(); // tests run in the cli module's directory
        assertTrue(Files.isExecutable(script), script + " missing");
        for (String d : List.of("memfs", "passthrough")) {
            Files.createSymbolicLink(Path.of("/sbin/mount.fuse." + prefix + "-" + d), script);
        }
    }

    @AfterEach
    void removeHelpers() throws Exception {
        for (String d : List.of("memfs", "passthrough")) Files.deleteIfExists(Path.of("/sbin/mount.fuse." + prefix + "-" + d));
    }

    private Command.Result mount(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("env", "J4L=" + launcher, "mount"));
        argv.addAll(List.of(args));
        return Command.of(argv).timeout(Duration.ofSeconds(150)).exec();
    }

    private static Set<String> options(String[] procMounts) {
        return Set.of(procMounts[3].split(","));
    }

    @Test
    void mountTypeRunsTheHelperAndRemountAndUmountWork() throws Exception {
        Path mnt = mounts.dir("mnt");
        try {
            Command.Result r = mount("-t", "fuse." + prefix + "-memfs", "none", mnt.toString(), "-o", "size=64M,allow_other");
            assertEquals(0, r.exit(), r.toString());
            String[] m = MountOptionListTest.procMounts(mnt);
            assertEquals("none", m[0]);
            assertEquals("fuse." + prefix + "-memfs", m[2]);
            assertTrue(options(m).containsAll(Set.of("rw", "nosuid", "nodev", "allow_other")), m[3]);
            Files.writeString(mnt.resolve("f"), "through mount(8)");
            // remount finds the helper by the mount's type, and changes the flags in place.
            Command.Result ro = mount("-o", "remount,ro", mnt.toString());
            assertEquals(0, ro.exit(), ro.toString());
            assertTrue(options(MountOptionListTest.procMounts(mnt)).contains("ro"));
            assertEquals("through mount(8)", Files.readString(mnt.resolve("f")), "the same mount, data kept");
            Command.run("umount", mnt.toString());
            assertFalse(MountTable.isMountPoint(mnt));
        } finally {
            if (MountTable.isMountPoint(mnt)) Command.run("umount", "-l", mnt.toString());
        }
    }

    @Test
    void anFstabLineMountsPassthroughWithItsSourceAsFsname() throws Exception {
        Path src = Files.createDirectories(work.resolve("src"));
        Files.writeString(src.resolve("hello"), "from the source");
        Path mnt = mounts.dir("mirror");
        Path fstab = work.resolve("fstab");
        Files.writeString(fstab, "# j4l\n" + src + " " + mnt + " fuse." + prefix
                + "-passthrough noauto,nofail,x-systemd.automount,ro,timeout=1,no_passthrough 0 0\n");
        try {
            Command.Result r = mount("--fstab", fstab.toString(), mnt.toString());
            assertEquals(0, r.exit(), r.toString());
            String[] m = MountOptionListTest.procMounts(mnt);
            assertEquals(src.toString(), m[0]);
            assertEquals("fuse." + prefix + "-passthrough", m[2]);
            assertTrue(options(m).contains("ro"), m[3]);
            assertEquals("from the source", Files.readString(mnt.resolve("hello")));
            Command.Result w = Command.of("touch", mnt.resolve("new").toString()).exec();
            assertNotEquals(0, w.exit(), "read-only: " + w);
            Command.run("umount", mnt.toString());
        } finally {
            if (MountTable.isMountPoint(mnt)) Command.run("umount", "-l", mnt.toString());
        }
    }

    @Test
    void badOptionsFailTheMountWithTheirNames() throws Exception {
        Path mnt = mounts.dir("mnt");
        Command.Result r = mount("-t", "fuse." + prefix + "-memfs", "none", mnt.toString(), "-o", "sise=64M");
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("unknown mount option sise"), r.toString());
        assertFalse(MountTable.isMountPoint(mnt));
    }
}
