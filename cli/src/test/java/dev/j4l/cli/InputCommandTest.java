package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code j4l input}'s arguments, on the host: nothing here opens /dev/uinput. */
class InputCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aCharacterWithoutAKeyIsRefusedBeforeAnyDevice() {
        assertEquals(1, run("input", "type", "naïve"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("U+00EF at index 2"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void onlyTypeIsKnown() {
        assertEquals(2, run("input", "press"));
        assertEquals(2, run("input", "type"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Missing required parameter: 'TEXT'"), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, run("input", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: j4l input"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("  gamepad "));
        assertEquals(0, run("input", "type", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: j4l input type [-hqvV] [--name NAME] [--settle MS] TEXT"),
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void gamepadArgumentsAreCheckedBeforeAnyDevice() {
        assertEquals(1, run("input", "gamepad", "--seconds", "0"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--seconds must be 1 or more"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("input", "gamepad", "--rumble"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Unknown option: '--rumble' (try j4l input gamepad --help)"),
                err.toString(StandardCharsets.UTF_8));
    }
}
