package dev.j4l.cli;

import static dev.j4l.cli.J4lRun.j4l;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code j4l input}'s arguments, on the host: nothing here opens /dev/uinput. */
class InputCommandTest {
    @Test
    void aCharacterWithoutAKeyIsRefusedBeforeAnyDevice() {
        j4l("input", "type", "naïve").assertStatusAndError(1, "U+00EF at index 2");
    }

    @Test
    void onlyTypeIsKnown() {
        assertEquals(2, j4l("input", "press").status());
        j4l("input", "type").assertStatusAndError(2, "Missing required parameter: 'TEXT'");
        j4l("input", "--help").assertPrinted("usage: j4l input", "  gamepad ");
        j4l("input", "type", "--help").assertPrinted("usage: j4l input type [-hqvV] [--name NAME] [--settle MS] TEXT");
    }

    @Test
    void gamepadArgumentsAreCheckedBeforeAnyDevice() {
        j4l("input", "gamepad", "--seconds", "0").assertStatusAndError(1, "--seconds must be 1 or more");
        j4l("input", "gamepad", "--rumble").assertStatusAndError(2, "Unknown option: '--rumble' (try j4l input gamepad --help)");
    }
}
