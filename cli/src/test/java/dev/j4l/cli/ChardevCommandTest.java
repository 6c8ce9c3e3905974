package dev.j4l.cli;

import static dev.j4l.cli.J4lRun.j4l;

import org.junit.jupiter.api.Test;

/** {@code j4l chardev}'s arguments, on the host: each refusal comes before /dev/cuse is opened. */
class ChardevCommandTest {
    @Test
    void badArgumentsAreRefusedWithTheReason() {
        j4l("chardev", "tape", "x").assertStatusAndError(2,
                "expected one of [logdev, serial] (case-sensitive) but was 'tape'");
        j4l("chardev", "serial").assertStatusAndError(2, "Missing required parameter: 'NAME'");
        j4l("chardev", "serial", "--size", "0", "x").assertStatusAndError(1, "--size must be positive");
        j4l("chardev", "--help").assertPrinted("usage: j4l chardev [-hqvV] [--size BYTES] logdev|serial NAME");
    }
}
