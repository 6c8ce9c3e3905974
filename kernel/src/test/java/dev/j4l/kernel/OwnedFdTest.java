package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnedFdTest {
    @TempDir
    Path dir;

    @Test
    void readsThroughTheKernelAndFailsLoudlyAfterClose() throws Exception {
        Path f = dir.resolve("a");
        Files.writeString(f, "hello");
        OwnedFd fd = Fs.open(f.toString(), Fs.O_RDONLY);
        NativeBuffer buf = NativeBuffer.allocate(16);
        assertEquals(5, fd.pread(buf, 0, 16, 0));
        assertEquals("hello", buf.getString(0, 5));
        fd.close();
        assertThrows(IllegalStateException.class, () -> fd.pread(buf, 0, 16, 0));
        assertThrows(IllegalStateException.class, fd::close);
    }

    @Test
    void missingFileIsEnoentNamingThePath() {
        KernelException e = assertThrows(KernelException.class,
                () -> Fs.open(dir.resolve("nope").toString(), Fs.O_RDONLY));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
}
