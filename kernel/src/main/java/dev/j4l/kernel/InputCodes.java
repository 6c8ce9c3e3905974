package dev.j4l.kernel;

/**
 * The event types and codes of {@code include/uapi/linux/input-event-codes.h}, and the force feedback codes of
 * {@code include/uapi/linux/input.h}, that j4l uses: for drivers of virtual input devices and their clients.
 * Pinned against the headers by {@code UinputAbiTest}.
 */
public final class InputCodes {
    private InputCodes() {}

    // event types
    public static final int EV_SYN = 0x00, EV_KEY = 0x01, EV_REL = 0x02, EV_ABS = 0x03, EV_FF = 0x15,
            EV_MAX = 0x1f;
    // synchronization events
    public static final int SYN_REPORT = 0;
    // relative axes
    public static final int REL_X = 0x00, REL_Y = 0x01, REL_WHEEL = 0x08, REL_MAX = 0x0f;
    // keys: the US layout's main block
    public static final int KEY_ESC = 1, KEY_1 = 2, KEY_2 = 3, KEY_3 = 4, KEY_4 = 5, KEY_5 = 6, KEY_6 = 7,
            KEY_7 = 8, KEY_8 = 9, KEY_9 = 10, KEY_0 = 11, KEY_MINUS = 12, KEY_EQUAL = 13, KEY_BACKSPACE = 14,
            KEY_TAB = 15, KEY_Q = 16, KEY_W = 17, KEY_E = 18, KEY_R = 19, KEY_T = 20, KEY_Y = 21, KEY_U = 22,
            KEY_I = 23, KEY_O = 24, KEY_P = 25, KEY_LEFTBRACE = 26, KEY_RIGHTBRACE = 27, KEY_ENTER = 28,
            KEY_LEFTCTRL = 29, KEY_A = 30, KEY_S = 31, KEY_D = 32, KEY_F = 33, KEY_G = 34, KEY_H = 35,
            KEY_J = 36, KEY_K = 37, KEY_L = 38, KEY_SEMICOLON = 39, KEY_APOSTROPHE = 40, KEY_GRAVE = 41,
            KEY_LEFTSHIFT = 42, KEY_BACKSLASH = 43, KEY_Z = 44, KEY_X = 45, KEY_C = 46, KEY_V = 47, KEY_B = 48,
            KEY_N = 49, KEY_M = 50, KEY_COMMA = 51, KEY_DOT = 52, KEY_SLASH = 53, KEY_RIGHTSHIFT = 54,
            KEY_LEFTALT = 56, KEY_SPACE = 57, KEY_MAX = 0x2ff;
    // mouse buttons
    public static final int BTN_LEFT = 0x110, BTN_RIGHT = 0x111, BTN_MIDDLE = 0x112;
    // gamepad buttons
    public static final int BTN_SOUTH = 0x130, BTN_EAST = 0x131, BTN_NORTH = 0x133, BTN_WEST = 0x134,
            BTN_TL = 0x136, BTN_TR = 0x137, BTN_SELECT = 0x13a, BTN_START = 0x13b, BTN_MODE = 0x13c,
            BTN_THUMBL = 0x13d, BTN_THUMBR = 0x13e;
    // absolute axes
    public static final int ABS_X = 0x00, ABS_Y = 0x01, ABS_Z = 0x02, ABS_RX = 0x03, ABS_RY = 0x04,
            ABS_RZ = 0x05, ABS_HAT0X = 0x10, ABS_HAT0Y = 0x11, ABS_MT_SLOT = 0x2f, ABS_MAX = 0x3f;
    // force feedback effect types (input.h)
    public static final int FF_RUMBLE = 0x50, FF_PERIODIC = 0x51, FF_CONSTANT = 0x52, FF_SPRING = 0x53,
            FF_FRICTION = 0x54, FF_DAMPER = 0x55, FF_INERTIA = 0x56, FF_RAMP = 0x57;
    // periodic waveforms
    public static final int FF_SQUARE = 0x58, FF_TRIANGLE = 0x59, FF_SINE = 0x5a, FF_SAW_UP = 0x5b,
            FF_SAW_DOWN = 0x5c, FF_CUSTOM = 0x5d;
    // device properties; FF_MAX_EFFECTS bounds effect ids (and ff_effects_max), below FF_GAIN
    public static final int FF_GAIN = 0x60, FF_AUTOCENTER = 0x61, FF_MAX_EFFECTS = 0x60, FF_MAX = 0x7f;
}
