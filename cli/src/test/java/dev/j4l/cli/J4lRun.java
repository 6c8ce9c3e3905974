package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One run of {@code j4l ARGS} in this JVM, as the launcher runs it ({@link Main#run}): exit status and output. */
record J4lRun(int status, String out, String err) {
    static J4lRun j4l(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new J4lRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Checks that the run exited 0 and that its standard output contains each of {@code said}. */
    void assertPrinted(String... said) {
        assertEquals(0, status, err);
        for (String s : said) assertTrue(out.contains(s), out);
    }

    /** Checks that the run exited with {@code expected} and that its standard error contains {@code said}. */
    void assertStatusAndError(int expected, String said) {
        assertEquals(expected, status, err);
        assertTrue(err.contains(said), err);
    }
}
