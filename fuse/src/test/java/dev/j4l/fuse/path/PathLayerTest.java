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

    @Test
    void hardLinksShareTheFileAndOutliveEachOther() throws Exception {
        Path m = mount();
        Files.createDirectory(m.resolve("d"));
        Files.writeString(m.resolve("a"), "linked");
        Command.run("ln", m.resolve("a").toString(), m.resolve("d/b").toString());
        assertEquals("2", Command.run("stat", "-c", "%h", m.resolve("d/b").toString()).strip());
        assertEquals("linked", Files.readString(m.resolve("d/b")));
        Files.writeString(m.resolve("d/b"), "through b", StandardOpenOption.APPEND);
        assertEquals("linkedthrough b", Files.readString(m.resolve("a")));
        Command.Result dir = Command.of("ln", m.resolve("d").toString(), m.resolve("d2").toString()).exec();
        assertFalse(dir.ok(), "a hard link to a directory"); // the kernel refuses it itself
        try (FileChannel ch = FileChannel.open(m.resolve("a"), StandardOpenOption.READ)) {
            Files.delete(m.resolve("a")); // unlinked while open: hidden, still readable, the other name intact
            assertEquals("linkedthrough b", read(ch));
            assertEquals("linkedthrough b", Files.readString(m.resolve("d/b")));
            assertEquals(List.of("d"), list(m));
        }
        Files.move(m.resolve("d/b"), m.resolve("c"));
        Command.run("ln", m.resolve("c").toString(), m.resolve("d/e").toString());
        Files.delete(m.resolve("c"));
        assertEquals("linkedthrough b", Files.readString(m.resolve("d/e")));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (fs.paths().size() != 3 && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(List.of("/", "/d", "/d/e"), fs.paths());
        // Each name is its own node to the kernel: the other name's count shows once its cached attributes expire.
        String links = "";
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!links.equals("1") && System.nanoTime() < deadline) {
            links = Command.run("stat", "-c", "%h", m.resolve("d/e").toString()).strip();
            if (!links.equals("1")) Thread.sleep(100);
        }
        assertEquals("1", links);
    }

    @Test
    void extendedAttributesByPathWithFlagsAndSizeProbes() throws Exception {
        Path m = mount();
        String f = m.resolve("f").toString();
        Files.writeString(m.resolve("f"), "x");
        Command.run("setfattr", "-n", "user.colour", "-v", "blue", f);
        Command.run("setfattr", "-n", "user.big", "-v", "0x" + "ab".repeat(3000), f);
        assertEquals("blue", Command.run("getfattr", "--only-values", "-n", "user.colour", f));
        assertEquals(List.of("user.big", "user.colour"), Command.run("getfattr", "-m", "-", "--absolute-names", f)
                .strip().lines().skip(1).sorted().toList());
        Command.Result none = Command.of("getfattr", "-n", "user.none", f).exec();
        assertTrue(none.err().contains("No such attribute"), none.err());
        Command.Result ns = Command.of("setfattr", "-n", "trusted.x", "-v", "1", f).exec();
        assertFalse(ns.ok());
        // XATTR_CREATE / XATTR_REPLACE, ERANGE for a buffer too small, and removal, through the syscalls.
        String py = String.join("\n",
                "import errno, os, sys",
                "f = sys.argv[1]",
                "def err(fn):",
                "    try: fn(); return 'ok'",
                "    except OSError as e: return errno.errorcode[e.errno]",
                "print(err(lambda: os.setxattr(f, 'user.colour', b'red', os.XATTR_CREATE)))",
                "print(err(lambda: os.setxattr(f, 'user.shape', b'round', os.XATTR_REPLACE)))",
                "print(err(lambda: os.setxattr(f, 'user.colour', b'red', os.XATTR_REPLACE)))",
                "print(os.getxattr(f, 'user.colour').decode(), len(os.getxattr(f, 'user.big')))",
                "os.removexattr(f, 'user.big')",
                "print(err(lambda: os.removexattr(f, 'user.big')), sorted(os.listxattr(f)))");
        String out = Command.run("python3", "-c", py, f);
        assertEquals(List.of("EEXIST", "ENODATA", "ok", "red 3000", "ENODATA ['user.colour']"), out.strip().lines().toList());
        // A hard link shares the driver's item, so its xattrs too; an open file unlinked keeps them.
        Command.run("ln", f, m.resolve("g").toString());
        assertEquals("red", Command.run("getfattr", "--only-values", "-n", "user.colour", m.resolve("g").toString()));
    }

    @Test
    void fifosAndSocketsGoToTheDriversMknod() throws Exception {
        Path m = mount();
        Command.run("mkfifo", "-m", "600", m.resolve("fifo").toString());
        assertEquals("fifo 600", Command.run("stat", "-c", "%F %a", m.resolve("fifo").toString()).strip());
        String py = "import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); print('bound')";
        assertEquals("bound", Command.run("python3", "-c", py, m.resolve("sock").toString()).strip());
        assertEquals("socket", Command.run("stat", "-c", "%F", m.resolve("sock").toString()).strip());
        // A fifo on FUSE is the kernel's pipe: the two ends meet in the kernel, the driver sees no data.
        assertEquals("through the fifo", Command.run("sh", "-c", "echo 'through the fifo' > " + m.resolve("fifo")
                + " & cat " + m.resolve("fifo") + "; wait").strip());
        assertTrue(fs.has("/fifo") && fs.has("/sock"), fs.paths().toString());
    }

    @Test
    void fallocateAndSeekingDataAndHolesReachTheDriverByPath() throws Exception {
        Path m = mount();
        String f = m.resolve("sparse").toString();
        Command.run("fallocate", "-l", "8192", f);
        assertEquals("8192", Command.run("stat", "-c", "%s", f).strip());
        // Data in the first and fifth 4 KiB blocks, holes between (the driver's blocks of zeros).
        String script = """
                import errno, os, sys
                fd = os.open(sys.argv[1], os.O_RDWR)
                os.pwrite(fd, b'a', 0); os.pwrite(fd, b'b', 16384)
                assert os.lseek(fd, 0, os.SEEK_HOLE) == 4096
                assert os.lseek(fd, 4096, os.SEEK_DATA) == 16384
                assert os.lseek(fd, 100, os.SEEK_DATA) == 100
                try:
                    os.lseek(fd, 20000, os.SEEK_DATA); sys.exit('no ENXIO past the end')
                except OSError as e:
                    assert e.errno == errno.ENXIO, e
                os.close(fd)
                """;
        Command.run("python3", "-c", script, f);
        Command.run("fallocate", "--punch-hole", "-o", "0", "-l", "4096", f);
        assertEquals("16384", Command.run("python3", "-c", "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); "
                + "print(os.lseek(fd, 0, os.SEEK_DATA))", f).strip());
        Command.Result collapse = Command.of("fallocate", "--collapse-range", "-o", "0", "-l", "4096", f).exec();
        assertTrue(collapse.err().contains("Operation not supported"), collapse.err());
    }

    @Test
    void aDriverWithoutTheseCallsKeepsTheKernelsDefaults() throws Exception {
        Needs.fuse();
        PathFilesystem<Void> bare = new PathFilesystem<>() {
            @Override
            public dev.j4l.fuse.Attr getattr(dev.j4l.fuse.Request r, String path, Void handle)
                    throws dev.j4l.kernel.ErrnoException {
                if (path.equals("/")) return dev.j4l.fuse.Attr.of(dev.j4l.fuse.FileMode.S_IFDIR | 0777, 0, 0, 0);
                if (path.equals("/f")) return dev.j4l.fuse.Attr.of(dev.j4l.fuse.FileMode.S_IFREG | 0666, 0, 0, 0);
                throw new dev.j4l.kernel.ErrnoException(dev.j4l.kernel.Errno.ENOENT);
            }
        };
        Path m = mounts.dir("bare");
        mounts.closeAfter(FuseMount.mount(m, PathFilesystem.inodes(bare), MountOptions.builder().fsname("bare").build()));
        String f = m.resolve("f").toString();
        Command.Result set = Command.of("setfattr", "-n", "user.a", "-v", "1", f).exec();
        assertTrue(set.err().contains("Operation not supported"), set.err());
        Command.Result get = Command.of("getfattr", "-n", "user.a", f).exec();
        assertTrue(get.err().contains("Operation not supported"), get.err());
        Command.Result ln = Command.of("ln", f, m.resolve("g").toString()).exec();
        assertTrue(ln.err().contains("Operation not permitted"), ln.err()); // the kernel turns ENOSYS into EPERM
        Command.Result fifo = Command.of("mkfifo", m.resolve("p").toString()).exec();
        assertTrue(fifo.err().contains("Operation not permitted"), fifo.err());
        Command.Result falloc = Command.of("fallocate", "-l", "4096", f).exec();
        assertTrue(falloc.err().contains("Operation not supported"), falloc.err());
    }
}
