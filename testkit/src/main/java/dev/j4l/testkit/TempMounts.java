package dev.j4l.testkit;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.MountTable;
import dev.j4l.kernel.Mounts;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Mount points for a test, torn down after it whether it passed or failed: what {@code @TempDir} is for
 * files, for mounts. Register it as a JUnit extension, take directories from {@link #dir}, mount on them,
 * and hand whatever serves a mount to {@link #closeAfter}:
 *
 * {@snippet :
 * @RegisterExtension
 * final TempMounts mounts = new TempMounts();
 *
 * @Test
 * void readsHello() throws Exception {
 *     Path mnt = mounts.dir("mnt");
 *     mounts.closeAfter(FuseMount.mount(mnt, new HelloFs(), MountOptions.defaults()));
 *     assertEquals("Hello, world!\n", Command.run("cat", mnt.resolve("hello").toString()));
 * }
 * }
 *
 * <p>After the test, the resources handed to {@link #closeAfter} are closed, last first; then anything
 * still mounted at or below the test's directories (a mount whose close failed, one a child process made,
 * one stacked on another) is unmounted, most recent first, and lazily ({@code MNT_DETACH}) when it is busy;
 * then the directories are removed, never crossing into a mount. A cleanup that fails makes the test fail.
 *
 * <p>Scope follows where things were asked for: in a static field, what {@code @BeforeAll} takes is kept
 * until all tests of the class ran, what a test (or {@code @BeforeEach}) takes is torn down after that
 * test. In an instance field, everything is torn down after each test. A {@code @TestFactory}'s dynamic
 * tests all run before its teardown.
 *
 * <p>The directories live in a fresh directory under {@code java.io.tmpdir}, never in the working tree.
 * They are mode 0755, so a test acting as another user can reach its mounts (JUnit's temporary directories
 * are private to their owner).
 */
public final class TempMounts implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {
    /** Bounds the unmount loop: stacked mounts come off one per round, and a bad one is not retried forever. */
    private static final int MAX_UNMOUNTS = 64;

    /** What one scope (the class, or one test) took. */
    private static final class Scope {
        final Deque<AutoCloseable> resources = new ArrayDeque<>();
        final List<Path> dirs = new ArrayList<>();
    }

    private final String prefix;
    private final Scope classScope = new Scope();
    private Scope testScope;
    private boolean classLevel;
    private Path base;

    public TempMounts() {
        this("j4l-test-");
    }

    /** With {@code prefix} for the name of the temporary directory holding the mount points. */
    public TempMounts(String prefix) {
        this.prefix = prefix;
    }

    /**
     * A new empty directory, mode 0755, to mount on (or to hold a filesystem's source). {@code name} is a
     * relative path, which may have several components; when it was taken already, a suffix makes it new.
     */
    public synchronized Path dir(String name) throws IOException {
        Path rel = Path.of(name).normalize();
        if (rel.isAbsolute() || name.isEmpty() || rel.startsWith("..")) {
            throw new IllegalArgumentException("not a relative directory name: " + name);
        }
        Path b = base();
        Path d = b.resolve(rel);
        for (int n = 2; Files.exists(d, LinkOption.NOFOLLOW_LINKS); n++) {
            d = b.resolve(rel + "-" + n);
        }
        // The scope owns the outermost directory this call creates: removing it removes nothing another
        // scope was given.
        Path created = null;
        for (Path p = b; !p.equals(d); ) {
            p = p.resolve(d.getName(p.getNameCount()));
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(p);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                if (created == null) created = p;
            }
        }
        scope().dirs.add(created);
        return d;
    }

    /** Closes {@code resource} after the test (or after the class, see the scopes above); returns it. */
    public synchronized <T extends AutoCloseable> T closeAfter(T resource) {
        scope().resources.push(resource);
        return resource;
    }

    /**
     * A kernel tmpfs of at most {@code size} ({@code 64m}, {@code 1g}...) mounted on a new directory, its root
     * mode 0755 and owned by the caller; unmounted with the scope's other mounts.
     */
    public Path tmpfs(String size) throws IOException {
        Path d = dir("tmpfs");
        Mounts.mount("j4l-tmpfs", d.toString(), "tmpfs", Mounts.MS_NOSUID, "mode=0755,size=" + size);
        return d;
    }

    /** Tears everything down now, as after the last test; the extension may be used again afterwards. */
    public synchronized void tearDown() throws IOException {
        List<Throwable> failures = new ArrayList<>();
        if (testScope != null) tearDown(testScope, failures);
        testScope = null;
        tearDown(classScope, failures);
        removeBase(failures);
        throwFirst(failures);
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        classLevel = true;
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        testScope = new Scope();
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) throws IOException {
        if (!classLevel) {
            tearDown();
            return;
        }
        List<Throwable> failures = new ArrayList<>();
        if (testScope != null) tearDown(testScope, failures);
        testScope = null;
        throwFirst(failures);
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws IOException {
        tearDown();
    }

    private Scope scope() {
        return testScope != null ? testScope : classScope;
    }

    private Path base() throws IOException {
        if (base == null) {
            base = Files.createTempDirectory(prefix);
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return base;
    }

    private static void tearDown(Scope scope, List<Throwable> failures) {
        while (!scope.resources.isEmpty()) {
            try {
                scope.resources.pop().close();
            } catch (Throwable t) {
                failures.add(t);
            }
        }
        for (Path d : scope.dirs) {
            try {
                unmountAll(d);
                delete(d);
            } catch (Throwable t) {
                failures.add(t);
            }
        }
        scope.dirs.clear();
    }

    private void removeBase(List<Throwable> failures) {
        if (base == null) return;
        try {
            unmountAll(base);
            delete(base);
            base = null;
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    /**
     * Unmounts every mount at or below {@code dir}, the most recent first (it may be stacked on, or sit
     * inside, an earlier one); a busy one is detached, so it goes once its last user lets go.
     */
    public static void unmountAll(Path dir) throws IOException {
        String root = dir.toAbsolutePath().normalize().toString();
        for (int round = 0; round < MAX_UNMOUNTS; round++) {
            List<String> mounted = MountTable.mountsUnder(root);
            if (mounted.isEmpty()) return;
            String top = mounted.getLast();
            try {
                Mounts.unmount(top, 0);
            } catch (KernelException e) {
                if (e.errno() != Errno.EBUSY && e.errno() != Errno.EINVAL) throw e;
                Mounts.unmount(top, Mounts.MNT_DETACH);
            }
        }
        throw new IOException("still mounted below " + root + " after " + MAX_UNMOUNTS + " unmounts: "
                + MountTable.mountsUnder(root));
    }

    /** Removes {@code dir} and everything in it, refusing when anything below it is still a mount. */
    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        List<String> mounted = MountTable.mountsUnder(dir);
        if (!mounted.isEmpty()) throw new IOException("not removing " + dir + ": still mounted there: " + mounted);
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) throw e;
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Paths beyond PATH_MAX, or directories a test left without write permission: rm walks with *at
            // calls, and --one-file-system keeps it out of any mount that appeared meanwhile.
            try {
                Command.Result r = Command.of("rm", "-rf", "--one-file-system", dir.toString()).exec();
                if (!r.ok() || Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    IOException failed = new IOException("could not remove " + dir + ": " + r.err().strip());
                    failed.addSuppressed(e);
                    throw failed;
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while removing " + dir, interrupted);
            }
        }
    }

    private static void throwFirst(List<Throwable> failures) throws IOException {
        if (failures.isEmpty()) return;
        Throwable first = failures.getFirst();
        for (Throwable t : failures.subList(1, failures.size())) first.addSuppressed(t);
        switch (first) {
            case IOException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IOException("cleanup failed", first);
        }
    }
}
