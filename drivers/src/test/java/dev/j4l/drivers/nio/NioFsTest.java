package dev.j4l.drivers.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.path.PathFilesystem;
import dev.j4l.kernel.Errno;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** JSR-203 filesystems mounted through the path API: the JDK's zipfs and Google's jimfs, used by real tools. */
class NioFsTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private FuseMount<?> mounted;

    private Path mount(NioFs fs) throws Exception {
        Needs.fuse();
        Path dir = mounts.dir("nio");
        mounted = mounts.closeAfter(FuseMount.mount(dir, PathFilesystem.inodes(fs), fs.mountOptions()));
        return dir;
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, String> zipContents(Path zip) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                out.put(e.getName(), e.isDirectory() ? "<dir>"
                        : new String(z.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void filesMadeThroughAZipMountAreInTheArchiveAfterUnmount() throws Exception {
        Path zip = mounts.dir("zips").resolve("new.zip");
        Path m = mount(NioFs.open("zip:" + zip, false));
        Files.createDirectories(m.resolve("docs/notes"));
        Files.writeString(m.resolve("docs/readme.txt"), "read me\n");
        Command.run("sh", "-c", "echo from the shell > " + m.resolve("docs/notes/shell.txt"));
        for (int i = 0; i < 50; i++) { // close(2) makes the entry, though the kernel sends RELEASE later
            Files.writeString(m.resolve("gone.txt"), "deleted before unmount " + i);
            Files.delete(m.resolve("gone.txt"));
        }
        Files.writeString(m.resolve("old-name"), "renamed");
        Files.move(m.resolve("old-name"), m.resolve("new-name"));
        Files.setPosixFilePermissions(m.resolve("new-name"), PosixFilePermissions.fromString("rwxr-x---"));
        assertEquals("750", Command.run("stat", "-c", "%a", m.resolve("new-name").toString()).strip());
        assertEquals(List.of("docs", "new-name"), list(m));
        // The mode asked for, though zipfs shows a new file only once it is closed.
        assertEquals("640", Command.run("sh", "-c", "umask 027 && echo x > " + m.resolve("made") + " && stat -c %a "
                + m.resolve("made")).strip());
        String[] df = Command.run("df", "-B1", "--output=size,used,avail", m.toString()).strip().lines().toList()
                .getLast().trim().split("\\s+");
        assertTrue(Long.parseLong(df[1]) >= 0 && Long.parseLong(df[0]) >= Long.parseLong(df[2]), String.join(" ", df));
        assertEquals("from the shell\n", Files.readString(m.resolve("docs/notes/shell.txt")));
        assertEquals(List.of("notes", "readme.txt"), Command.run("ls", m.resolve("docs").toString()).strip().lines().toList());
        mounted.close(); // unmounts: the zip filesystem is closed and writes the archive

        Map<String, String> entries = zipContents(zip);
        assertEquals("read me\n", entries.get("docs/readme.txt"));
        assertEquals("from the shell\n", entries.get("docs/notes/shell.txt"));
        assertEquals("renamed", entries.get("new-name"));
        assertFalse(entries.containsKey("gone.txt"), entries.toString());
        assertFalse(entries.containsKey("old-name"), entries.toString());
        try (FileSystem zipfs = java.nio.file.FileSystems.newFileSystem(zip, Map.of("enablePosixFileAttributes", "true"))) {
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(zipfs.getPath("/made"))));
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(zipfs.getPath("/new-name"))));
        }
    }

    @Test
    void anExistingArchiveReadsThroughTheMountAndReadOnlyRefusesChanges() throws Exception {
        Path zip = mounts.dir("zips").resolve("old.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("a/b.txt"));
            out.write("bee\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        Path m = mount(NioFs.open("zip:" + zip, true));
        assertEquals("bee\n", Command.run("cat", m.resolve("a/b.txt").toString()));
        assertEquals("4", Command.run("stat", "-c", "%s", m.resolve("a/b.txt").toString()).strip());
        Command.Result r = Command.of("sh", "-c", "echo x > " + m.resolve("a/new.txt")).exec();
        assertFalse(r.ok());
        assertTrue(r.err().contains("Read-only file system"), r.err());
        r = Command.of("rm", m.resolve("a/b.txt").toString()).exec();
        assertTrue(r.err().contains("Read-only file system"), r.err());
        assertThrows(NoSuchFileException.class, () -> Files.readString(m.resolve("a/none")));
    }

    @Test
    void jimfsServedWithItsPosixAttributesRenamesAndErrors() throws Exception {
        FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix().toBuilder()
                .setAttributeViews("basic", "owner", "posix", "unix").build());
        Path m = mount(new NioFs(jimfs.getPath("/"), true));
        Files.createDirectories(m.resolve("a/b"));
        Files.writeString(m.resolve("a/b/f"), "jimfs data");
        try (FileChannel ch = FileChannel.open(m.resolve("a/b/f"), StandardOpenOption.READ)) {
            Files.move(m.resolve("a"), m.resolve("z"));
            ByteBuffer b = ByteBuffer.allocate(64);
            ch.read(b, 0);
            assertEquals("jimfs data", new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
        }
        assertEquals("jimfs data", Files.readString(jimfs.getPath("/z/b/f")));
        assertFalse(Files.exists(jimfs.getPath("/a")));
        Command.run("chmod", "600", m.resolve("z/b/f").toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(jimfs.getPath("/z/b/f"))));
        Files.createSymbolicLink(m.resolve("link"), Path.of("z/b/f"));
        assertEquals("z/b/f", Files.readSymbolicLink(jimfs.getPath("/link")).toString());
        assertEquals("jimfs data", Files.readString(m.resolve("link")));
        Command.run("truncate", "-s", "5", m.resolve("z/b/f").toString());
        assertEquals("jimfs", Files.readString(jimfs.getPath("/z/b/f")));
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(m.resolve("z/b")));
        assertThrows(NoSuchFileException.class, () -> Files.delete(m.resolve("z/none")));
        Command.run("rm", "-r", m.resolve("z").toString());
        assertEquals(List.of("link", "work"), list(m)); // /work: jimfs's working directory
        assertFalse(Files.exists(jimfs.getPath("/z")));
    }

    @Test
    void aDirectoryOfTheDefaultFilesystemKeepsHardLinksAndUserXattrs() throws Exception {
        Path backing = mounts.dir("backing");
        Path m = mount(new NioFs(backing, false));
        String f = m.resolve("f").toString();
        Files.writeString(m.resolve("f"), "shared");
        Command.run("ln", f, m.resolve("g").toString());
        assertEquals("2", Command.run("stat", "-c", "%h", m.resolve("g").toString()).strip());
        assertEquals(Files.getAttribute(backing.resolve("f"), "unix:ino"), Files.getAttribute(backing.resolve("g"), "unix:ino"));
        Files.delete(m.resolve("f"));
        assertEquals("shared", Files.readString(m.resolve("g")));
        Command.Result dup = Command.of("ln", m.resolve("g").toString(), m.resolve("g2").toString()).exec();
        assertTrue(dup.ok(), dup.err());
        dup = Command.of("ln", m.resolve("g").toString(), m.resolve("g2").toString()).exec();
        assertTrue(dup.err().contains("File exists"), dup.err());

        String g = m.resolve("g").toString();
        Command.run("setfattr", "-n", "user.origin", "-v", "through the mount", g);
        assertEquals("through the mount", Command.run("getfattr", "--only-values", "-n", "user.origin", g));
        assertEquals("through the mount", Command.run("getfattr", "--only-values", "-n", "user.origin",
                backing.resolve("g").toString()));
        Command.run("setfattr", "-n", "user.backing", "-v", "beneath", backing.resolve("g").toString());
        assertEquals(List.of("user.backing", "user.origin"), Command.run("getfattr", "-m", "-", "--absolute-names", g)
                .strip().lines().skip(1).map(l -> l.replaceAll("=.*", "")).sorted().toList());
        String py = String.join("\n",
                "import errno, os, sys",
                "f = sys.argv[1]",
                "def err(fn):",
                "    try: fn(); return 'ok'",
                "    except OSError as e: return errno.errorcode[e.errno]",
                "print(err(lambda: os.setxattr(f, 'user.origin', b'x', os.XATTR_CREATE)))",
                "print(err(lambda: os.setxattr(f, 'user.new', b'x', os.XATTR_REPLACE)))",
                "print(err(lambda: os.setxattr(f, 'trusted.x', b'x')))", // we hold CAP_SYS_ADMIN: the driver answers
                "print(err(lambda: os.getxattr(f, 'user.none')))",
                "os.removexattr(f, 'user.backing')",
                "print(err(lambda: os.removexattr(f, 'user.backing')), sorted(os.listxattr(f)))");
        assertEquals(List.of("EEXIST", "ENODATA", "ENOTSUP", "ENODATA", "ENODATA ['user.origin']"),
                Command.run("python3", "-c", py, g).strip().lines().toList());
        // No mknod in NioFs: fifos are refused, regular files still come from create.
        Command.Result fifo = Command.of("mkfifo", m.resolve("p").toString()).exec();
        assertTrue(fifo.err().contains("Operation not permitted"), fifo.err());
        Command.run("python3", "-c", "import os, stat, sys; os.mknod(sys.argv[1], 0o644 | stat.S_IFREG)",
                m.resolve("plain").toString());
        assertTrue(Files.isRegularFile(backing.resolve("plain")));
    }

    @Test
    void copyFileRangeGoesFromChannelToChannel() throws Exception {
        Path backing = mounts.dir("backing");
        Path zip = mounts.dir("zipdir").resolve("c.zip");
        String py = """
                import os, sys
                for d in sys.argv[1:]:
                    with open(d + '/in', 'w') as f: f.write('0123456789' * 1000)
                    fi = os.open(d + '/in', os.O_RDWR)
                    fo = os.open(d + '/out', os.O_WRONLY | os.O_CREAT, 0o644)
                    print(os.copy_file_range(fi, fo, 20000, 5, 0), os.copy_file_range(fi, fi, 5, 0, 10000))
                    os.close(fi); os.close(fo)
                """;
        Path m = mount(new NioFs(backing, false));
        Path mz = mount(NioFs.open("zip:" + zip, false));
        assertEquals(List.of("9995 5", "9995 5"),
                Command.run("python3", "-c", py, m.toString(), mz.toString()).strip().lines().toList());
        String expected = "0123456789".repeat(1000).substring(5);
        assertEquals(expected, Files.readString(backing.resolve("out")));
        assertEquals("0123456789".repeat(1000) + "01234", Files.readString(backing.resolve("in")));
        assertEquals(expected, Files.readString(mz.resolve("out")));
        assertEquals("0123456789".repeat(1000) + "01234", Files.readString(mz.resolve("in")));
    }

    @Test
    void providersWithoutHardLinksOrUserAttributesSaySo() throws Exception {
        FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        Path m = mount(new NioFs(jimfs.getPath("/"), true));
        Files.writeString(m.resolve("f"), "jimfs");
        Command.run("ln", m.resolve("f").toString(), m.resolve("g").toString()); // jimfs has hard links
        assertEquals("jimfs", Files.readString(jimfs.getPath("/g")));
        Command.Result set = Command.of("setfattr", "-n", "user.a", "-v", "1", m.resolve("f").toString()).exec();
        assertTrue(set.err().contains("Operation not supported"), set.err());
        assertEquals("", Command.run("getfattr", "-d", m.resolve("f").toString()).strip());
        mounted.close();

        Path zip = mounts.dir("zips").resolve("links.zip");
        Path z = mount(NioFs.open("zip:" + zip, false));
        Files.writeString(z.resolve("f"), "zipped");
        Command.Result ln = Command.of("ln", z.resolve("f").toString(), z.resolve("g").toString()).exec();
        assertTrue(ln.err().contains("Operation not permitted"), ln.err());
    }

    @Test
    void exceptionsMapToErrno() {
        assertEquals(Errno.ENOENT, NioErrors.errno(new NoSuchFileException("x"), "op", "/x").errno());
        assertEquals(Errno.ENOTEMPTY, NioErrors.errno(new DirectoryNotEmptyException("x"), "op", "/x").errno());
        assertEquals(Errno.EACCES, NioErrors.errno(new AccessDeniedException("x"), "op", "/x").errno());
        assertEquals(Errno.EROFS, NioErrors.errno(new ReadOnlyFileSystemException(), "op", "/x").errno());
        assertEquals(Errno.EIO, NioErrors.errno(new IOException("disk on fire"), "op", "/x").errno());
    }
}
