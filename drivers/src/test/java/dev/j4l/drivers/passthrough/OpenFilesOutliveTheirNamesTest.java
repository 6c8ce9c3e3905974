package dev.j4l.drivers.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A file that is open stays usable after its name is unlinked or renamed over, as on ext4 and tmpfs: fstat,
 * reads, writes, fchmod, ftruncate and close; and an open directory answers fstat after rmdir. The same script runs on the source directory and through the
 * mount, and must print the same. (Files made in the source and only looked up through the mount are the
 * interesting case: their nodes hold no descriptor until one is needed, and by then no name leads to them.)
 */
class OpenFilesOutliveTheirNamesTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    /** argv: the directory to work in, the directory to make files in first (the source, or the same). */
    private static final String SCRIPT = """
            import os, stat, sys
            d, made = sys.argv[1], sys.argv[2]
            def use(label, fd):
                r = []
                for what, op in (("write", lambda: os.pwrite(fd, b"XY", 5)),
                                 ("read", lambda: os.pread(fd, 20, 0)),
                                 ("fstat", lambda: os.fstat(fd).st_size),
                                 ("fchmod", lambda: (os.fchmod(fd, 0o600), oct(stat.S_IMODE(os.fstat(fd).st_mode)))[1]),
                                 ("ftruncate", lambda: (os.ftruncate(fd, 3), os.fstat(fd).st_size)[1]),
                                 ("fstat-links", lambda: os.fstat(fd).st_nlink),
                                 ("close", lambda: os.close(fd))):
                    try:
                        r.append(what + "=" + repr(op()))
                    except OSError as e:
                        r.append(what + "=" + os.strerror(e.errno))
                print(label, " ".join(r))
            for origin, where in (("made-outside", made), ("made-inside", d)):
                with open(where + "/a", "w") as f: f.write("hello")
                fd = os.open(d + "/a", os.O_RDWR)
                os.unlink(d + "/a")
                use(origin + " unlinked:", fd)
                with open(where + "/b", "w") as f: f.write("hello")
                with open(where + "/c", "w") as f: f.write("newer!!")
                fd = os.open(d + "/b", os.O_RDWR)
                os.rename(d + "/c", d + "/b")
                use(origin + " renamed-over:", fd)
                print(origin, "the new b:", open(d + "/b").read(), oct(stat.S_IMODE(os.stat(d + "/b").st_mode)))
                os.unlink(d + "/b")
                os.mkdir(where + "/dir")
                fd = os.open(d + "/dir", os.O_RDONLY | os.O_DIRECTORY)
                os.rmdir(d + "/dir")
                st = os.fstat(fd)
                print(origin, "removed directory:", "links", st.st_nlink, "dir", stat.S_ISDIR(st.st_mode))
                os.close(fd)
            """;

    @ParameterizedTest(name = "passthrough={0}, timeout={1}s")
    @CsvSource({"true, 86400", "false, 86400", "true, 0", "false, 0"})
    void fstatReadWriteAndCloseWorkAfterUnlinkAndRenameOver(boolean passthrough, int timeoutSeconds) throws Exception {
        Needs.fuse();
        Needs.program("python3");
        Path dir = mounts.dir("work");
        Path src = Files.createDirectories(dir.resolve("src"));
        Path reference = Files.createDirectories(dir.resolve("reference"));
        String want = Command.of("python3", "-c", SCRIPT, reference.toString(), reference.toString())
                .timeout(Duration.ofSeconds(30)).run();
        assertEquals(8, want.lines().count(), want);
        PassthroughOptions o = PassthroughOptions.of(src).withPassthrough(passthrough)
                .withTimeout(Duration.ofSeconds(timeoutSeconds));
        try (Mirror m = Mirror.mount(src, dir.resolve("mnt"), o)) {
            String got = Command.of("python3", "-c", SCRIPT, m.mnt.toString(), src.toString())
                    .timeout(Duration.ofSeconds(30)).run();
            assertEquals(want, got);
        }
    }
}
