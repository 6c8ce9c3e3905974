package dev.j4l.cli;

import static dev.j4l.cli.J4lRun.j4l;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code j4l i2c} and {@code j4l uio}: arguments refused on the host before any device is opened. */
class UioI2cCommandArgsTest {
    @Test
    void badI2cArgumentsAreClearErrors() {
        j4l("i2c").assertStatusAndError(2, "j4l i2c: Missing required subcommand (try j4l i2c --help)");
        assertEquals(2, j4l("i2c", "probe").status());
        j4l("i2c", "get", "0", "0x50").assertStatusAndError(2, "Missing required parameter: 'REGISTER'");
        j4l("i2c", "get", "0", "0x80", "0").assertStatusAndError(1, "address 0x80 is outside 0..0x7f");
        j4l("i2c", "set", "0", "0x50", "0", "0x100").assertStatusAndError(1, "value 0x100 is outside 0..0xff");
        j4l("i2c", "get", "0", "0x50", "0", "q").assertStatusAndError(2, "expected one of [b, w]");
        j4l("i2c", "detect", "x").assertStatusAndError(1, "bus x is not a number");
        j4l("i2c", "--help").assertPrinted("usage: j4l i2c", "  detect ");
        j4l("i2c", "set", "--help").assertPrinted("usage: j4l i2c set [-hqvV] BUS ADDRESS REGISTER VALUE [b|w]");
    }

    @Test
    void badUioArgumentsAreClearErrors() {
        assertEquals(2, j4l("uio").status());
        j4l("uio", "bind", "1234").assertStatusAndError(1, "VENDOR:DEVICE");
        j4l("uio", "bind", "1234:xyz").assertStatusAndError(1, "xyz is not a 16-bit hex id");
        j4l("uio", "--help").assertPrinted("usage: j4l uio", "  edu ");
    }
}
