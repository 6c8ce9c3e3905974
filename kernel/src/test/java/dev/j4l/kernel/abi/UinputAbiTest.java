package dev.j4l.kernel.abi;

import static dev.j4l.kernel.abi.CStruct.CHAR;
import static dev.j4l.kernel.abi.CStruct.S32;
import static dev.j4l.kernel.abi.CStruct.S16;
import static dev.j4l.kernel.abi.CStruct.S64;
import static dev.j4l.kernel.abi.CStruct.U16;
import static dev.j4l.kernel.abi.CStruct.U32;
import static dev.j4l.kernel.abi.CStruct.U64;
import static dev.j4l.kernel.abi.CStruct.array;
import static dev.j4l.kernel.abi.CStruct.f;
import static dev.j4l.kernel.abi.CStruct.off;
import static dev.j4l.kernel.abi.CStruct.struct;
import static dev.j4l.kernel.abi.CStruct.union;

import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/**
 * {@link UinputAbi} against {@code include/uapi/linux/uinput.h}, {@code input.h} and {@code input-event-codes.h}
 * of Linux 6.1: the structs transcribed member by member (LP64: {@code struct timeval} is two longs), the ioctl
 * numbers computed from the headers' {@code _IO}/{@code _IOR}/{@code _IOW}, the codes as the header writes them.
 */
class UinputAbiTest {
    static final int UINPUT_MAX_NAME_SIZE = 80;

    static final StructLayout input_id = struct("input_id",
            f("bustype", U16), f("vendor", U16), f("product", U16), f("version", U16));

    static final StructLayout uinput_setup = struct("uinput_setup",
            f("id", input_id), array("name", UINPUT_MAX_NAME_SIZE, CHAR), f("ff_effects_max", U32));

    static final StructLayout timeval = struct("timeval", f("tv_sec", S64), f("tv_usec", S64));

    static final StructLayout input_event = struct("input_event",
            f("time", timeval), f("type", U16), f("code", U16), f("value", S32));

    static final StructLayout input_absinfo = struct("input_absinfo", f("value", S32), f("minimum", S32),
            f("maximum", S32), f("fuzz", S32), f("flat", S32), f("resolution", S32));

    static final StructLayout uinput_abs_setup = struct("uinput_abs_setup",
            f("code", U16), /* __u16 filler; */ f("absinfo", input_absinfo));

    static final StructLayout ff_replay = struct("ff_replay", f("length", U16), f("delay", U16));
    static final StructLayout ff_trigger = struct("ff_trigger", f("button", U16), f("interval", U16));
    static final StructLayout ff_envelope = struct("ff_envelope", f("attack_length", U16), f("attack_level", U16),
            f("fade_length", U16), f("fade_level", U16));
    static final StructLayout ff_constant_effect = struct("ff_constant_effect",
            f("level", S16), f("envelope", ff_envelope));
    static final StructLayout ff_ramp_effect = struct("ff_ramp_effect",
            f("start_level", S16), f("end_level", S16), f("envelope", ff_envelope));
    static final StructLayout ff_condition_effect = struct("ff_condition_effect",
            f("right_saturation", U16), f("left_saturation", U16), f("right_coeff", S16), f("left_coeff", S16),
            f("deadband", U16), f("center", S16));
    /** {@code __s16 *custom_data} is a pointer: 8 bytes, 8-aligned on LP64. */
    static final StructLayout ff_periodic_effect = struct("ff_periodic_effect",
            f("waveform", U16), f("period", U16), f("magnitude", S16), f("offset", S16), f("phase", U16),
            f("envelope", ff_envelope), f("custom_len", U32), f("custom_data", U64));
    static final StructLayout ff_rumble_effect = struct("ff_rumble_effect",
            f("strong_magnitude", U16), f("weak_magnitude", U16));
    static final StructLayout ff_effect = struct("ff_effect",
            f("type", U16), f("id", S16), f("direction", U16), f("trigger", ff_trigger), f("replay", ff_replay),
            f("u", union("u", f("constant", ff_constant_effect), f("ramp", ff_ramp_effect),
                    f("periodic", ff_periodic_effect), array("condition", 2, ff_condition_effect),
                    f("rumble", ff_rumble_effect))));

