package dev.j4l.drivers.passthrough;

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
 * File handles on passthroughfs (export support): a handle opens its file after the kernel dropped every cached
 * inode (with {@code exportHandles}), from where passthroughfs last found it; a handle of a file deleted in the source answers ESTALE.
 */
class PassthroughExportTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void handlesOutliveTheKernelsCacheButNotTheFile() throws Exception {
        Needs.root();
        Path dir = mounts.dir("work");
        Path src = dir.resolve("src");
        try (Mirror m = Mirror.mount(src, dir.resolve("mnt"), PassthroughOptions.of(src).withPassthrough(false)
                .withExportHandles(true))) {
            Files.createDirectories(m.src.resolve("a/b"));
            Files.writeString(m.src.resolve("a/b/file"), "kept");
            Files.writeString(m.src.resolve("a/doomed"), "deleted");
            FileHandles.FileHandle file = FileHandles.of(m.mnt.resolve("a/b/file").toString());
            FileHandles.FileHandle doomed = FileHandles.of(m.mnt.resolve("a/doomed").toString());
            Files.delete(m.src.resolve("a/doomed")); // behind the mount's back
            for (int i = 0; i < 3; i++) {
                Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
                Thread.sleep(20);
            }
            try (OwnedFd root = Fs.open(m.mnt.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
                try (OwnedFd f = FileHandles.open(root, file, Fs.O_RDONLY)) {
                    assertEquals(Fs.stat(m.src.resolve("a/b/file").toString()).ino(), Fs.stat(f).ino());
                    assertEquals(4, Fs.stat(f).size());
                }
                KernelException e = assertThrows(KernelException.class,
                        () -> FileHandles.open(root, doomed, Fs.O_RDONLY).close());
                assertEquals(Errno.ESTALE, e.errno());
            }
        }
    }
}
