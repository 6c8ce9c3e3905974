package dev.j4l.input;

import dev.j4l.kernel.InputEvent;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.InputCodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A virtual keyboard that types text as a US-layout keyboard would: letters, digits, space, tab, newline (Enter) and
 * the ASCII punctuation of the main block, with left Shift held for capitals and shifted symbols. Each character is
 * key down, {@code SYN_REPORT}, key up, {@code SYN_REPORT}, between Shift down and {@code SYN_REPORT} and Shift up
 * and {@code SYN_REPORT} when shifted.
 */
public final class VirtualKeyboard implements AutoCloseable {
    /** One character: the key that types it and whether Shift is held. */
    public record Stroke(int key, boolean shift) {}

    private static final Map<Character, Stroke> LAYOUT;

    static {
        Map<Character, Stroke> m = new HashMap<>();
        String row1 = "qwertyuiop", row2 = "asdfghjkl", row3 = "zxcvbnm";
        for (int i = 0; i < row1.length(); i++) letter(m, row1.charAt(i), InputCodes.KEY_Q + i);
        for (int i = 0; i < row2.length(); i++) letter(m, row2.charAt(i), InputCodes.KEY_A + i);
        for (int i = 0; i < row3.length(); i++) letter(m, row3.charAt(i), InputCodes.KEY_Z + i);
        // KEY_1..KEY_9 then KEY_0; shifted: !@#$%^&*()
        String digits = "1234567890", shifted = "!@#$%^&*()";
        for (int i = 0; i < 10; i++) pair(m, digits.charAt(i), shifted.charAt(i), InputCodes.KEY_1 + i);
        pair(m, '-', '_', InputCodes.KEY_MINUS);
        pair(m, '=', '+', InputCodes.KEY_EQUAL);
        pair(m, '[', '{', InputCodes.KEY_LEFTBRACE);
        pair(m, ']', '}', InputCodes.KEY_RIGHTBRACE);
        pair(m, ';', ':', InputCodes.KEY_SEMICOLON);
        pair(m, '\'', '"', InputCodes.KEY_APOSTROPHE);
        pair(m, '`', '~', InputCodes.KEY_GRAVE);
        pair(m, '\\', '|', InputCodes.KEY_BACKSLASH);
        pair(m, ',', '<', InputCodes.KEY_COMMA);
        pair(m, '.', '>', InputCodes.KEY_DOT);
        pair(m, '/', '?', InputCodes.KEY_SLASH);
        m.put(' ', new Stroke(InputCodes.KEY_SPACE, false));
        m.put('\t', new Stroke(InputCodes.KEY_TAB, false));
        m.put('\n', new Stroke(InputCodes.KEY_ENTER, false));
        LAYOUT = Collections.unmodifiableMap(m);
    }

    private static void letter(Map<Character, Stroke> m, char c, int key) {
        pair(m, c, Character.toUpperCase(c), key);
    }

    private static void pair(Map<Character, Stroke> m, char plain, char shifted, int key) {
        m.put(plain, new Stroke(key, false));
        m.put(shifted, new Stroke(key, true));
    }

    private final VirtualInput input;

    private VirtualKeyboard(VirtualInput input) {
        this.input = input;
    }

    /** Creates a keyboard named {@code name} through {@code /dev/uinput}, declaring every key of the layout. */
    public static VirtualKeyboard create(String name) throws KernelException {
        VirtualInput.Builder b = VirtualInput.builder(name).keys(InputCodes.KEY_LEFTSHIFT);
        LAYOUT.values().forEach(s -> b.keys(s.key()));
        return new VirtualKeyboard(b.create());
    }

    /** How {@code c} is typed; empty when the layout has no key for it. */
    public static Optional<Stroke> strokeOf(char c) {
        return Optional.ofNullable(LAYOUT.get(c));
    }

    /**
     * The events that type {@code text}.
     *
     * @throws IllegalArgumentException naming the first character the layout cannot type
     */
    public static List<InputEvent> events(String text) {
        List<InputEvent> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) out.addAll(events(text.charAt(i), i));
        return out;
    }

    private static List<InputEvent> events(char c, int index) {
        Stroke s = strokeOf(c).orElseThrow(() -> new IllegalArgumentException(
                "no US-layout key types " + String.format("U+%04X", (int) c) + " at index " + index));
        List<InputEvent> out = new ArrayList<>(8);
        if (s.shift()) out.addAll(List.of(InputEvent.key(InputCodes.KEY_LEFTSHIFT, true), InputEvent.syncReport()));
        out.addAll(List.of(InputEvent.key(s.key(), true), InputEvent.syncReport(),
                InputEvent.key(s.key(), false), InputEvent.syncReport()));
        if (s.shift()) out.addAll(List.of(InputEvent.key(InputCodes.KEY_LEFTSHIFT, false), InputEvent.syncReport()));
        return out;
    }

    /**
     * Types {@code text}, one write(2) per character. Nothing is typed when a character has no key.
     *
     * @throws IllegalArgumentException naming the first character the layout cannot type
     */
    public void type(String text) throws KernelException {
        events(text); // checks every character first
        for (int i = 0; i < text.length(); i++) input.send(events(text.charAt(i), i));
    }

    /** The keyboard's name. */
    public String name() {
        return input.name();
    }

    /** Its {@code /dev/input/eventN}, as {@link VirtualInput#eventNode()}. */
    public Optional<Path> eventNode() throws IOException {
        return input.eventNode();
    }

    /** Destroys the keyboard; idempotent. */
    @Override
    public void close() {
        input.close();
    }

    @Override
    public String toString() {
        return "VirtualKeyboard[" + input.name() + "]";
    }
}
