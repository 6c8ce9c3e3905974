package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code j4l chardev}'s arguments, on the host: each refusal comes before /dev/cuse is opened. */
class ChardevCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        assertEquals(2, run("chardev", "tape", "x"));
        assertTrue(err().contains("expected one of [logdev, serial] (case-sensitive) but was 'tape'"), err());
        assertEquals(2, run("chardev", "serial"));
        assertTrue(err().contains("Missing required parameter: 'NAME'"), err());
        assertEquals(1, run("chardev", "serial", "--size", "0", "x"));
        assertTrue(err().contains("--size must be positive"), err());
        assertEquals(0, run("chardev", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: j4l chardev [-hqvV] [--size BYTES] logdev|serial NAME"));
    }
}