    static final StructLayout uinput_ff_upload = struct("uinput_ff_upload",
            f("request_id", U32), f("retval", S32), f("effect", ff_effect), f("old", ff_effect));
    static final StructLayout uinput_ff_erase = struct("uinput_ff_erase",
            f("request_id", U32), f("retval", S32), f("effect_id", U32));

    /** {@code _IOC(dir, type, nr, size)} of asm-generic/ioctl.h. */
    private static long ioc(long dir, long type, long nr, long size) {
        return dir << 30 | size << 16 | type << 8 | nr;
    }

    private static final long IOC_NONE = 0, IOC_WRITE = 1, IOC_READ = 2;

    @Test
    void everyConstantIsTheHeaders() {
        long intSize = S32.byteSize();
        new CStruct.Pins(UinputAbi.class)
                // #define UINPUT_IOCTL_BASE 'U'; UI_DEV_CREATE _IO(UINPUT_IOCTL_BASE, 1) ...
                .pin("UI_DEV_CREATE", ioc(IOC_NONE, 'U', 1, 0))
                .pin("UI_DEV_DESTROY", ioc(IOC_NONE, 'U', 2, 0))
                .pin("UI_DEV_SETUP", ioc(IOC_WRITE, 'U', 3, uinput_setup.byteSize()))
                .pin("UI_SET_EVBIT", ioc(IOC_WRITE, 'U', 100, intSize))
                .pin("UI_SET_KEYBIT", ioc(IOC_WRITE, 'U', 101, intSize))
                .pin("UI_SET_RELBIT", ioc(IOC_WRITE, 'U', 102, intSize))
                .pin("UI_SET_ABSBIT", ioc(IOC_WRITE, 'U', 103, intSize))
                .pin("UI_SET_FFBIT", ioc(IOC_WRITE, 'U', 107, intSize))
                .pin("UI_ABS_SETUP", ioc(IOC_WRITE, 'U', 4, uinput_abs_setup.byteSize()))
                .pin("UI_BEGIN_FF_UPLOAD", ioc(IOC_READ | IOC_WRITE, 'U', 200, uinput_ff_upload.byteSize()))
                .pin("UI_END_FF_UPLOAD", ioc(IOC_WRITE, 'U', 201, uinput_ff_upload.byteSize()))
                .pin("UI_BEGIN_FF_ERASE", ioc(IOC_READ | IOC_WRITE, 'U', 202, uinput_ff_erase.byteSize()))
                .pin("UI_END_FF_ERASE", ioc(IOC_WRITE, 'U', 203, uinput_ff_erase.byteSize()))
                // #define EV_UINPUT 0x0101, UI_FF_UPLOAD 1, UI_FF_ERASE 2
                .pin("EV_UINPUT", 0x0101).pin("UI_FF_UPLOAD", 1).pin("UI_FF_ERASE", 2)
                .pin("UINPUT_MAX_NAME_SIZE", UINPUT_MAX_NAME_SIZE)
                .pin("INPUT_ID_SIZE", input_id.byteSize())
                .pin("INPUT_ID_BUSTYPE", off(input_id, "bustype")).pin("INPUT_ID_VENDOR", off(input_id, "vendor"))
                .pin("INPUT_ID_PRODUCT", off(input_id, "product")).pin("INPUT_ID_VERSION", off(input_id, "version"))
                .pin("SETUP_SIZE", uinput_setup.byteSize())
                .pin("SETUP_ID", off(uinput_setup, "id")).pin("SETUP_NAME", off(uinput_setup, "name"))
                .pin("SETUP_FF_EFFECTS_MAX", off(uinput_setup, "ff_effects_max"))
                .pin("EVENT_SIZE", input_event.byteSize())
                .pin("EVENT_TIME", off(input_event, "time")).pin("EVENT_TYPE", off(input_event, "type"))
                .pin("EVENT_CODE", off(input_event, "code")).pin("EVENT_VALUE", off(input_event, "value"))
                .pin("ABSINFO_SIZE", input_absinfo.byteSize())
                .pin("ABSINFO_VALUE", off(input_absinfo, "value")).pin("ABSINFO_MINIMUM", off(input_absinfo, "minimum"))
                .pin("ABSINFO_MAXIMUM", off(input_absinfo, "maximum")).pin("ABSINFO_FUZZ", off(input_absinfo, "fuzz"))
                .pin("ABSINFO_FLAT", off(input_absinfo, "flat"))
                .pin("ABSINFO_RESOLUTION", off(input_absinfo, "resolution"))
                .pin("ABS_SETUP_SIZE", uinput_abs_setup.byteSize())
                .pin("ABS_SETUP_CODE", off(uinput_abs_setup, "code"))
                .pin("ABS_SETUP_ABSINFO", off(uinput_abs_setup, "absinfo"))
                .pin("FF_EFFECT_SIZE", ff_effect.byteSize())
                .pin("FF_EFFECT_TYPE", off(ff_effect, "type")).pin("FF_EFFECT_ID", off(ff_effect, "id"))
                .pin("FF_EFFECT_DIRECTION", off(ff_effect, "direction"))
                .pin("FF_EFFECT_TRIGGER_BUTTON", off(ff_effect, "trigger", "button"))
                .pin("FF_EFFECT_TRIGGER_INTERVAL", off(ff_effect, "trigger", "interval"))
                .pin("FF_EFFECT_REPLAY_LENGTH", off(ff_effect, "replay", "length"))
                .pin("FF_EFFECT_REPLAY_DELAY", off(ff_effect, "replay", "delay"))
                .pin("FF_EFFECT_U", off(ff_effect, "u"))
                .pin("FF_ENVELOPE_ATTACK_LENGTH", off(ff_envelope, "attack_length"))
                .pin("FF_ENVELOPE_ATTACK_LEVEL", off(ff_envelope, "attack_level"))
                .pin("FF_ENVELOPE_FADE_LENGTH", off(ff_envelope, "fade_length"))
                .pin("FF_ENVELOPE_FADE_LEVEL", off(ff_envelope, "fade_level"))
                .pin("FF_CONSTANT_LEVEL", off(ff_constant_effect, "level"))
                .pin("FF_CONSTANT_ENVELOPE", off(ff_constant_effect, "envelope"))
                .pin("FF_RAMP_START_LEVEL", off(ff_ramp_effect, "start_level"))
                .pin("FF_RAMP_END_LEVEL", off(ff_ramp_effect, "end_level"))
                .pin("FF_RAMP_ENVELOPE", off(ff_ramp_effect, "envelope"))
                .pin("FF_PERIODIC_WAVEFORM", off(ff_periodic_effect, "waveform"))
                .pin("FF_PERIODIC_PERIOD", off(ff_periodic_effect, "period"))
                .pin("FF_PERIODIC_MAGNITUDE", off(ff_periodic_effect, "magnitude"))
                .pin("FF_PERIODIC_OFFSET", off(ff_periodic_effect, "offset"))
                .pin("FF_PERIODIC_PHASE", off(ff_periodic_effect, "phase"))
                .pin("FF_PERIODIC_ENVELOPE", off(ff_periodic_effect, "envelope"))
                .pin("FF_PERIODIC_CUSTOM_LEN", off(ff_periodic_effect, "custom_len"))
                .pin("FF_PERIODIC_CUSTOM_DATA", off(ff_periodic_effect, "custom_data"))
                .pin("FF_CONDITION_SIZE", ff_condition_effect.byteSize())
                .pin("FF_CONDITION_RIGHT_SATURATION", off(ff_condition_effect, "right_saturation"))
                .pin("FF_CONDITION_LEFT_SATURATION", off(ff_condition_effect, "left_saturation"))
                .pin("FF_CONDITION_RIGHT_COEFF", off(ff_condition_effect, "right_coeff"))
                .pin("FF_CONDITION_LEFT_COEFF", off(ff_condition_effect, "left_coeff"))
                .pin("FF_CONDITION_DEADBAND", off(ff_condition_effect, "deadband"))
                .pin("FF_CONDITION_CENTER", off(ff_condition_effect, "center"))
                .pin("FF_RUMBLE_STRONG_MAGNITUDE", off(ff_rumble_effect, "strong_magnitude"))
                .pin("FF_RUMBLE_WEAK_MAGNITUDE", off(ff_rumble_effect, "weak_magnitude"))
                .pin("FF_UPLOAD_SIZE", uinput_ff_upload.byteSize())
                .pin("FF_UPLOAD_REQUEST_ID", off(uinput_ff_upload, "request_id"))
                .pin("FF_UPLOAD_RETVAL", off(uinput_ff_upload, "retval"))
                .pin("FF_UPLOAD_EFFECT", off(uinput_ff_upload, "effect"))
                .pin("FF_UPLOAD_OLD", off(uinput_ff_upload, "old"))
                .pin("FF_ERASE_SIZE", uinput_ff_erase.byteSize())
                .pin("FF_ERASE_REQUEST_ID", off(uinput_ff_erase, "request_id"))
                .pin("FF_ERASE_RETVAL", off(uinput_ff_erase, "retval"))
                .pin("FF_ERASE_EFFECT_ID", off(uinput_ff_erase, "effect_id"))
                // #define BUS_USB 0x03, BUS_VIRTUAL 0x06
                .pin("BUS_USB", 0x03).pin("BUS_VIRTUAL", 0x06)
                // #define EVIOCGID _IOR('E', 0x02, struct input_id)
                .pin("EVIOCGID", ioc(IOC_READ, 'E', 0x02, input_id.byteSize()))
                // #define EVIOCGNAME(len) _IOC(_IOC_READ, 'E', 0x06, len)
                .pin("EVIOCGNAME_BASE", ioc(IOC_READ, 'E', 0x06, 0))
                .pin("IOC_SIZESHIFT", 16)
                // #define EVIOCGBIT(ev,len) _IOC(_IOC_READ, 'E', 0x20 + (ev), len)
                .pin("EVIOCGBIT_BASE", ioc(IOC_READ, 'E', 0x20, 0))
                // #define EVIOCGABS(abs) _IOR('E', 0x40 + (abs), struct input_absinfo)
                .pin("EVIOCGABS_BASE", ioc(IOC_READ, 'E', 0x40, input_absinfo.byteSize()))
                // #define EVIOCSFF _IOW('E', 0x80, struct ff_effect), EVIOCRMFF _IOW('E', 0x81, int),
                // EVIOCGEFFECTS _IOR('E', 0x84, int)
                .pin("EVIOCSFF", ioc(IOC_WRITE, 'E', 0x80, ff_effect.byteSize()))
                .pin("EVIOCRMFF", ioc(IOC_WRITE, 'E', 0x81, intSize))
                .pin("EVIOCGEFFECTS", ioc(IOC_READ, 'E', 0x84, intSize))
                .check();
    }

