package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/linux/uinput.h} of Linux 6.1, as far as creating a virtual input device uses it (the
 * {@code UI_*} ioctls of {@code /dev/uinput}, {@code struct uinput_setup}), with the parts of
 * {@code include/uapi/linux/input.h} it rests on ({@code struct input_id}, {@code struct input_event} on LP64,
 * the evdev ioctls {@code EVIOCGID} and {@code EVIOCGNAME}), and in {@link Codes} the event types and codes of
 * {@code include/uapi/linux/input-event-codes.h} j4l uses. Pinned against the headers by {@code UinputAbiTest}.
 */
public final class UinputAbi {
    private UinputAbi() {}

    // ioctls of /dev/uinput ('U')
    /** {@code _IO('U', 1)}: registers the device set up so far. */
    public static final long UI_DEV_CREATE = 0x5501L;
    /** {@code _IO('U', 2)}: unregisters it. */
    public static final long UI_DEV_DESTROY = 0x5502L;
    /** {@code _IOW('U', 3, struct uinput_setup)}: the kernel reads a {@code uinput_setup}. */
    public static final long UI_DEV_SETUP = 0x405C5503L;
    /** {@code _IOW('U', 100..103, int)}, encoded with an int but taking the bit number by value. */
    public static final long UI_SET_EVBIT = 0x40045564L, UI_SET_KEYBIT = 0x40045565L, UI_SET_RELBIT = 0x40045566L,
            UI_SET_ABSBIT = 0x40045567L;

    /** UINPUT_MAX_NAME_SIZE: the name field of {@code uinput_setup}, NUL-terminated (at most 79 bytes of name). */
    public static final int UINPUT_MAX_NAME_SIZE = 80;

    // struct input_id (8)
    public static final int INPUT_ID_SIZE = 8;
    public static final int INPUT_ID_BUSTYPE = 0, INPUT_ID_VENDOR = 2, INPUT_ID_PRODUCT = 4, INPUT_ID_VERSION = 6;

    // struct uinput_setup (92)
    public static final int SETUP_SIZE = 92;
    public static final int SETUP_ID = 0, SETUP_NAME = 8, SETUP_FF_EFFECTS_MAX = 88;

    // struct input_event on LP64 (24): struct timeval time, then type, code, value
    public static final int EVENT_SIZE = 24;
    public static final int EVENT_TIME = 0, EVENT_TYPE = 16, EVENT_CODE = 18, EVENT_VALUE = 20;

    // bus types of input_id.bustype (input.h)
    public static final int BUS_USB = 0x03, BUS_VIRTUAL = 0x06;

    // ioctls of /dev/input/eventN ('E')
    /** {@code _IOR('E', 0x02, struct input_id)}: the kernel writes an {@code input_id}. */
    public static final long EVIOCGID = 0x80084502L;
    /** {@code EVIOCGNAME(len)} is {@code _IOC(_IOC_READ, 'E', 0x06, len)}: this is it without the length. */
    public static final long EVIOCGNAME_BASE = 0x80004506L;
    /** {@code _IOC_SIZESHIFT}: where {@code len} goes in {@code EVIOCGNAME(len)}. */
    public static final int IOC_SIZESHIFT = 16;

    /** Event types and codes of {@code input-event-codes.h}. */
    public static final class Codes {
        private Codes() {}

        // event types
        public static final int EV_SYN = 0x00, EV_KEY = 0x01, EV_REL = 0x02, EV_ABS = 0x03, EV_MAX = 0x1f;
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
    }
}
