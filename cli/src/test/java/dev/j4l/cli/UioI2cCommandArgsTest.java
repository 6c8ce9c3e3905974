package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code j4l i2c} and {@code j4l uio}: arguments refused on the host before any device is opened. */
class UioI2cCommandArgsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badI2cArgumentsAreClearErrors() {
        assertEquals(2, run("i2c"));
        assertTrue(err().contains("j4l i2c: Missing required subcommand (try j4l i2c --help)"), err());
        assertEquals(2, run("i2c", "probe"));
        assertEquals(2, run("i2c", "get", "0", "0x50"));
        assertTrue(err().contains("Missing required parameter: 'REGISTER'"), err());
        assertEquals(1, run("i2c", "get", "0", "0x80", "0"));
        assertTrue(err().contains("address 0x80 is outside 0..0x7f"), err());
        assertEquals(1, run("i2c", "set", "0", "0x50", "0", "0x100"));
        assertTrue(err().contains("value 0x100 is outside 0..0xff"), err());
        assertEquals(2, run("i2c", "get", "0", "0x50", "0", "q"));
        assertTrue(err().contains("expected one of [b, w]"), err());
        assertEquals(1, run("i2c", "detect", "x"));
        assertTrue(err().contains("bus x is not a number"), err());
        assertEquals(0, run("i2c", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: j4l i2c"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("  detect "));
        assertEquals(0, run("i2c", "set", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: j4l i2c set [-hqvV] BUS ADDRESS REGISTER VALUE [b|w]"),
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badUioArgumentsAreClearErrors() {
        assertEquals(2, run("uio"));
        assertEquals(1, run("uio", "bind", "1234"));
        assertTrue(err().contains("VENDOR:DEVICE"), err());
        assertEquals(1, run("uio", "bind", "1234:xyz"));
        assertTrue(err().contains("xyz is not a 16-bit hex id"), err());
        assertEquals(0, run("uio", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: j4l uio"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("  edu "));
    }
}
