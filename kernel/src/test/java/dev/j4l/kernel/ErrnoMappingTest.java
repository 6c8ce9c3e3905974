package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real failures from the kernel arrive as the right Errno, with the call and path named. */
class ErrnoMappingTest {
    @TempDir
    Path tmp;

    @Test
    void enoentEexistEnotemptyEnotdir() throws Exception {
        KernelException e = assertThrows(KernelException.class, () -> Fs.stat(tmp.resolve("missing").toString()));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("statx", e.syscall());
        assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("ENOENT"), e.getMessage());
        Files.createDirectory(tmp.resolve("d"));
        Files.writeString(tmp.resolve("d/f"), "x");
        assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                () -> Fs.mkdir(tmp.resolve("d").toString(), 0700)).errno());
        assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                () -> Fs.open(tmp.resolve("d/f").toString(), Fs.O_CREAT | Fs.O_EXCL | Fs.O_WRONLY, 0600)).errno());
        assertEquals(Errno.ENOTEMPTY, assertThrows(KernelException.class,
                () -> Fs.rmdir(tmp.resolve("d").toString())).errno());
        assertEquals(Errno.ENOTDIR, assertThrows(KernelException.class,
                () -> Fs.open(tmp.resolve("d/f/x").toString(), Fs.O_RDONLY)).errno());
        assertEquals(Errno.EISDIR, assertThrows(KernelException.class,
                () -> Fs.unlink(tmp.resolve("d").toString())).errno());
    }

    @Test
    void eaccesForAnUnprivilegedFilesystemIdentity() throws Exception {
        Assumptions.assumeTrue(Capabilities.has(Capabilities.CAP_SETUID), "needs CAP_SETUID to borrow an identity");
        Path secret = tmp.resolve("secret");
        Files.writeString(secret, "root only");
        Fs.chmod(OwnedFd.CWD, secret.toString(), 0600, 0);
        Fs.chmod(OwnedFd.CWD, tmp.toString(), 0755, 0);
        // As nobody (fsuid 65534): the kernel drops the fs capabilities, so the mode bits apply.
        Errno seen = Credentials.actAs(65534, 65534, new int[0], () -> {
            try (OwnedFd _ = Fs.open(secret.toString(), Fs.O_RDONLY)) {
                return null;
            } catch (KernelException e) {
                return e.errno();
            }
        });
        assertEquals(Errno.EACCES, seen);
        Errno mkdirSeen = Credentials.actAs(65534, 65534, new int[0], () -> {
            try {
                Fs.mkdir(tmp.resolve("nope").toString(), 0700);
                return null;
            } catch (KernelException e) {
                return e.errno();
            }
        });
        assertEquals(Errno.EACCES, mkdirSeen);
        // And back as ourselves, it opens.
        try (OwnedFd fd = Fs.open(secret.toString(), Fs.O_RDONLY)) {
            assertTrue(fd.isOpen());
        }
    }

    @Test
    void eaccesInAChildRunByNobody() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) not installed");
        Assumptions.assumeTrue(Capabilities.has(Capabilities.CAP_SETUID) && Capabilities.has(Capabilities.CAP_SETGID),
                "needs CAP_SETUID and CAP_SETGID to run a child as nobody");
        Path secret = tmp.resolve("secret2");
        Files.writeString(secret, "root only");
        Fs.chmod(OwnedFd.CWD, secret.toString(), 0600, 0);
        Fs.chmod(OwnedFd.CWD, tmp.toString(), 0755, 0);
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "cat", secret.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.waitFor());
        assertTrue(out.contains("Permission denied"), out); // strerror(EACCES), which Errno also carries:
        assertEquals("Permission denied", Errno.EACCES.description());
    }

    @Test
    void exdevRenamingAcrossATmpfsMountedInAPrivateNamespace() throws Exception {
        Assumptions.assumeTrue(Capabilities.has(Capabilities.CAP_SYS_ADMIN), "needs CAP_SYS_ADMIN to mount");
        Path mnt = Files.createDirectory(tmp.resolve("mnt"));
        Path outside = tmp.resolve("outside");
        Files.writeString(outside, "x");
        AtomicReference<Object> result = new AtomicReference<>();
        // Mount namespaces are per thread: this thread's mounts vanish with it and never reach the host.
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Namespaces.unshare(Namespaces.CLONE_NEWNS);
                Mounts.mount(null, "/", null, Mounts.MS_REC | Mounts.MS_PRIVATE, null);
                Mounts.mount("j4lt-tmpfs", mnt.toString(), "tmpfs", 0, "size=1m");
                try {
                    Files.writeString(mnt.resolve("inside"), "y");
                    assertEquals(FileSystemStat.TMPFS_MAGIC, Fs.statfs(mnt.toString()).type());
                    KernelException rename = assertThrows(KernelException.class,
                            () -> Fs.rename(mnt.resolve("inside").toString(), tmp.resolve("moved").toString()));
                    KernelException link = assertThrows(KernelException.class, () -> Fs.link(OwnedFd.CWD,
                            outside.toString(), OwnedFd.CWD, mnt.resolve("linked").toString(), 0));
                    result.set(new Errno[] {rename.errno(), link.errno()});
                } finally {
                    Mounts.unmount(mnt.toString(), 0);
                }
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.join();
        if (result.get() instanceof Throwable e) throw new AssertionError(e);
        Errno[] r = (Errno[]) result.get();
        assertEquals(Errno.EXDEV, r[0]);
        assertEquals(Errno.EXDEV, r[1]);
        assertFalse(Files.readString(Path.of("/proc/self/mounts")).contains("j4lt-tmpfs"), "mount leaked to the host namespace");
        assertFalse(Files.exists(mnt.resolve("inside")));
    }

    @Test
    void unknownNumbersBecomeEio() {
        assertEquals(Errno.EIO, Errno.orEio(4000));
        assertEquals(Errno.ENOENT, Errno.of(-2));
        assertThrows(IllegalArgumentException.class, () -> Errno.of(0));
        KernelException k = KernelException.of("read", "x", -9999);
        assertEquals(Errno.EIO, k.errno());
    }
}
