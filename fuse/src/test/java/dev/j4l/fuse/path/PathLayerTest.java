package dev.j4l.fuse.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The path layer over a driver that keeps and reads everything by path, mounted for real. */
class PathLayerTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private final MapPathFs fs = new MapPathFs();
    private PathLayer<?> layer;

    private Path mount() throws Exception {
        Needs.fuse();
        Path dir = mounts.dir("paths");
        var inodes = PathFilesystem.inodes(fs);
        layer = (PathLayer<?>) inodes;
        mounts.closeAfter(FuseMount.mount(dir, inodes, MountOptions.builder().fsname("paths").subtype("paths").build()));
        return dir;
    }

    private static String read(FileChannel ch) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(256);
        ch.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void servesTheUsualOperationsByPath() throws Exception {
        Path m = mount();
        Files.createDirectories(m.resolve("a/b"));
        Files.writeString(m.resolve("a/b/f"), "hello");
        assertTrue(fs.has("/a/b/f"), fs.paths().toString());
        assertEquals("hello", Files.readString(m.resolve("a/b/f")));
        assertEquals(List.of("b"), list(m.resolve("a")));
        Files.createSymbolicLink(m.resolve("a/link"), Path.of("b/f"));
        assertEquals(Path.of("b/f"), Files.readSymbolicLink(m.resolve("a/link")));
        assertEquals("hello", Files.readString(m.resolve("a/link")));
        Files.setPosixFilePermissions(m.resolve("a/b/f"), PosixFilePermissions.fromString("rw-r-----"));
        assertEquals("640 5", Command.run("stat", "-c", "%a %s", m.resolve("a/b/f").toString()).strip());
        Command.run("truncate", "-s", "2", m.resolve("a/b/f").toString());
        assertEquals("he", Files.readString(m.resolve("a/b/f")));
        FileTime t = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(m.resolve("a/b/f"), t);
        assertEquals(t, Files.getLastModifiedTime(m.resolve("a/b/f")));
        assertEquals(List.of("b", "link"), Command.run("ls", m.resolve("a").toString()).strip().lines().toList());
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(m.resolve("a/b")));
        Files.delete(m.resolve("a/b/f"));
        Files.delete(m.resolve("a/b"));
        Files.delete(m.resolve("a/link"));
        Files.delete(m.resolve("a"));
        assertEquals(List.of(), list(m));
        assertEquals(List.of("/"), fs.paths());
    }

    @Test
    void renamingADirectoryMovesTheOpenFilesAndKnownPathsBeneathIt() throws Exception {
        Path m = mount();
        Files.createDirectories(m.resolve("a/b"));
        Files.writeString(m.resolve("a/b/f"), "inside");
        try (FileChannel ch = FileChannel.open(m.resolve("a/b/f"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertTrue(Files.exists(m.resolve("a/b")));
            Files.move(m.resolve("a"), m.resolve("z"));
            assertFalse(Files.exists(m.resolve("a/b/f")));
            assertEquals("inside", read(ch)); // the driver was asked for /z/b/f
            ch.write(ByteBuffer.wrap("INSIDE".getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
        }
        assertEquals("INSIDE", Files.readString(m.resolve("z/b/f")));
        assertEquals(List.of("/", "/z", "/z/b", "/z/b/f"), fs.paths());
        Files.move(m.resolve("z/b"), m.resolve("b2"));
        assertEquals("INSIDE", Files.readString(m.resolve("b2/f")));
        assertEquals(List.of("/", "/b2", "/b2/f", "/z"), fs.paths());
    }

    @Test
    void aFileUnlinkedWhileOpenStaysReadableThroughItsDescriptor() throws Exception {
        Path m = mount();
        Files.writeString(m.resolve("f"), "still here");
        try (FileChannel ch = FileChannel.open(m.resolve("f"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Files.delete(m.resolve("f"));
            assertFalse(Files.exists(m.resolve("f")));
            assertEquals(List.of(), list(m)); // the hidden name is not listed
            assertEquals("still here", read(ch));
            ch.write(ByteBuffer.wrap("STILL".getBytes(StandardCharsets.UTF_8)), 0);
            assertEquals("STILL here", read(ch));
            assertEquals(1, fs.paths().stream().filter(p -> p.startsWith("/" + PathLayer.HIDDEN_PREFIX)).count(),
                    fs.paths().toString());
            Files.writeString(m.resolve("f"), "new file");
            assertEquals("new file", Files.readString(m.resolve("f")));
            assertEquals("STILL here", read(ch));
        }
        // The last release unlinks the hidden name.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (fs.paths().size() != 2 && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(List.of("/", "/f"), fs.paths());
        assertTrue(fs.unlinked.getLast().startsWith("/" + PathLayer.HIDDEN_PREFIX), fs.unlinked.toString());
    }

    @Test
    void aFileReplacedByARenameWhileOpenStaysReadable() throws Exception {
        Path m = mount();
        Files.writeString(m.resolve("old"), "old text");
        Files.writeString(m.resolve("new"), "new text");
        try (FileChannel ch = FileChannel.open(m.resolve("old"), StandardOpenOption.READ)) {
            // Java compares st_dev/st_ino first and does nothing for "the same file": inode numbers must differ.
            Files.move(m.resolve("new"), m.resolve("old"), StandardCopyOption.REPLACE_EXISTING);
            assertEquals("new text", Files.readString(m.resolve("old")));
            assertFalse(Files.exists(m.resolve("new")));
            assertEquals("old text", read(ch));
            assertEquals(List.of("old"), list(m));
        }
        assertThrows(NoSuchFileException.class, () -> Files.readString(m.resolve("new")));
    }

    @Test
    void nodesTheKernelForgetsLeaveTheTable() throws Exception {
        Needs.root();
        Path m = mount();
        Files.createDirectory(m.resolve("d"));
        for (int i = 0; i < 50; i++) Files.writeString(m.resolve("d/f" + i), "x");
        for (int i = 0; i < 50; i++) assertTrue(Files.exists(m.resolve("d/f" + i)));
        assertTrue(layer.knownPaths() >= 52, "known paths: " + layer.knownPaths());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (layer.knownPaths() > 1 && System.nanoTime() < deadline) {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
            Thread.sleep(50);
        }
        assertEquals(1, layer.knownPaths(), "only the root is left once the kernel forgot the rest");
        assertEquals("x", Files.readString(m.resolve("d/f7"))); // looked up afresh
    }
}
