package dev.j4l.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
