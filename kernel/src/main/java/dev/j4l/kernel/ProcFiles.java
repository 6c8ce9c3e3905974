package dev.j4l.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the small text files of /proc and /sys.
 *
 * <p>Numeric sysctls ({@code /proc/sys/...}, served by {@code proc_dointvec}) answer any read at a non-zero
 * offset with end-of-file. {@code Files.readString} sizes its first read from the file size, which /proc
 * reports as 0, and so returns only the first byte: "2" for a max_pages_limit of 256. One large read is the
 * only correct way to read them.
 */
public final class ProcFiles {
    private ProcFiles() {}

    private static final int MAX = 64 * 1024;

    /** The file's content, stripped of surrounding white space, from a single read(2). */
    public static String read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buf = new byte[MAX];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8).strip();
        }
    }

    /**
     * One field of {@code /proc/PID/status} ({@code pid} 0: this process), e.g. {@code "Groups"}: the text after
     * its colon, stripped; empty when the file has no such field. The one reader of that file in j4l: a single
     * read(2) sees one consistent snapshot of the process.
     *
     * @throws java.nio.file.NoSuchFileException when the process is gone
     */
    public static Optional<String> status(long pid, String field) throws IOException {
        String text = read(Path.of("/proc", pid == 0 ? "self" : Long.toString(pid), "status"));
        String prefix = field + ":";
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) return Optional.of(line.substring(prefix.length()).strip());
        }
        return Optional.empty();
    }

    /** A numeric file such as {@code /proc/sys/fs/nr_open}. */
    public static long readLong(Path path) throws IOException {
        String s = read(path);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException(path + ": not a number: '" + s + "'");
        }
    }
}
