package dev.j4l.kernel.raw;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The descriptors this process had before the kernel module made its first call: the only numbers it may ever
 * take ownership of without having opened them itself. Read once, from {@code /proc/self/fd}, when
 * {@link Native} is initialized, which every downcall needs first; so nothing the module opened is among them.
 * Each number can be taken once.
 */
public final class InheritedDescriptors {
    private InheritedDescriptors() {}

    /** Number -> what {@code /proc/self/fd/N} pointed at then. */
    private static final Map<Integer, String> AT_START = snapshot();

    /** Touching the class takes the snapshot. */
    static void ensureTaken() {
        AT_START.size();
    }

    private static Map<Integer, String> snapshot() {
        Map<Integer, String> found = new HashMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                try {
                    found.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException | NumberFormatException e) {
                    // closed meanwhile (the directory stream's own descriptor), or not a number
                }
            }
        } catch (IOException e) {
            // no /proc: nothing is adoptable
        }
        return found;
    }

    /**
     * Takes descriptor {@code fd} if it was open at start, pointed at {@code path} then and still does, and was
     * not taken before. The caller becomes its one owner.
     */
    public static synchronized boolean take(int fd, String path) {
        if (!path.equals(AT_START.get(fd))) return false;
        try {
            if (!path.equals(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString())) return false;
        } catch (IOException e) {
            return false;
        }
        AT_START.remove(fd);
        return true;
    }
}
