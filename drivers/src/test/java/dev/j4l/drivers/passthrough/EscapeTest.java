package dev.j4l.drivers.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.j4l.fuse.Entry;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attempts to reach files outside the mirrored tree: names with "..", symlinks (absolute and relative) the
 * daemon might follow, and renames racing lookups. The secret sits next to the source directory.
 */
class EscapeTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    /** This test's directory: sources, mount points and files outside them all live here. */
    Path dir;

    @BeforeEach
    void workDirectory() throws IOException {
        dir = mounts.dir("work");
    }

    private Path secret() throws IOException {
        return Files.writeString(dir.resolve("secret"), "outside\n");
    }

    /** Names the kernel would never send, given to the driver directly: each one stays beneath its directory. */
    @Test
    void namesThatLeaveTheDirectoryAreRefused() throws Exception {
        Needs.root();
        secret();
        Path src = Files.createDirectories(dir.resolve("src/sub"));
        PassthroughFs fs = new PassthroughFs(PassthroughOptions.of(dir.resolve("src")));
        Node root = fs.root();
        Node sub = fs.lookup(CallerRequest.ROOT, root, "sub").node();
        for (String name : new String[] {"..", "../secret", "sub/../../secret", "/etc/passwd", "sub/../.."}) {
            // A lookup of ".." is a file handle's way up (export support): answered, but never above the root.
            if (!name.equals("..")) {
                assertErrno(Set.of(Errno.EXDEV, Errno.ENOENT), () -> fs.lookup(CallerRequest.ROOT, root, name), name);
            }
            assertErrno(Set.of(Errno.EXDEV), () -> fs.mkdir(CallerRequest.ROOT, root, name, 0755), "mkdir " + name);
            assertErrno(Set.of(Errno.EXDEV), () -> fs.create(CallerRequest.ROOT, sub, name, 0644, Fs.O_RDWR), "create " + name);
            assertErrno(Set.of(Errno.EXDEV), () -> fs.unlink(CallerRequest.ROOT, sub, name), "unlink " + name);
            assertErrno(Set.of(Errno.EXDEV), () -> fs.symlink(CallerRequest.ROOT, sub, name, "x"), "symlink " + name);
            assertErrno(Set.of(Errno.EXDEV), () -> fs.rename(CallerRequest.ROOT, sub, name, root, "x", 0), "rename " + name);
        }
        assertSame(root, fs.lookup(CallerRequest.ROOT, root, "..").node());
        assertSame(root, fs.lookup(CallerRequest.ROOT, sub, "..").node());
        assertSame(sub, fs.lookup(CallerRequest.ROOT, sub, ".").node());
        assertEquals("outside\n", Files.readString(dir.resolve("secret")));
        assertTrue(Files.isDirectory(src));
        try (var s = Files.list(dir)) {
            assertEquals(Set.of("secret", "src"), Set.copyOf(s.map(p -> p.getFileName().toString()).toList()));
        }
        fs.destroy();
    }

    /** Symlinks in the source are nodes of their own: the daemon never follows them, whatever they point at. */
    @Test
    void symlinksInTheSourceAreNeverFollowedByTheDaemon() throws Exception {
        Needs.root();
        Path secret = secret();
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.setAttribute(secret, "user:tag", java.nio.ByteBuffer.wrap("secret-xattr".getBytes()));
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.createSymbolicLink(src.resolve("abs"), secret);
        Files.createSymbolicLink(src.resolve("rel"), Path.of("../secret"));
        Files.createSymbolicLink(src.resolve("updir"), Path.of(".."));
        PassthroughFs fs = new PassthroughFs(PassthroughOptions.of(src));
        Node root = fs.root();
        for (String name : new String[] {"abs", "rel", "updir"}) {
            Entry<Node> e = fs.lookup(CallerRequest.ROOT, root, name);
            assertTrue(e.attr().isSymlink(), name + " is seen as the symlink itself");
            Node link = e.node();
            // Reading, opening, listing and changing through the symlink node touch the link, not its target.
            assertErrno(Set.of(Errno.ENXIO), () -> fs.open(CallerRequest.ROOT, link, Fs.O_RDONLY), "open " + name);
            assertErrno(Set.of(Errno.ENODATA, Errno.EOPNOTSUPP, Errno.EPERM),
                    () -> fs.getxattr(CallerRequest.ROOT, link, "user.tag"), "getxattr " + name);
            assertErrno(Set.of(Errno.ENOTDIR, Errno.EXDEV), () -> fs.lookup(CallerRequest.ROOT, link, "secret"),
                    "lookup under " + name);
            assertErrno(Set.of(Errno.ENOTDIR, Errno.EXDEV, Errno.ELOOP),
                    () -> fs.mkdir(CallerRequest.ROOT, link, "made", 0755), "mkdir under " + name);
            assertErrno(Set.of(Errno.ENOTDIR, Errno.EXDEV, Errno.ELOOP),
                    () -> fs.opendir(CallerRequest.ROOT, link, 0), "opendir " + name);
            assertErrno(Set.of(Errno.EOPNOTSUPP),
                    () -> fs.setattr(CallerRequest.ROOT, link, null, modeChange(0777)), "chmod " + name);
        }
        assertFalse(Files.exists(dir.resolve("made")));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(secret)));
        fs.destroy();
    }

    /**
     * A client renames directories inside the mount as fast as it can while another walks ".." chains through
     * them: no walk may ever reach the secret next to the source tree.
     */
    @Test
    void renamesRacingLookupsStayInside() throws Exception {
        Needs.root();
        secret();
        // The mount point is not next to the secret: ".." above the mount root is the client's own business.
        Path src = dir.resolve("src");
        try (Mirror m = Mirror.mount(src, dir.resolve("m1/m2/mnt"), PassthroughOptions.of(src))) {
            Files.createDirectories(m.mnt.resolve("a/b/c/d"));
            Files.createDirectories(m.mnt.resolve("x"));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger renames = new AtomicInteger();
            Thread mover = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try {
                        Files.move(m.mnt.resolve("a/b"), m.mnt.resolve("x/b"));
                        Files.move(m.mnt.resolve("x/b"), m.mnt.resolve("a/b"));
                        renames.incrementAndGet();
                    } catch (IOException e) {
                        // the walker's lookups may briefly hold a name; retry
                    }
                }
            });
            long deadline = System.nanoTime() + 2_000_000_000L;
            int walks = 0;
            try {
                while (System.nanoTime() < deadline) {
                    for (String p : new String[] {"a/b/c/d/../../../../secret", "x/b/c/../../../secret",
                            "a/b/c/d/../../../../../secret", "a/b/../../secret", "x/b/c/d/../../../../../src/../secret",
                            "a/b/c/d/../../../../../../secret"}) {
                        Path target = m.mnt.resolve(p);
                        walks++;
                        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                            String content = Files.readString(target);
                            if (content.equals("outside\n")) fail("reached the secret through " + p);
                        }
                    }
                }
            } finally {
                stop.set(true);
                mover.join();
            }
            assertTrue(renames.get() > 10 && walks > 100, "raced " + renames + " renames against " + walks + " walks");
        }
    }

    private static dev.j4l.fuse.SetAttr modeChange(int mode) {
        return new dev.j4l.fuse.SetAttr(dev.j4l.fuse.SetAttr.FATTR_MODE, mode, 0, 0, 0,
                dev.j4l.fuse.SetAttr.TimeChange.OMIT, dev.j4l.fuse.SetAttr.TimeChange.OMIT, 0, 0);
    }

    interface Call {
        void run() throws Exception;
    }

    static void assertErrno(Set<Errno> expected, Call c, String what) {
        try {
            c.run();
            fail(what + ": succeeded, expected " + expected);
        } catch (ErrnoException e) {
            assertTrue(expected.contains(e.errno()), what + ": got " + e.errno() + " (" + e.getMessage() + "), expected " + expected);
        } catch (Exception e) {
            fail(what + ": unexpected " + e, e);
        }
    }
}
