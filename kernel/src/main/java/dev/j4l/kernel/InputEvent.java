package dev.j4l.kernel;


/**
 * One input event as {@code struct input_event} carries it, without its timestamp: the event type ({@code EV_KEY},
 * {@code EV_REL}, {@code EV_SYN}...), the code within that type and its value (for a key: 1 down, 0 up, 2 repeat).
 * Type and code are unsigned 16-bit in the kernel, so each is checked to be 0..0xffff.
 */
public record InputEvent(int type, int code, int value) {
    public InputEvent {
        if (type < 0 || type > 0xffff) throw new IllegalArgumentException("event type out of range: " + type);
        if (code < 0 || code > 0xffff) throw new IllegalArgumentException("event code out of range: " + code);
    }

    /** {@code EV_KEY code value}. */
    public static InputEvent key(int code, boolean down) {
        return new InputEvent(InputCodes.EV_KEY, code, down ? 1 : 0);
    }

    /** {@code EV_REL axis delta}. */
    public static InputEvent relative(int axis, int delta) {
        return new InputEvent(InputCodes.EV_REL, axis, delta);
    }

    /** {@code EV_ABS axis value}. */
    public static InputEvent absolute(int axis, int value) {
        return new InputEvent(InputCodes.EV_ABS, axis, value);
    }

    /** {@code EV_SYN SYN_REPORT 0}: the end of one report. */
    public static InputEvent syncReport() {
        return new InputEvent(InputCodes.EV_SYN, InputCodes.SYN_REPORT, 0);
    }

    @Override
    public String toString() {
        return "InputEvent[type=" + type + ", code=" + code + ", value=" + value + "]";
    }
}
