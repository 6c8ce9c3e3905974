package dev.j4l.drivers.passthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** passthroughfs against real tools and syscalls, with FUSE passthrough on and off. */
class PassthroughFsTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    /** This test's directory: sources, mount points and files outside them all live here. */
    Path dir;

    @BeforeEach
    void workDirectory() throws IOException {
        dir = mounts.dir("work");
    }

    @Test
    void documentedExampleMirrorsWrites() throws Exception {
        Needs.root();
        Path src = Files.createDirectory(dir.resolve("src"));
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        assertEquals("hi\n", PassthroughExample.mirrorAndRead(src, mnt));
        assertFalse(MountTable.isMountPoint(mnt));
    }

    @ParameterizedTest(name = "passthrough={0}")
    @ValueSource(booleans = {true, false})
    void filesDirectoriesAndLinksAreMirrored(boolean passthrough) throws Exception {
        Needs.root();
        try (Mirror m = Mirror.mount(dir, passthrough)) {
            Files.writeString(m.src.resolve("before.txt"), "from the source\n");
            assertEquals("from the source\n", Files.readString(m.mnt.resolve("before.txt")));

            byte[] data = new byte[3 << 20];
            new Random(7).nextBytes(data);
            Files.write(m.mnt.resolve("big.bin"), data);
            assertArrayEquals(data, Files.readAllBytes(m.src.resolve("big.bin")));
            assertArrayEquals(data, Files.readAllBytes(m.mnt.resolve("big.bin")));

            Files.createDirectories(m.mnt.resolve("a/b/c"));
            assertTrue(Files.isDirectory(m.src.resolve("a/b/c")));
            Files.move(m.mnt.resolve("a/b"), m.mnt.resolve("b2"));
            assertTrue(Files.isDirectory(m.src.resolve("b2/c")));
            Files.createSymbolicLink(m.mnt.resolve("lnk"), Path.of("b2/c"));
            assertEquals(Path.of("b2/c"), Files.readSymbolicLink(m.src.resolve("lnk")));
            assertTrue(Files.isDirectory(m.mnt.resolve("lnk")));
            Files.createLink(m.mnt.resolve("hard"), m.mnt.resolve("before.txt"));
            assertEquals(2, Files.getAttribute(m.mnt.resolve("before.txt"), "unix:nlink"));
            try (Stream<Path> s = Files.list(m.mnt)) {
                assertEquals(List.of("a", "b2", "before.txt", "big.bin", "hard", "lnk"),
                        s.map(p -> p.getFileName().toString()).sorted().toList());
            }
            Files.delete(m.mnt.resolve("big.bin"));
            assertFalse(Files.exists(m.src.resolve("big.bin")));
            Files.delete(m.mnt.resolve("b2/c"));
            Files.setPosixFilePermissions(m.mnt.resolve("before.txt"), PosixFilePermissions.fromString("rw-r-----"));
            assertEquals("rw-r-----", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(m.src.resolve("before.txt"), LinkOption.NOFOLLOW_LINKS)));
            assertEquals(passthrough, m.fs.passthroughActive(), "passthrough in use");
        }
    }

    /** The mount table shows the mirrored directory as the mount's source, as bindfs and libfuse's examples do. */
    @Test
    void theMountsSourceIsTheMirroredDirectory() throws Exception {
        Needs.root();
        try (Mirror m = Mirror.mount(dir, false)) {
            MountTable.Mount entry = MountTable.at(m.mnt.toString()).orElseThrow();
            assertEquals(m.src.toAbsolutePath().normalize().toString(), entry.source());
        }
        assertEquals("j4l-passthrough", PassthroughFs.fsname(Path.of("/srv/with space")));
        assertEquals("j4l-passthrough", PassthroughFs.fsname(Path.of("/srv/a,b")));
    }
}
