package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.FileLocks;
import dev.j4l.kernel.FileStat;
import dev.j4l.kernel.FileSystemStat;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Poller;
import dev.j4l.kernel.Xattrs;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every request type the kernel sends to a plain FUSE mount, driven by real system calls, so each request
 * and reply layout is checked against the kernel itself.
 */
class OpcodeCoverageTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();
    Path mnt;
    String m;
    TreeFs fs;
    FuseMount<TreeFs.Node> mount;

    @BeforeEach
    void mount() throws Exception {
        Needs.fuse();
        mnt = mounts.dir("mnt");
        m = mnt.toString();
        fs = new TreeFs();
        mount = mounts.closeAfter(FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest").timeouts(Duration.ZERO).build()));
    }

    @Test
    void namespaceOperations() throws Exception {
        Fs.mkdir(m + "/d", 0750);
        assertEquals(FileStat.S_IFDIR | 0750, Fs.stat(m + "/d").mode());
        try (OwnedFd f = Fs.open(m + "/d/f", Fs.O_CREAT | Fs.O_WRONLY, 0640)) {
            f.write(NativeBuffer.copyOf("data".getBytes(StandardCharsets.UTF_8)));
        }
        assertTrue(fs.calls.contains("create"));
        assertEquals("data", Files.readString(mnt.resolve("d/f")));
        Fs.symlink("d/f", m + "/link");
        assertEquals("d/f", Fs.readlink(m + "/link"));
        assertEquals(FileStat.S_IFLNK, Fs.lstat(m + "/link").type());
        assertEquals("data", Files.readString(mnt.resolve("link")));
        Fs.link(OwnedFd.CWD, m + "/d/f", OwnedFd.CWD, m + "/hard", 0);
        assertEquals(2, Fs.stat(m + "/hard").nlink());
        Fs.mknod(OwnedFd.CWD, m + "/fifo", FileStat.S_IFIFO | 0600, 0);
        assertEquals(FileStat.S_IFIFO, Fs.stat(m + "/fifo").type());

        Fs.rename(m + "/hard", m + "/hard2");
        assertTrue(Files.exists(mnt.resolve("hard2")) && !Files.exists(mnt.resolve("hard")));
        KernelException e = assertThrows(KernelException.class,
                () -> Fs.rename(OwnedFd.CWD, m + "/hard2", OwnedFd.CWD, m + "/link", Fs.RENAME_NOREPLACE));
        assertEquals(Errno.EEXIST, e.errno());
        Fs.rename(OwnedFd.CWD, m + "/hard2", OwnedFd.CWD, m + "/link", Fs.RENAME_EXCHANGE);
        assertEquals(FileStat.S_IFLNK, Fs.lstat(m + "/hard2").type());
        assertTrue(fs.calls.contains("rename:2"), fs.calls.toString()); // NOREPLACE is checked by the VFS first

        try (Stream<Path> s = Files.list(mnt)) {
            assertEquals(List.of("d", "fifo", "hard2", "link"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Fs.unlink(m + "/fifo");
        Fs.unlink(m + "/d/f");
        e = assertThrows(KernelException.class, () -> Fs.rmdir(m + "/link")); // a file now
        assertEquals(Errno.ENOTDIR, e.errno());
        Fs.rmdir(m + "/d");
        assertFalse(Files.exists(mnt.resolve("d")));
    }

    @Test
    void attributesAndTimes() throws Exception {
        Files.writeString(mnt.resolve("f"), "0123456789");
        String f = m + "/f";
        Fs.chmod(OwnedFd.CWD, f, 0600, 0);
        assertEquals(0600, Fs.stat(f).mode() & 07777);
        Fs.chown(OwnedFd.CWD, f, 1234, 5678, 0);
        assertEquals(1234, Fs.stat(f).uid());
        assertEquals(5678, Fs.stat(f).gid());
        Fs.utimens(OwnedFd.CWD, f, 1_000_000, 5, 2_000_000, Fs.UTIME_OMIT, 0);
        FileStat st = Fs.stat(f);
        assertEquals(1_000_000, st.atimeSec());
        assertEquals(5, st.atimeNsec());
        assertTrue(st.mtimeSec() > 1_700_000_000L, "mtime should be unchanged (omit)");
        try (OwnedFd fd = Fs.open(f, Fs.O_RDWR)) {
            Fs.truncate(fd, 4);
            assertEquals(4, Fs.stat(fd).size());
            Fs.fsync(fd);
            Fs.fdatasync(fd);
        }
        assertTrue(fs.calls.contains("fsync:false") && fs.calls.contains("fsync:true"));
        assertTrue(fs.calls.contains("flush"));
        FileStat sx = Fs.statx(OwnedFd.CWD, f, 0, Fs.STATX_BASIC_STATS | Fs.STATX_BTIME);
        assertEquals(1234, sx.btimeSec());
        assertEquals(567, sx.btimeNsec());
        FileSystemStat sf = Fs.statfs(m);
        assertEquals(FileSystemStat.FUSE_SUPER_MAGIC, sf.type());
        assertEquals(1000, sf.blocks());
        assertEquals(400, sf.bavail());
        assertEquals(255, sf.namelen());
        Fs.access(f, Fs.R_OK);
        assertTrue(fs.calls.stream().anyMatch(c -> c.startsWith("access:")));
    }

    @Test
    void dataOperations() throws Exception {
        byte[] big = new byte[3 << 20];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        Files.write(mnt.resolve("big"), big);
        assertArrayEquals(big, Files.readAllBytes(mnt.resolve("big")));
        try (OwnedFd in = Fs.open(m + "/big", Fs.O_RDONLY);
                OwnedFd out = Fs.open(m + "/copy", Fs.O_CREAT | Fs.O_RDWR, 0644)) {
            assertEquals(1000, Fs.copyFileRange(in, 10, out, 0, 1000));
            Fs.allocate(out, 0, 0, 5000);
            assertEquals(5000, Fs.stat(out).size());
            assertEquals(100, Fs.seek(out, 100, Fs.SEEK_DATA));
            assertEquals(5000, Fs.seek(out, 100, Fs.SEEK_HOLE));
        }
        assertTrue(fs.calls.contains("copy_file_range"), fs.calls.toString());
        assertTrue(fs.calls.contains("fallocate:0"));
        assertTrue(fs.calls.contains("lseek:3") && fs.calls.contains("lseek:4"));
        byte[] copied = Files.readAllBytes(mnt.resolve("copy"));
        for (int i = 0; i < 1000; i++) assertEquals(big[i + 10], copied[i]);
        try (OwnedFd t = Fs.open(m, Fs.O_TMPFILE | Fs.O_RDWR, 0600)) {
            t.write(NativeBuffer.copyOf(new byte[] {1, 2, 3}));
            assertEquals(3, Fs.stat(t).size());
        }
        assertTrue(fs.calls.contains("tmpfile"));
    }

    @Test
    void xattrs() throws Exception {
        Files.writeString(mnt.resolve("x"), "");
        String x = m + "/x";
        Xattrs.set(x, "user.one", "1".getBytes(StandardCharsets.UTF_8), 0);
        Xattrs.set(x, "user.two", new byte[10_000], 0);
        assertArrayEquals("1".getBytes(StandardCharsets.UTF_8), Xattrs.get(x, "user.one"));
        assertEquals(10_000, Xattrs.get(x, "user.two").length);
        assertEquals(List.of("user.one", "user.two"), Xattrs.list(x).stream().sorted().toList());
        KernelException e = assertThrows(KernelException.class,
                () -> Xattrs.set(x, "user.one", new byte[1], Xattrs.XATTR_CREATE));
        assertEquals(Errno.EEXIST, e.errno());
        Xattrs.remove(x, "user.one");
        e = assertThrows(KernelException.class, () -> Xattrs.get(x, "user.one"));
        assertEquals(Errno.ENODATA, e.errno());
    }

    @Test
    void locksPollAndIoctl() throws Exception {
        Files.writeString(mnt.resolve("l"), "lock me");
        try (OwnedFd fd = Fs.open(m + "/l", Fs.O_RDWR)) {
            assertTrue(FileLocks.set(fd, FileLocks.Lock.write(0, 10), false, false));
            assertEquals(FileLocks.F_UNLCK, FileLocks.test(fd, FileLocks.Lock.read(0, 10), false).type());
            assertTrue(FileLocks.set(fd, FileLocks.Lock.unlock(0, 10), false, true));
            assertTrue(FileLocks.flock(fd, FileLocks.LOCK_EX));
            assertTrue(FileLocks.flock(fd, FileLocks.LOCK_UN));
            assertTrue(fs.calls.contains("setlk:1:false"), fs.calls.toString());
            assertTrue(fs.calls.contains("getlk"));
            assertTrue(fs.calls.contains("setlk:2:true"));
            assertTrue(fs.calls.contains("flock:1") && fs.calls.contains("flock:2"), fs.calls.toString());

            Poller p = new Poller(1);
            int i = p.add(fd, Poller.POLLIN);
            assertEquals(1, p.poll(1000));
            assertTrue(p.isReady(i, Poller.POLLIN));
            assertTrue(fs.calls.contains("poll"));

            // Reading inode flags is a FUSE ioctl (the kernel's fileattr call, FS_IOC_GETFLAGS with no input and
            // 4 bytes out): the flags read are the bytes the driver answered (TreeFs answers 0x7f past its input).
            assertEquals(0x7f7f7f7f, Fs.inodeFlags(fd));
            assertTrue(fs.calls.contains("ioctl:80086601:"), fs.calls.toString());
        }
    }
}
