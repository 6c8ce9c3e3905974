package dev.j4l.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.InputEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The events {@link VirtualKeyboard} sends for a text, checked on the host (no uinput needed). */
class VirtualKeyboardEventsTest {
    // input-event-codes.h
    static final int EV_SYN = 0, EV_KEY = 1, SYN_REPORT = 0;
    static final int KEY_1 = 2, KEY_0 = 11, KEY_A = 30, KEY_H = 35, KEY_I = 23, KEY_Q = 16, KEY_Z = 44,
            KEY_LEFTSHIFT = 42, KEY_SPACE = 57, KEY_SLASH = 53, KEY_ENTER = 28;

    static InputEvent key(int code, int value) {
        return new InputEvent(EV_KEY, code, value);
    }

    static final InputEvent SYN = new InputEvent(EV_SYN, SYN_REPORT, 0);

    /** "Hi 1" as a US keyboard types it: Shift around the H, each key down and up followed by SYN_REPORT. */
    static final List<InputEvent> HI_1 = List.of(
            key(KEY_LEFTSHIFT, 1), SYN, key(KEY_H, 1), SYN, key(KEY_H, 0), SYN, key(KEY_LEFTSHIFT, 0), SYN,
            key(KEY_I, 1), SYN, key(KEY_I, 0), SYN,
            key(KEY_SPACE, 1), SYN, key(KEY_SPACE, 0), SYN,
            key(KEY_1, 1), SYN, key(KEY_1, 0), SYN);

    @Test
    void hiOne() {
        assertEquals(HI_1, VirtualKeyboard.events("Hi 1"));
    }

    @Test
    void theLayout() {
        assertEquals(new VirtualKeyboard.Stroke(KEY_A, false), VirtualKeyboard.strokeOf('a').orElseThrow());
        assertEquals(new VirtualKeyboard.Stroke(KEY_Q, true), VirtualKeyboard.strokeOf('Q').orElseThrow());
        assertEquals(new VirtualKeyboard.Stroke(KEY_Z, false), VirtualKeyboard.strokeOf('z').orElseThrow());
        assertEquals(new VirtualKeyboard.Stroke(KEY_0, false), VirtualKeyboard.strokeOf('0').orElseThrow());
        assertEquals(new VirtualKeyboard.Stroke(KEY_0, true), VirtualKeyboard.strokeOf(')').orElseThrow());
        assertEquals(new VirtualKeyboard.Stroke(KEY_SLASH, true), VirtualKeyboard.strokeOf('?').orElseThrow());
        assertEquals(new VirtualKeyboard.Stroke(KEY_ENTER, false), VirtualKeyboard.strokeOf('\n').orElseThrow());
        for (char c = 0x20; c < 0x7f; c++) assertTrue(VirtualKeyboard.strokeOf(c).isPresent(), "ASCII " + c);
    }

    @Test
    void aCharacterWithoutAKeyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VirtualKeyboard.events("ok é"));
        assertTrue(e.getMessage().contains("U+00E9 at index 3"), e.getMessage());
    }
}
