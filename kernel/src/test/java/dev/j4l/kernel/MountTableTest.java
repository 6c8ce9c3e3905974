package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTableTest {
    @TempDir
    Path dir;

    @Test
    void rootIsMounted() throws Exception {
        assertTrue(MountTable.isMountPoint(Path.of("/")));
        assertTrue(MountTable.at("/proc").map(m -> m.fsType().equals("proc")).orElse(false));
        assertFalse(MountTable.isMountPoint(dir));
    }

    /** A mount point with a space and a non-UTF-8 byte in its name reads back as the path j4l would use. */
    @Test
    void escapedAndNonUtf8MountPointsRoundTrip() throws Exception {
        Assumptions.assumeTrue(Capabilities.has(Capabilities.CAP_SYS_ADMIN), "needs CAP_SYS_ADMIN");
        String name = "with space " + FileNames.decode(new byte[] {(byte) 0xff, 'x'});
        // java.nio cannot name this directory (not UTF-8); the kernel API can.
        String mnt = dir + "/" + name;
        Fs.mkdir(mnt, 0755);
        Mounts.mount("j4lt-mounttable", mnt, "tmpfs", Mounts.MS_NOSUID | Mounts.MS_NODEV, "size=1m");
        try {
            MountTable.Mount m = MountTable.at(mnt).orElseThrow();
            assertEquals("tmpfs", m.fsType());
            assertEquals("j4lt-mounttable", m.source());
            assertEquals(List.of(mnt), MountTable.mountsUnder(dir));
            FileStat st = Fs.stat(mnt);
            assertEquals(m.minor(), Fs.minor(st.dev()));
            assertEquals(m.major(), Fs.major(st.dev()));
        } finally {
            Mounts.unmount(mnt, Mounts.MNT_DETACH);
            Fs.rmdir(mnt);
        }
        assertTrue(MountTable.at(mnt).isEmpty());
    }
}