    @Test
    void everyInputCodeIsTheHeaders() {
        new CStruct.Pins(dev.j4l.kernel.InputCodes.class)
                // input-event-codes.h
                .pin("EV_SYN", 0x00).pin("EV_KEY", 0x01).pin("EV_REL", 0x02)
                .pin("EV_ABS", 0x03).pin("EV_FF", 0x15).pin("EV_MAX", 0x1f)
                .pin("SYN_REPORT", 0)
                .pin("REL_X", 0x00).pin("REL_Y", 0x01).pin("REL_WHEEL", 0x08)
                .pin("REL_MAX", 0x0f)
                .pin("KEY_ESC", 1).pin("KEY_1", 2).pin("KEY_2", 3).pin("KEY_3", 4)
                .pin("KEY_4", 5).pin("KEY_5", 6).pin("KEY_6", 7).pin("KEY_7", 8)
                .pin("KEY_8", 9).pin("KEY_9", 10).pin("KEY_0", 11).pin("KEY_MINUS", 12)
                .pin("KEY_EQUAL", 13).pin("KEY_BACKSPACE", 14).pin("KEY_TAB", 15)
                .pin("KEY_Q", 16).pin("KEY_W", 17).pin("KEY_E", 18).pin("KEY_R", 19)
                .pin("KEY_T", 20).pin("KEY_Y", 21).pin("KEY_U", 22).pin("KEY_I", 23)
                .pin("KEY_O", 24).pin("KEY_P", 25).pin("KEY_LEFTBRACE", 26)
                .pin("KEY_RIGHTBRACE", 27).pin("KEY_ENTER", 28).pin("KEY_LEFTCTRL", 29)
                .pin("KEY_A", 30).pin("KEY_S", 31).pin("KEY_D", 32).pin("KEY_F", 33)
                .pin("KEY_G", 34).pin("KEY_H", 35).pin("KEY_J", 36).pin("KEY_K", 37)
                .pin("KEY_L", 38).pin("KEY_SEMICOLON", 39).pin("KEY_APOSTROPHE", 40)
                .pin("KEY_GRAVE", 41).pin("KEY_LEFTSHIFT", 42).pin("KEY_BACKSLASH", 43)
                .pin("KEY_Z", 44).pin("KEY_X", 45).pin("KEY_C", 46).pin("KEY_V", 47)
                .pin("KEY_B", 48).pin("KEY_N", 49).pin("KEY_M", 50).pin("KEY_COMMA", 51)
                .pin("KEY_DOT", 52).pin("KEY_SLASH", 53).pin("KEY_RIGHTSHIFT", 54)
                .pin("KEY_LEFTALT", 56).pin("KEY_SPACE", 57).pin("KEY_MAX", 0x2ff)
                .pin("BTN_LEFT", 0x110).pin("BTN_RIGHT", 0x111).pin("BTN_MIDDLE", 0x112)
                .pin("BTN_SOUTH", 0x130).pin("BTN_EAST", 0x131).pin("BTN_NORTH", 0x133)
                .pin("BTN_WEST", 0x134).pin("BTN_TL", 0x136).pin("BTN_TR", 0x137)
                .pin("BTN_SELECT", 0x13a).pin("BTN_START", 0x13b).pin("BTN_MODE", 0x13c)
                .pin("BTN_THUMBL", 0x13d).pin("BTN_THUMBR", 0x13e)
                .pin("ABS_X", 0x00).pin("ABS_Y", 0x01).pin("ABS_Z", 0x02).pin("ABS_RX", 0x03)
                .pin("ABS_RY", 0x04).pin("ABS_RZ", 0x05).pin("ABS_HAT0X", 0x10)
                .pin("ABS_HAT0Y", 0x11).pin("ABS_MT_SLOT", 0x2f).pin("ABS_MAX", 0x3f)
                // input.h
                .pin("FF_RUMBLE", 0x50).pin("FF_PERIODIC", 0x51).pin("FF_CONSTANT", 0x52)
                .pin("FF_SPRING", 0x53).pin("FF_FRICTION", 0x54).pin("FF_DAMPER", 0x55)
                .pin("FF_INERTIA", 0x56).pin("FF_RAMP", 0x57)
                .pin("FF_SQUARE", 0x58).pin("FF_TRIANGLE", 0x59).pin("FF_SINE", 0x5a)
                .pin("FF_SAW_UP", 0x5b).pin("FF_SAW_DOWN", 0x5c).pin("FF_CUSTOM", 0x5d)
                .pin("FF_GAIN", 0x60).pin("FF_AUTOCENTER", 0x61)
                // #define FF_MAX_EFFECTS FF_GAIN
                .pin("FF_MAX_EFFECTS", 0x60).pin("FF_MAX", 0x7f)
                .check();
    }
}
