package dev.j4l.drivers.memfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.FileHandles;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * File handles on memfs with export support ({@code exportHandles}): a handle opens its file, or directory, after the kernel dropped every
 * cached inode; a handle of a deleted file answers ESTALE.
 */
class MemFsExportTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    /** Drops the kernel's unused dentries and inodes, so a handle must be resolved by the driver. */
    static void dropCaches() throws Exception {
        for (int i = 0; i < 3; i++) {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
            Thread.sleep(20);
        }
    }

    @Test
    void handlesOutliveTheKernelsCacheButNotTheFile() throws Exception {
        Needs.root();
        Path mnt = mounts.dir("mnt");
        mounts.closeAfter(MemFsDriver.mount(mnt, 64 << 20, MemFsDriver.mountOptions(), false, true));
        Files.createDirectories(mnt.resolve("a/b"));
        Files.writeString(mnt.resolve("a/b/file"), "kept");
        Files.writeString(mnt.resolve("a/doomed"), "deleted");
        FileHandles.FileHandle file = FileHandles.of(mnt.resolve("a/b/file").toString());
        FileHandles.FileHandle dir = FileHandles.of(mnt.resolve("a/b").toString());
        FileHandles.FileHandle doomed = FileHandles.of(mnt.resolve("a/doomed").toString());
        long ino = Fs.stat(mnt.resolve("a/b/file").toString()).ino();
        Files.delete(mnt.resolve("a/doomed"));
        dropCaches();
        try (OwnedFd root = Fs.open(mnt.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
            try (OwnedFd f = FileHandles.open(root, file, Fs.O_RDONLY)) {
                assertEquals(ino, Fs.stat(f).ino());
                assertEquals(4, Fs.stat(f).size());
            }
            try (OwnedFd d = FileHandles.open(root, dir, Fs.O_RDONLY | Fs.O_DIRECTORY)) {
                assertEquals(Fs.stat(mnt.resolve("a/b").toString()).ino(), Fs.stat(d).ino());
            }
            KernelException e = assertThrows(KernelException.class, () -> FileHandles.open(root, doomed, Fs.O_RDONLY).close());
            assertEquals(Errno.ESTALE, e.errno());
        }
        assertEquals("kept", Files.readString(mnt.resolve("a/b/file")));
    }
}
