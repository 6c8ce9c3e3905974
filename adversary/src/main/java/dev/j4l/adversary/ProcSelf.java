package dev.j4l.adversary;

import dev.j4l.kernel.Credentials;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /proc/self} tells about this process, read with plain java.nio: a hostile driver needs no j4l
 * call to learn descriptor numbers, so the numbers themselves are no secret — what matters is that j4l never
 * acts on a number the caller names.
 */
final class ProcSelf {
    private ProcSelf() {}

    /** True when the effective uid is 0. */
    static boolean isRoot() {
        return Credentials.euid() == 0;
    }

    /** The descriptor numbers whose {@code /proc/self/fd} link points at {@code target}, lowest first. */
    static List<Integer> descriptorsOf(String target) throws IOException {
        List<Integer> found = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                try {
                    if (Files.readSymbolicLink(p).toString().equals(target)) {
                        found.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException | NumberFormatException gone) {
                    // the listing's own descriptor, or one closed meanwhile
                }
            }
        }
        found.sort(null);
        return found;
    }

    /** The one descriptor number pointing at {@code target}; fails the attack's setup if there is not exactly one. */
    static int descriptorOf(String target) throws IOException {
        List<Integer> n = descriptorsOf(target);
        if (n.size() != 1) throw new IllegalStateException("expected one descriptor on " + target + ", found " + n);
        return n.get(0);
    }

    /** True when descriptor number {@code n} is open (whatever it points at). */
    static boolean isOpen(int n) {
        return Files.exists(Path.of("/proc/self/fd/" + n), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
}
