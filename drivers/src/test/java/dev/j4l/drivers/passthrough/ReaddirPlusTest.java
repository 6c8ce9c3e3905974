package dev.j4l.drivers.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which entries of a listing get attributes (a node in the kernel), observed with the kernel's own
 * fuse_request_send tracepoint: after a first listing, stat of a subdirectory needs no LOOKUP, stat of a file
 * does — passthroughfs spends a statx only on what a tree walk will surely open.
 */
class ReaddirPlusTest {
    static final Path TRACING = Path.of("/sys/kernel/tracing");
    static final Path EVENT = TRACING.resolve("events/fuse/fuse_request_send/enable");

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    /** This test's directory: sources, mount points and files outside them all live here. */
    Path dir;

    @BeforeEach
    void workDirectory() throws IOException {
        dir = mounts.dir("work");
    }

    @Test
    void aFirstListingGivesAttributesToDirectoriesOnly() throws Exception {
        Needs.root();
        // A fresh machine may not have tracefs mounted: mount it for this test and take it away after.
        boolean mountedHere = false;
        if (!Files.exists(EVENT) && Files.isDirectory(TRACING)) {
            try {
                dev.j4l.kernel.Mounts.mount("nodev", TRACING.toString(), "tracefs", 0, null);
                mountedHere = true;
            } catch (dev.j4l.kernel.KernelException e) {
                // no tracefs in this kernel: the assumption below skips
            }
        }
        try {
            assumeTrue(Files.isWritable(EVENT), "no fuse tracepoints at " + EVENT);
            firstListing();
        } finally {
            if (mountedHere) dev.j4l.kernel.Mounts.unmount(TRACING.toString(), 0);
        }
    }

    private void firstListing() throws Exception {
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        for (int i = 0; i < 20; i++) Files.writeString(src.resolve("file" + i), "x");
        for (int i = 0; i < 3; i++) Files.createDirectory(src.resolve("dir" + i));
        try (Mirror m = Mirror.mount(src, dir.resolve("mnt"), PassthroughOptions.of(src))) {
            List<Path> names;
            try (Stream<Path> s = Files.list(m.mnt)) {
                names = s.toList();
            }
            assertEquals(23, names.size());
            String before = Files.readString(EVENT).trim();
            Files.writeString(TRACING.resolve("trace"), "");
            Files.writeString(EVENT, "1");
            try {
                for (Path p : names) {
                    if (p.getFileName().toString().startsWith("dir")) Files.readAttributes(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
                }
                int dirLookups = lookups(m.mount.connection());
                for (Path p : names) {
                    if (p.getFileName().toString().startsWith("file")) Files.readAttributes(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
                }
                int fileLookups = lookups(m.mount.connection()) - dirLookups;
                assertEquals(0, dirLookups, "directories listed with attributes need no LOOKUP");
                assertEquals(20, fileLookups, "files listed without attributes are looked up when stat'ed");
            } finally {
                Files.writeString(EVENT, before.equals("1") ? "1" : "0");
            }
        }
    }

    /** LOOKUP requests of connection {@code conn} in the trace buffer. */
    private static int lookups(int conn) throws Exception {
        Pattern p = Pattern.compile("fuse_request_send: connection (\\d+) req \\d+ opcode 1 ");
        int n = 0;
        for (String line : Files.readAllLines(TRACING.resolve("trace"))) {
            Matcher mm = p.matcher(line);
            if (mm.find() && Integer.parseInt(mm.group(1)) == conn) n++;
        }
        return n;
    }
}
