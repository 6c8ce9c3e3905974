package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsTest {
    @TempDir
    Path tmp;

    private static Errno errnoOf(ThrowingRunnable r) {
        KernelException e = assertThrows(KernelException.class, r::run);
        return e.errno();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void statMatchesJavaNioAndTheKernel() throws Exception {
        Path f = tmp.resolve("f");
        Files.writeString(f, "12345");
        FileStat st = Fs.stat(f.toString());
        assertEquals(5, st.size());
        assertTrue(st.isRegularFile());
        assertEquals(Files.getAttribute(f, "unix:ino"), st.ino());
        assertEquals(Files.getAttribute(f, "unix:nlink"), (int) st.nlink());
        assertEquals(Files.getAttribute(f, "unix:dev"), st.dev());
        assertEquals(Files.getAttribute(f, "unix:mode"), st.mode());
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(f);
        assertEquals(mtime.to(java.util.concurrent.TimeUnit.NANOSECONDS),
                st.mtimeSec() * 1_000_000_000L + st.mtimeNsec());
        try (OwnedFd fd = Fs.open(f.toString(), Fs.O_RDONLY)) {
            assertEquals(st.ino(), Fs.stat(fd).ino());
        }
        // /dev/null is a character device 1:3.
        FileStat dn = Fs.stat("/dev/null");
        assertEquals(FileStat.S_IFCHR, dn.type());
        assertEquals(1, dn.rdevMajor());
        assertEquals(3, dn.rdevMinor());
    }

    @Test
    void directoryOperationsRelativeToAHandle() throws Exception {
        try (OwnedFd dir = Fs.open(tmp.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
            Fs.mkdir(dir, "sub", 0755);
            assertEquals(Errno.EEXIST, errnoOf(() -> Fs.mkdir(dir, "sub", 0755)));
            try (OwnedFd f = Fs.openat(dir, "sub/a", Fs.O_CREAT | Fs.O_WRONLY | Fs.O_EXCL, 0640)) {
                f.write(NativeBuffer.copyOf("abc".getBytes(StandardCharsets.UTF_8)));
            }
            assertEquals(0640, Fs.stat(dir, "sub/a", 0).permissions());
            assertEquals(Errno.ENOTEMPTY, errnoOf(() -> Fs.unlink(dir, "sub", Fs.AT_REMOVEDIR)));
            Fs.symlink("a", dir, "sub/link");
            assertEquals("a", Fs.readlink(dir, "sub/link"));
            assertTrue(Fs.stat(dir, "sub/link", Fs.AT_SYMLINK_NOFOLLOW).isSymbolicLink());
            assertEquals(3, Fs.stat(dir, "sub/link", 0).size());
            Fs.link(dir, "sub/a", dir, "sub/hard", 0);
            assertEquals(2, Fs.stat(dir, "sub/a", 0).nlink());
            Fs.rename(dir, "sub/hard", dir, "sub/b", 0);
            assertEquals(Errno.EEXIST, errnoOf(() -> Fs.rename(dir, "sub/a", dir, "sub/b", Fs.RENAME_NOREPLACE)));
            Files.writeString(tmp.resolve("sub/c"), "cc");
            Fs.rename(dir, "sub/b", dir, "sub/c", Fs.RENAME_EXCHANGE);
            assertEquals("cc", Files.readString(tmp.resolve("sub/b")));
            assertEquals("abc", Files.readString(tmp.resolve("sub/c")));
            Fs.chmod(dir, "sub/a", 0600, 0);
            assertEquals(0600, Fs.stat(dir, "sub/a", 0).permissions());
            Fs.utimens(dir, "sub/a", 1000, 5, 2000, 7, 0);
            FileStat st = Fs.stat(dir, "sub/a", 0);
            assertEquals(1000, st.atimeSec());
            assertEquals(5, st.atimeNsec());
            assertEquals(2000, st.mtimeSec());
            assertEquals(7, st.mtimeNsec());
            Fs.utimens(dir, "sub/a", 0, Fs.UTIME_OMIT, 0, Fs.UTIME_NOW, 0);
            FileStat st2 = Fs.stat(dir, "sub/a", 0);
            assertEquals(1000, st2.atimeSec());
            assertTrue(st2.mtimeSec() > 2000);
            Fs.mknod(dir, "sub/fifo", FileStat.S_IFIFO | 0600, 0);
            assertEquals(FileStat.S_IFIFO, Fs.stat(dir, "sub/fifo", 0).type());
            for (String n : new String[] {"sub/a", "sub/b", "sub/c", "sub/link", "sub/fifo"}) Fs.unlink(dir, n, 0);
            Fs.unlink(dir, "sub", Fs.AT_REMOVEDIR);
            assertEquals(Errno.ENOENT, errnoOf(() -> Fs.stat(dir, "sub", 0)));
        }
    }

    @Test
    void directoryReaderListsEveryEntryWithTypes() throws Exception {
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            Files.writeString(tmp.resolve("file-" + i), "x");
            expected.put("file-" + i, DirectoryReader.DT_REG);
        }
        Files.createDirectory(tmp.resolve("d"));
        expected.put("d", DirectoryReader.DT_DIR);
        Files.createSymbolicLink(tmp.resolve("l"), Path.of("nowhere"));
        expected.put("l", DirectoryReader.DT_LNK);
        try (OwnedFd dir = Fs.open(tmp.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
            // A small buffer forces many getdents64 calls.
            DirectoryReader r = new DirectoryReader(dir, NativeBuffer.allocate(512));
            Map<String, Integer> seen = new HashMap<>();
            long resumeAt = 0;
            int dots = 0;
            while (r.next()) {
                if (r.isDotOrDotDot()) {
                    dots++;
                    continue;
                }
                seen.put(r.name(), r.type());
                assertEquals(Files.getAttribute(tmp.resolve(r.name()), "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS), r.inode());
                if (seen.size() == 100) resumeAt = r.offset();
            }
            assertEquals(2, dots);
            assertEquals(expected, seen);
            // Resuming from an entry's offset yields exactly the entries after it.
            r.seek(resumeAt);
            int rest = 0;
            while (r.next()) if (!r.isDotOrDotDot()) rest++;
            assertTrue(rest <= expected.size() - 100 + 2 && rest >= expected.size() - 100 - 2, "rest " + rest);
        }
    }

    @Test
    void openat2BeneathRefusesEscapes() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        Files.writeString(root.resolve("inside"), "ok");
        Files.writeString(tmp.resolve("secret"), "no");
        Files.createSymbolicLink(root.resolve("abs"), tmp.resolve("secret"));
        Files.createSymbolicLink(root.resolve("rel"), Path.of("../secret"));
        Files.createSymbolicLink(root.resolve("fine"), Path.of("inside"));
        try (OwnedFd dir = Fs.open(root.toString(), Fs.O_PATH | Fs.O_DIRECTORY)) {
            try (OwnedFd f = Fs.openat2(dir, "inside", Fs.O_RDONLY, 0, Fs.RESOLVE_BENEATH)) {
                assertEquals(2, Fs.stat(f).size());
            }
            try (OwnedFd f = Fs.openat2(dir, "fine", Fs.O_RDONLY, 0, Fs.RESOLVE_BENEATH)) {
                assertEquals(2, Fs.stat(f).size());
            }
            assertEquals(Errno.EXDEV, errnoOf(() -> Fs.openat2(dir, "../secret", Fs.O_RDONLY, 0, Fs.RESOLVE_BENEATH)));
            assertEquals(Errno.EXDEV, errnoOf(() -> Fs.openat2(dir, tmp.resolve("secret").toString(), Fs.O_RDONLY, 0, Fs.RESOLVE_BENEATH)));
            assertEquals(Errno.EXDEV, errnoOf(() -> Fs.openat2(dir, "abs", Fs.O_RDONLY, 0, Fs.RESOLVE_BENEATH)));
            assertEquals(Errno.EXDEV, errnoOf(() -> Fs.openat2(dir, "rel", Fs.O_RDONLY, 0, Fs.RESOLVE_BENEATH)));
            assertEquals(Errno.ELOOP, errnoOf(() -> Fs.openat2(dir, "fine", Fs.O_RDONLY, 0, Fs.RESOLVE_NO_SYMLINKS)));
            // IN_ROOT: ".." at the root stays at the root, so "../inside" is root/inside.
            try (OwnedFd f = Fs.openat2(dir, "../inside", Fs.O_RDONLY, 0, Fs.RESOLVE_IN_ROOT)) {
                assertEquals(2, Fs.stat(f).size());
            }
            assertEquals(Errno.ELOOP, errnoOf(() -> Fs.openat2(OwnedFd.CWD, "/proc/self/exe", Fs.O_PATH, 0, Fs.RESOLVE_NO_MAGICLINKS)));
            try (OwnedFd f = Fs.openat2(dir, "new", Fs.O_CREAT | Fs.O_WRONLY, 0600, Fs.RESOLVE_BENEATH)) {
                assertEquals(0600, Fs.stat(f).permissions());
            }
        }
    }

    @Test
    void sparseFileSeekDataAndHole() throws Exception {
        Path f = tmp.resolve("sparse");
        try (OwnedFd fd = Fs.open(f.toString(), Fs.O_CREAT | Fs.O_RDWR, 0600)) {
            NativeBuffer b = NativeBuffer.allocate(4096);
            b.fill(0, 4096, (byte) 7);
            long mib = 1 << 20;
            fd.pwrite(b, 0, 4096, mib);
            Fs.truncate(fd, 4 * mib);
            long data = Fs.seek(fd, 0, Fs.SEEK_DATA);
            org.junit.jupiter.api.Assumptions.assumeTrue(data != 0, "filesystem of " + tmp + " does not report holes");
            assertEquals(mib, data);
            assertEquals(0, Fs.seek(fd, 0, Fs.SEEK_HOLE));
            long hole = Fs.seek(fd, mib, Fs.SEEK_HOLE);
            assertTrue(hole >= mib + 4096 && hole <= 4 * mib, "hole at " + hole);
            assertEquals(-1, Fs.seek(fd, 3 * mib, Fs.SEEK_DATA), "no data after the last block");
            // Punch the data away: the whole file is a hole again, size unchanged.
            Fs.allocate(fd, Fs.FALLOC_FL_PUNCH_HOLE | Fs.FALLOC_FL_KEEP_SIZE, mib, 4096);
            assertEquals(-1, Fs.seek(fd, 0, Fs.SEEK_DATA));
            assertEquals(4 * mib, Fs.stat(fd).size());
            Fs.allocate(fd, 0, 0, 8192);
            assertTrue(Fs.stat(fd).blocks() >= 16);
            Fs.fsync(fd);
            Fs.fdatasync(fd);
        }
    }

    @Test
    void directIoAlignmentIsReportedForAFileThatSupportsIt() throws Exception {
        Path f = tmp.resolve("direct");
        try (OwnedFd fd = Fs.open(f.toString(), Fs.O_CREAT | Fs.O_RDWR | Fs.O_DIRECT, 0600)) {
            Fs.DirectIoAlignment a = Fs.directIoAlignment(fd);
            org.junit.jupiter.api.Assumptions.assumeTrue(a.offset() != 0, "filesystem of " + tmp + " does not report it");
            assertTrue(Integer.bitCount(a.offset()) == 1 && a.offset() <= 65536, "offset alignment " + a.offset());
            assertTrue(Integer.bitCount(a.memory()) == 1 && a.memory() <= 65536, "memory alignment " + a.memory());
            // An aligned direct write works.
            NativeBuffer b = NativeBuffer.allocate(a.offset(), 4096);
            assertEquals(a.offset(), fd.pwrite(b, 0, a.offset(), 0));
        }
    }

    @Test
    void copyFileRangeAndVectoredIo() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        Files.writeString(a, "hello, world");
        try (OwnedFd in = Fs.open(a.toString(), Fs.O_RDONLY);
                OwnedFd out = Fs.open(b.toString(), Fs.O_CREAT | Fs.O_RDWR, 0600)) {
            assertEquals(5, Fs.copyFileRange(in, 7, out, 0, 5));
            assertEquals("world", Files.readString(b));
            NativeBuffer x = NativeBuffer.copyOf("12".getBytes()), y = NativeBuffer.copyOf("345".getBytes());
            assertEquals(5, out.pwritev(5, x, y));
            assertEquals("world12345", Files.readString(b));
            NativeBuffer p = NativeBuffer.allocate(3), q = NativeBuffer.allocate(4);
            assertEquals(7, in.preadv(0, p, q));
            assertEquals("hel", p.getString(0, 3));
            assertEquals("lo, ", q.getString(0, 4));
            assertEquals(7, in.readv(p, q));
            assertEquals(5, in.readv(p, q));
            assertEquals(0, in.readv(p, q));
        }
    }

    @Test
    void accessChownStatfsAndFlags() throws Exception {
        Path f = tmp.resolve("f");
        Files.writeString(f, "x");
        Fs.access(f.toString(), Fs.R_OK | Fs.W_OK);
        assertEquals(Errno.ENOENT, errnoOf(() -> Fs.access(tmp.resolve("none").toString(), Fs.F_OK)));
        try (OwnedFd p = Fs.open(f.toString(), Fs.O_PATH)) {
            Fs.chown(p, 1234, 5678);
            FileStat st = Fs.stat(p);
            assertEquals(1234, st.uid());
            assertEquals(5678, st.gid());
            Fs.utimens(p, "", 10, 0, 20, 0, Fs.AT_EMPTY_PATH);
            assertEquals(20, Fs.stat(p).mtimeSec());
        }
        FileSystemStat s = Fs.statfs(tmp.toString());
        assertTrue(s.bsize() > 0 && s.blocks() > 0 && s.namelen() >= 255, s.toString());
        assertEquals(FileSystemStat.PROC_SUPER_MAGIC, Fs.statfs("/proc").type());
        try (OwnedFd fd = Fs.open(f.toString(), Fs.O_RDWR)) {
            assertEquals(Fs.O_RDWR, fd.statusFlags() & Fs.O_ACCMODE);
            fd.setNonBlocking(true);
            assertTrue((fd.statusFlags() & Fs.O_NONBLOCK) != 0);
            Fs.chmod(fd, 0604);
            assertEquals(0604, Fs.stat(fd).permissions());
            try (OwnedFd d = fd.dup()) {
                assertEquals(Fs.stat(fd).ino(), Fs.stat(d).ino());
            }
            assertTrue(fd.isOpen());
        }
    }

    @Test
    void pathsWithNulAreRefused() {
        assertEquals(Errno.EINVAL, errnoOf(() -> Fs.open(tmp + "/a\0b", Fs.O_RDONLY)));
    }

    @Test
    void deviceNumberEncodingMatchesGlibc() {
        // makedev(259, 1048577) in glibc is 0x100000103001 | ... ; check the round trip and a known value.
        assertEquals(0x0103L, Fs.makedev(1, 3));
        long d = Fs.makedev(0x12345, 0x6789ab);
        assertEquals(0x12345, Fs.major(d));
        assertEquals(0x6789ab, Fs.minor(d));
        assertFalse(Fs.makedev(8, 1) == Fs.makedev(1, 8));
        assertArrayEquals(new int[] {8, 1}, new int[] {Fs.major(Fs.makedev(8, 1)), Fs.minor(Fs.makedev(8, 1))});
    }
}
