package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XattrsTest {
    @TempDir
    Path tmp;
    Path file;

    @BeforeEach
    void supported() throws Exception {
        file = tmp.resolve("f");
        Files.writeString(file, "x");
        try {
            Xattrs.set(file.toString(), "user.probe", new byte[] {1}, 0);
            Xattrs.remove(file.toString(), "user.probe");
        } catch (KernelException e) {
            Assumptions.assumeTrue(e.errno() != Errno.EOPNOTSUPP, "no user xattrs on the filesystem of " + tmp);
            throw e;
        }
    }

    @Test
    void setGetListRemoveOnADescriptor() throws Exception {
        try (OwnedFd fd = Fs.open(file.toString(), Fs.O_RDWR)) {
            Xattrs.set(fd, "user.colour", "blue".getBytes(StandardCharsets.UTF_8), Xattrs.XATTR_CREATE);
            assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                    () -> Xattrs.set(fd, "user.colour", new byte[] {1}, Xattrs.XATTR_CREATE)).errno());
            assertEquals(Errno.ENODATA, assertThrows(KernelException.class,
                    () -> Xattrs.set(fd, "user.none", new byte[] {1}, Xattrs.XATTR_REPLACE)).errno());
            Xattrs.set(fd, "user.empty", new byte[0], 0);
            assertEquals("blue", new String(Xattrs.get(fd, "user.colour"), StandardCharsets.UTF_8));
            assertArrayEquals(new byte[0], Xattrs.get(fd, "user.empty"));
            assertEquals(4, Xattrs.get(fd, "user.colour", NativeBuffer.allocate(1), 0, 0), "size query");
            KernelException small = assertThrows(KernelException.class,
                    () -> Xattrs.get(fd, "user.colour", NativeBuffer.allocate(2), 0, 2));
            assertEquals(Errno.ERANGE, small.errno());
            assertTrue(Xattrs.list(fd).containsAll(List.of("user.colour", "user.empty")), Xattrs.list(fd).toString());
            Xattrs.remove(fd, "user.colour");
            assertEquals(Errno.ENODATA, assertThrows(KernelException.class, () -> Xattrs.get(fd, "user.colour")).errno());
            // What the kernel stored is what getfattr sees too (path variant).
            assertArrayEquals(new byte[0], Xattrs.get(file.toString(), "user.empty"));
        }
    }

    @Test
    void oPathDescriptorsWorkThroughProc() throws Exception {
        try (OwnedFd p = Fs.open(file.toString(), Fs.O_PATH)) {
            Xattrs.set(p, "user.via", "proc".getBytes(StandardCharsets.UTF_8), 0);
            assertEquals("proc", new String(Xattrs.get(p, "user.via"), StandardCharsets.UTF_8));
            assertTrue(Xattrs.list(p).contains("user.via"));
            Xattrs.remove(p, "user.via");
            assertTrue(!Xattrs.list(p).contains("user.via"));
        }
        assertTrue(!Xattrs.list(file.toString()).contains("user.via"));
    }

    @Test
    void pathVariantsDoNotFollowTheLastSymlink() throws Exception {
        Path link = tmp.resolve("link");
        Files.createSymbolicLink(link, file);
        Xattrs.set(file.toString(), "user.k", new byte[] {7}, 0);
        assertArrayEquals(new byte[] {7}, Xattrs.get(file.toString(), "user.k"));
        // user.* attributes are not allowed on symlinks themselves: the l* call sees the link, not the file.
        KernelException e = assertThrows(KernelException.class, () -> Xattrs.get(link.toString(), "user.k"));
        assertEquals(Errno.ENODATA, e.errno());
    }
}
