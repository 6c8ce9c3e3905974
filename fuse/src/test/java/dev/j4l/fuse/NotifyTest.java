package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Notifications reach the kernel's caches; RETRIEVE answers come back through NOTIFY_REPLY. */
class NotifyTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();
    Path mnt;
    ScratchFs fs;
    FuseMount<ScratchFs.Node> mount;

    @BeforeEach
    void mount() throws Exception {
        Needs.fuse();
        mnt = mounts.dir("mnt");
        fs = new ScratchFs();
        // Long timeouts: without a notification the kernel keeps serving what it cached.
        mount = mounts.closeAfter(FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest").timeouts(Duration.ofHours(1)).build()));
    }

    @Test
    void invalidateEntryMakesARenamedNameVisible() throws Exception {
        fs.put("x", "one");
        assertEquals(3, Files.size(mnt.resolve("x")));
        fs.files.remove("x");
        fs.put("x", "two!"); // a different node under the same name
        assertEquals(3, Files.size(mnt.resolve("x")), "kernel should still use its cached entry");
        assertTrue(mount.notifier().invalidateEntry(fs.root, "x"));
        assertEquals(4, Files.size(mnt.resolve("x")));
        assertEquals("two!", Files.readString(mnt.resolve("x")));
        assertFalse(mount.notifier().invalidateEntry(fs.root, "never-looked-up"));
    }

    @Test
    void invalidateInodeDropsCachedAttributes() throws Exception {
        ScratchFs.Node n = fs.put("y", "short");
        assertEquals(5, Files.size(mnt.resolve("y")));
        n.set("much longer".getBytes(StandardCharsets.UTF_8));
        assertEquals(5, Files.size(mnt.resolve("y")));
        assertTrue(mount.notifier().invalidateInode(n, -1, 0));
        assertEquals(11, Files.size(mnt.resolve("y")));
    }

    @Test
    void deleteRemovesTheCachedName() throws Exception {
        ScratchFs.Node n = fs.put("z", "gone soon");
        assertTrue(Files.exists(mnt.resolve("z")));
        fs.files.remove("z");
        assertTrue(Files.exists(mnt.resolve("z")), "cached entry");
        assertTrue(mount.notifier().delete(fs.root, n, "z"));
        assertFalse(Files.exists(mnt.resolve("z")));
    }

    @Test
    void storeThenRetrieveRoundTrips() throws Exception {
        ScratchFs.Node n = fs.put("s", "hello world");
        assertEquals(11, Files.size(mnt.resolve("s"))); // the kernel now knows the node
        // The whole file, so the kernel marks the page up to date and keeps it.
        byte[] pushed = "HELLO WORLD".getBytes(StandardCharsets.UTF_8);
        assertTrue(mount.notifier().store(n, 0, pushed));
        byte[] back = mount.notifier().retrieve(n, 0, 5).get(10, TimeUnit.SECONDS);
        assertArrayEquals("HELLO".getBytes(StandardCharsets.UTF_8), back);

    }
}
