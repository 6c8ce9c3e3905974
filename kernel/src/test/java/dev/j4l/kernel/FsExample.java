package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code of the {@code {@snippet}} examples in {@link Fs} and {@link OwnedFd}: runs as a test. */
class FsExample {
    @TempDir
    Path tmp;

    @Test
    void readAFileBeneathARoot() throws Exception {
        Files.writeString(tmp.resolve("motd"), "hello from the kernel");
        String root = tmp.toString();
        String clientPath = "motd";
        // @start region=beneath
        try (OwnedFd dir = Fs.open(root, Fs.O_PATH | Fs.O_DIRECTORY);
                // A path from a client can never leave root: "..", absolute paths and symlinks out are EXDEV.
                OwnedFd file = Fs.openat2(dir, clientPath, Fs.O_RDONLY, 0, Fs.RESOLVE_BENEATH)) {
            NativeBuffer buf = NativeBuffer.allocate(4096);
            int n = file.pread(buf, 0, 4096, 0);
            String text = buf.getString(0, n);
            // @end
            assertEquals("hello from the kernel", text);
        }
    }

    @Test
    void closeOnce() throws Exception {
        Path f = tmp.resolve("data");
        Files.writeString(f, "12345678");
        // @start region=close
        OwnedFd fd = Fs.open(f.toString(), Fs.O_RDONLY);
        NativeBuffer buf = NativeBuffer.allocate(8);
        fd.pread(buf, 0, 8, 0);
        fd.close();
        // Any later use fails loudly instead of reaching whatever file reuses the number:
        //   fd.pread(buf, 0, 8, 0)  -> IllegalStateException: use of closed descriptor
        //   fd.close()              -> IllegalStateException: descriptor closed twice
        // @end
        assertEquals(8, buf.getString(0, 8).length());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> fd.pread(buf, 0, 8, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, fd::close);
    }
}
