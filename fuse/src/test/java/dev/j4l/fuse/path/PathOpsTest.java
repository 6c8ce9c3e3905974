package dev.j4l.fuse.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.FuseCapability;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.LogCapture;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the path API offers beyond files and names, as libfuse's high-level API does: access, copy_file_range and
 * both kinds of lock, each reaching the driver by path (and handle), checked from outside with real syscalls.
 */
class PathOpsTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private final PathOpsFs fs = new PathOpsFs();
    /** Debian's python, which another user may run (a python3 on root's PATH may live under /root). */
    private static final String SYSTEM_PYTHON = "/usr/bin/python3";

    /** Mounted allow_other and without default_permissions, so the kernel asks the driver about access. */
    private Path mount(PathFilesystem<?> driver) throws Exception {
        Needs.fuse();
        Path dir = mounts.dir("ops");
        mounts.closeAfter(FuseMount.mount(dir, PathFilesystem.inodes(driver),
                MountOptions.builder().fsname("ops").allowOther(true).build()));
        return dir;
    }

    private static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(10);
    }

    /** Every lock dropped and no waiter left, once the kernel's last releases (after the processes exit) arrived. */
    private void assertNoLocksLeft() throws Exception {
        waitFor(() -> fs.held().equals("posix {} flock {} waiting 0"));
        assertEquals("posix {} flock {} waiting 0", fs.held());
    }

    @Test
    void accessAsksTheDriverWithTheCallersCredentials() throws Exception {
        Needs.root();
        Path m = mount(fs);
        for (String f : List.of("f", "readonly", "private")) Files.writeString(m.resolve(f), "x");
        String py = """
                import os, sys
                d = sys.argv[1]
                print(os.access(d + '/f', os.R_OK | os.W_OK), os.access(d + '/readonly', os.R_OK),
                      os.access(d + '/readonly', os.W_OK), os.access(d + '/private', os.R_OK))
                """;
        assertEquals("True True False True", Command.run("python3", "-c", py, m.toString()).strip());
        assertEquals("True True False False",
                Command.of(SYSTEM_PYTHON, "-c", py, m.toString()).asUser(65534, 65534).run().strip());
        assertTrue(fs.calls.contains("access /private 4 uid 65534"), fs.calls.toString());
        assertTrue(fs.calls.contains("access /readonly 2 uid 0"), fs.calls.toString());
        // chdir asks too (X_OK of the directory).
        Command.run("sh", "-c", "cd " + m);
        assertTrue(fs.calls.contains("access / 1 uid 0"), fs.calls.toString());
    }

    @Test
    void withoutAccessTheKernelGrantsEveryAccess() throws Exception {
        Needs.root();
        PathFilesystem<Void> bare = new PathFilesystem<>() {
            @Override
            public Attr getattr(Request r, String path, Void handle) throws ErrnoException {
                if (path.equals("/")) return Attr.of(FileMode.S_IFDIR | 0755, 0, 0, 0);
                if (path.equals("/f")) return Attr.of(FileMode.S_IFREG | 0600, 0, 0, 0);
                throw new ErrnoException(Errno.ENOENT);
            }
        };
        Path m = mount(bare);
        String py = "import os, sys; f = sys.argv[1]; print(os.access(f, os.X_OK), os.access(f, os.W_OK))";
        // Mode 0600, owned by root: yet with no access call (ENOSYS) the kernel grants what it is asked.
        assertEquals("True True", Command.run("python3", "-c", py, m.resolve("f").toString()).strip());
        assertEquals("True True",
                Command.of(SYSTEM_PYTHON, "-c", py, m.resolve("f").toString()).asUser(65534, 65534).run().strip());
    }

    @Test
    void copyFileRangeReachesTheDriverWithBothPathsAndHandles() throws Exception {
        Path m = mount(fs);
        Files.writeString(m.resolve("a"), "hello world");
        Files.writeString(m.resolve("b"), "");
        String py = """
                import os, sys
                d = sys.argv[1]
                fi = os.open(d + '/a', os.O_RDONLY)
                fo = os.open(d + '/b', os.O_WRONLY)
                os.rename(d + '/a', d + '/c')
                print(os.copy_file_range(fi, fo, 100, 6, 0))
                os.unlink(d + '/c')
                print(os.copy_file_range(fi, fo, 5, 0, 5))
                """;
        assertEquals(List.of("5", "5"), Command.run("python3", "-c", py, m.toString()).strip().lines().toList());
        assertEquals("worldhello", Files.readString(m.resolve("b")));
        List<String> copies = fs.calls.stream().filter(c -> c.startsWith("copy ")).toList();
        // The kernel shortens the copy to the end of the input before asking.
        assertEquals("copy /c (opened as /a) 6 -> /b (opened as /b) 0 5", copies.get(0));
        // An open file unlinked is read through its hidden name.
        assertTrue(copies.get(1).matches("copy /\\Q" + PathLayer.HIDDEN_PREFIX + "\\E\\w+ \\(opened as /a\\) 0 -> "
                + "/b \\(opened as /b\\) 5 5"), copies.toString());
    }

    @Test
    void posixLocksAreTheDriversAndEachCloseDropsTheClosersLocks() throws Exception {
        Path m = mount(fs);
        Files.writeString(m.resolve("f"), "0123456789abcdefghij");
        // The parent locks bytes 0-9; a child (another owner) meets the conflict, locks beside it, asks F_GETLK,
        // is interrupted while waiting, then waits for the parent's close(2), which drops the parent's lock.
        String py = """
                import errno, fcntl, os, signal, struct, sys, time
                f = sys.argv[1]
                fd = os.open(f, os.O_RDWR)
                fcntl.lockf(fd, fcntl.LOCK_EX, 10, 0)
                r, w = os.pipe()
                go_r, go_w = os.pipe()
                pid = os.fork()
                if pid == 0:
                    out = []
                    fd2 = os.open(f, os.O_RDWR)
                    try:
                        fcntl.lockf(fd2, fcntl.LOCK_EX | fcntl.LOCK_NB, 10, 5); out.append('locked')
                    except OSError as e:
                        out.append(errno.errorcode[e.errno])
                    fcntl.lockf(fd2, fcntl.LOCK_SH | fcntl.LOCK_NB, 10, 10); out.append('beside')
                    flock = struct.pack('hhqqi4x', fcntl.F_WRLCK, os.SEEK_SET, 0, 20, 0)
                    t, _, s, l, p = struct.unpack('hhqqi4x', fcntl.fcntl(fd2, fcntl.F_GETLK, flock))
                    out.append('%s %d %d %s' % (t == fcntl.F_WRLCK, s, l, p == os.getppid()))
                    class Alarm(Exception): pass
                    def ring(*a): raise Alarm()
                    signal.signal(signal.SIGALRM, ring)
                    signal.setitimer(signal.ITIMER_REAL, 0.3)
                    try:
                        fcntl.lockf(fd2, fcntl.LOCK_EX, 10, 0); out.append('not interrupted')
                    except Alarm:
                        out.append('interrupted')
                    os.write(go_w, b'go')
                    fcntl.lockf(fd2, fcntl.LOCK_EX, 10, 0)
                    out.append('waited')
                    os.write(w, ' | '.join(out).encode())
                    os._exit(0)
                os.read(go_r, 2)
                time.sleep(0.3)
                os.close(fd)
                os.waitpid(pid, 0)
                print(os.read(r, 4096).decode())
                """;
        String out = Command.of("python3", "-c", py, m.resolve("f").toString()).timeout(Duration.ofSeconds(30)).run();
        assertEquals("EAGAIN | beside | True 0 10 True | interrupted | waited", out.strip());
        assertTrue(fs.calls.contains("getlk /f"), fs.calls.toString());
        assertTrue(fs.calls.contains("setlk /f type 1 wait"), fs.calls.toString());
        // Every close(2) dropped its owner's locks (the child's at its exit).
        assertNoLocksLeft();
    }

    /**
     * A driver that waits inside setlk: the waiting call holds no tree lock, so a rename (which waits for every
     * call holding it) and the holder's close, which lets the wait end, both get through.
     */
    @Test
    void aLockWaitingInTheDriverLetsRenamesAndTheUnlockThrough() throws Exception {
        fs.blockingWaits = true;
        Path m = mount(fs);
        Files.writeString(m.resolve("f"), "0123456789");
        String py = """
                import fcntl, os, sys, time
                d = sys.argv[1]
                fd = os.open(d + '/f', os.O_RDWR)
                fcntl.lockf(fd, fcntl.LOCK_EX, 0, 0)
                pid = os.fork()
                if pid == 0:
                    fd2 = os.open(d + '/f', os.O_RDWR)
                    fcntl.lockf(fd2, fcntl.LOCK_EX, 0, 0)
                    os._exit(0)
                time.sleep(0.5)
                os.rename(d + '/f', d + '/g')
                print('renamed')
                os.close(fd)
                _, status = os.waitpid(pid, 0)
                print('child', status)
                """;
        String out = Command.of("python3", "-c", py, m.toString()).timeout(Duration.ofSeconds(30)).run();
        assertEquals(List.of("renamed", "child 0"), out.strip().lines().toList());
        assertTrue(fs.calls.contains("setlk /f type 1 wait"), fs.calls.toString());
        assertNoLocksLeft();
    }

    @Test
    void flockLocksAreTheDriversAndTheLastCloseDropsThem() throws Exception {
        Path m = mount(fs);
        Files.writeString(m.resolve("f"), "x");
        String py = """
                import errno, fcntl, os, subprocess, sys, time
                f = sys.argv[1]
                out = []
                def cli():
                    return subprocess.run(['flock', '-n', '-x', f, 'true']).returncode
                fd = os.open(f, os.O_RDWR)
                fcntl.flock(fd, fcntl.LOCK_EX)
                fd2 = os.open(f, os.O_RDONLY)
                try:
                    fcntl.flock(fd2, fcntl.LOCK_SH | fcntl.LOCK_NB); out.append('shared')
                except OSError as e:
                    out.append(errno.errorcode[e.errno])
                dup = os.dup(fd)
                fcntl.flock(dup, fcntl.LOCK_SH | fcntl.LOCK_NB); out.append('converted')
                fcntl.flock(fd2, fcntl.LOCK_SH | fcntl.LOCK_NB); out.append('both shared')
                waiter = subprocess.Popen(['flock', '-x', f, 'echo', 'waited'], stdout=subprocess.PIPE, text=True)
                time.sleep(0.3)
                out.append(str(waiter.poll()))
                os.close(dup); os.close(fd)
                out.append(str(cli()))
                os.close(fd2)
                out.append(waiter.communicate(timeout=10)[0].strip())
                deadline = time.time() + 5
                while cli() != 0 and time.time() < deadline: time.sleep(0.05)
                out.append(str(cli()))
                print(' '.join(out))
                """;
        assertEquals("EAGAIN converted both shared None 1 waited 0", Command.run("python3", "-c", py, m.resolve("f").toString()).strip());
        assertTrue(fs.calls.contains("flock /f type 1"), fs.calls.toString());
        assertTrue(fs.calls.contains("flock /f type 2"), fs.calls.toString());
        assertTrue(fs.calls.contains("flock /f type 1 wait"), fs.calls.toString());
        assertNoLocksLeft();
    }

    @Test
    void aThrowingDriverGivesEioForThatRequestAndALogLine() throws Exception {
        Path m = mount(fs);
        Files.writeString(m.resolve("boom"), "boom");
        Files.writeString(m.resolve("b"), "");
        String py = """
                import ctypes, errno, fcntl, os, sys
                d = sys.argv[1]
                libc = ctypes.CDLL(None, use_errno=True)
                def err(fn):
                    try: fn(); return 'ok'
                    except OSError as e: return errno.errorcode[e.errno]
                out = []
                rc = libc.access((d + '/boom').encode(), os.R_OK)
                out.append(errno.errorcode[ctypes.get_errno()] if rc else 'ok')
                fi = os.open(d + '/boom', os.O_RDWR)
                fo = os.open(d + '/b', os.O_WRONLY)
                out.append(err(lambda: os.copy_file_range(fi, fo, 4, 0, 0)))
                out.append(err(lambda: fcntl.lockf(fi, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0)))
                out.append(err(lambda: fcntl.flock(fi, fcntl.LOCK_EX | fcntl.LOCK_NB)))
                print(' '.join(out))
                print(os.read(fi, 10).decode())
                """;
        try (LogCapture log = new LogCapture("dev.j4l.fuse")) {
            String out = Command.run("python3", "-c", py, m.toString());
            assertEquals(List.of("EIO EIO EIO EIO", "boom"), out.strip().lines().toList());
            for (String op : List.of("ACCESS", "COPY_FILE_RANGE", "SETLK")) {
                assertTrue(log.contains("driver failed in " + op), op + ": " + log.lines);
            }
        }
        assertEquals("boom", Files.readString(m.resolve("boom")));
    }

    @Test
    void exportIsRefusedForPaths() {
        PathFilesystem<Void> exporting = new PathFilesystem<>() {
            @Override
            public Attr getattr(Request r, String path, Void handle) throws ErrnoException {
                throw new ErrnoException(Errno.ENOENT);
            }

            @Override
            public Set<FuseCapability> capabilities() {
                return Set.of(FuseCapability.EXPORT);
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PathFilesystem.inodes(exporting));
        assertTrue(e.getMessage().contains("EXPORT"), e.getMessage());
    }
}
