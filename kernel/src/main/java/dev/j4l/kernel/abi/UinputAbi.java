package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/linux/uinput.h} of Linux 6.1, as far as creating a virtual input device uses it (the
 * {@code UI_*} ioctls of {@code /dev/uinput}, {@code struct uinput_setup}, {@code uinput_abs_setup},
 * {@code uinput_ff_upload} and {@code uinput_ff_erase}), with the parts of {@code include/uapi/linux/input.h} it
 * rests on ({@code struct input_id}, {@code struct input_event} on LP64, {@code struct input_absinfo},
 * {@code struct ff_effect} and its members, the evdev ioctls {@code EVIOCG*} and {@code EVIOC*FF} j4l makes). The event
 * codes are {@link dev.j4l.kernel.InputCodes}, public to drivers. Pinned against the headers by
 * {@code UinputAbiTest}.
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
    /** {@code _IOW('U', 107, int)}: declares a force feedback capability, the bit number by value. */
    public static final long UI_SET_FFBIT = 0x4004556BL;
    /** {@code _IOW('U', 4, struct uinput_abs_setup)}: the kernel reads a {@code uinput_abs_setup}. */
    public static final long UI_ABS_SETUP = 0x401C5504L;
    /** {@code _IOWR('U', 200, struct uinput_ff_upload)}: the kernel reads the request id, writes the effects. */
    public static final long UI_BEGIN_FF_UPLOAD = 0xC06855C8L;
    /** {@code _IOW('U', 201, struct uinput_ff_upload)}: the kernel reads the request id and the answer. */
    public static final long UI_END_FF_UPLOAD = 0x406855C9L;
    /** {@code _IOWR('U', 202, struct uinput_ff_erase)}: the kernel reads the request id, writes the effect id. */
    public static final long UI_BEGIN_FF_ERASE = 0xC00C55CAL;
    /** {@code _IOW('U', 203, struct uinput_ff_erase)}: the kernel reads the request id and the answer. */
    public static final long UI_END_FF_ERASE = 0x400C55CBL;

    /** {@code EV_UINPUT}: the event type of a request uinput queues for its driver (code, value = request id). */
    public static final int EV_UINPUT = 0x0101;
    /** The codes of an {@code EV_UINPUT} event: an effect to upload, an effect to erase. */
    public static final int UI_FF_UPLOAD = 1, UI_FF_ERASE = 2;

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

    // struct input_absinfo (24)
    public static final int ABSINFO_SIZE = 24;
    public static final int ABSINFO_VALUE = 0, ABSINFO_MINIMUM = 4, ABSINFO_MAXIMUM = 8, ABSINFO_FUZZ = 12,
            ABSINFO_FLAT = 16, ABSINFO_RESOLUTION = 20;

    // struct uinput_abs_setup (28): the axis code, two bytes of padding, the absinfo
    public static final int ABS_SETUP_SIZE = 28;
    public static final int ABS_SETUP_CODE = 0, ABS_SETUP_ABSINFO = 4;

    // struct ff_effect (48 on LP64: the union holds ff_periodic_effect's pointer, so it is 8-aligned at 16)
    public static final int FF_EFFECT_SIZE = 48;
    public static final int FF_EFFECT_TYPE = 0, FF_EFFECT_ID = 2, FF_EFFECT_DIRECTION = 4,
            FF_EFFECT_TRIGGER_BUTTON = 6, FF_EFFECT_TRIGGER_INTERVAL = 8, FF_EFFECT_REPLAY_LENGTH = 10,
            FF_EFFECT_REPLAY_DELAY = 12, FF_EFFECT_U = 16;
    // struct ff_envelope (8), inside the union's members
    public static final int FF_ENVELOPE_ATTACK_LENGTH = 0, FF_ENVELOPE_ATTACK_LEVEL = 2, FF_ENVELOPE_FADE_LENGTH = 4,
            FF_ENVELOPE_FADE_LEVEL = 6;
    // struct ff_constant_effect, from the union's start
    public static final int FF_CONSTANT_LEVEL = 0, FF_CONSTANT_ENVELOPE = 2;
    // struct ff_ramp_effect
    public static final int FF_RAMP_START_LEVEL = 0, FF_RAMP_END_LEVEL = 2, FF_RAMP_ENVELOPE = 4;
    // struct ff_periodic_effect (32): custom_len and the custom_data pointer are never written by j4l (zero)
    public static final int FF_PERIODIC_WAVEFORM = 0, FF_PERIODIC_PERIOD = 2, FF_PERIODIC_MAGNITUDE = 4,
            FF_PERIODIC_OFFSET = 6, FF_PERIODIC_PHASE = 8, FF_PERIODIC_ENVELOPE = 10, FF_PERIODIC_CUSTOM_LEN = 20,
            FF_PERIODIC_CUSTOM_DATA = 24;
    // struct ff_condition_effect (12), two of them (one per axis)
    public static final int FF_CONDITION_SIZE = 12;
    public static final int FF_CONDITION_RIGHT_SATURATION = 0, FF_CONDITION_LEFT_SATURATION = 2,
            FF_CONDITION_RIGHT_COEFF = 4, FF_CONDITION_LEFT_COEFF = 6, FF_CONDITION_DEADBAND = 8,
            FF_CONDITION_CENTER = 10;
    // struct ff_rumble_effect
    public static final int FF_RUMBLE_STRONG_MAGNITUDE = 0, FF_RUMBLE_WEAK_MAGNITUDE = 2;

    // struct uinput_ff_upload (104)
    public static final int FF_UPLOAD_SIZE = 104;
    public static final int FF_UPLOAD_REQUEST_ID = 0, FF_UPLOAD_RETVAL = 4, FF_UPLOAD_EFFECT = 8, FF_UPLOAD_OLD = 56;
    // struct uinput_ff_erase (12)
    public static final int FF_ERASE_SIZE = 12;
    public static final int FF_ERASE_REQUEST_ID = 0, FF_ERASE_RETVAL = 4, FF_ERASE_EFFECT_ID = 8;

    // bus types of input_id.bustype (input.h)
    public static final int BUS_USB = 0x03, BUS_VIRTUAL = 0x06;

    // ioctls of /dev/input/eventN ('E')
    /** {@code _IOR('E', 0x02, struct input_id)}: the kernel writes an {@code input_id}. */
    public static final long EVIOCGID = 0x80084502L;
    /** {@code EVIOCGNAME(len)} is {@code _IOC(_IOC_READ, 'E', 0x06, len)}: this is it without the length. */
    public static final long EVIOCGNAME_BASE = 0x80004506L;
    /** {@code _IOC_SIZESHIFT}: where {@code len} goes in {@code EVIOCGNAME(len)} and {@code EVIOCGBIT(ev, len)}. */
    public static final int IOC_SIZESHIFT = 16;
    /** {@code EVIOCGBIT(ev, len)} is {@code _IOC(_IOC_READ, 'E', 0x20 + ev, len)}: this is it for ev 0, len 0. */
    public static final long EVIOCGBIT_BASE = 0x80004520L;
    /** {@code EVIOCGABS(abs)} is {@code _IOR('E', 0x40 + abs, struct input_absinfo)}: this is it for abs 0. */
    public static final long EVIOCGABS_BASE = 0x80184540L;
    /** {@code _IOW('E', 0x80, struct ff_effect)}: the kernel reads an {@code ff_effect} and writes its id back. */
    public static final long EVIOCSFF = 0x40304580L;
    /** {@code _IOW('E', 0x81, int)}, encoded with an int but taking the effect id by value. */
    public static final long EVIOCRMFF = 0x40044581L;
    /** {@code _IOR('E', 0x84, int)}: the kernel writes how many effects the device holds at once. */
    public static final long EVIOCGEFFECTS = 0x80044584L;
}
