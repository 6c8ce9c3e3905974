package dev.j4l.kernel.abi;

import static dev.j4l.kernel.abi.CStruct.CHAR;
import static dev.j4l.kernel.abi.CStruct.S32;
import static dev.j4l.kernel.abi.CStruct.S64;
import static dev.j4l.kernel.abi.CStruct.U16;
import static dev.j4l.kernel.abi.CStruct.U32;
import static dev.j4l.kernel.abi.CStruct.array;
import static dev.j4l.kernel.abi.CStruct.f;
import static dev.j4l.kernel.abi.CStruct.off;
import static dev.j4l.kernel.abi.CStruct.struct;

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
                // #define BUS_USB 0x03, BUS_VIRTUAL 0x06
                .pin("BUS_USB", 0x03).pin("BUS_VIRTUAL", 0x06)
                // #define EVIOCGID _IOR('E', 0x02, struct input_id)
                .pin("EVIOCGID", ioc(IOC_READ, 'E', 0x02, input_id.byteSize()))
                // #define EVIOCGNAME(len) _IOC(_IOC_READ, 'E', 0x06, len)
                .pin("EVIOCGNAME_BASE", ioc(IOC_READ, 'E', 0x06, 0))
                .pin("IOC_SIZESHIFT", 16)
                // input-event-codes.h
                .pin("Codes.EV_SYN", 0x00).pin("Codes.EV_KEY", 0x01).pin("Codes.EV_REL", 0x02)
                .pin("Codes.EV_ABS", 0x03).pin("Codes.EV_MAX", 0x1f)
                .pin("Codes.SYN_REPORT", 0)
                .pin("Codes.REL_X", 0x00).pin("Codes.REL_Y", 0x01).pin("Codes.REL_WHEEL", 0x08)
                .pin("Codes.REL_MAX", 0x0f)
                .pin("Codes.KEY_ESC", 1).pin("Codes.KEY_1", 2).pin("Codes.KEY_2", 3).pin("Codes.KEY_3", 4)
                .pin("Codes.KEY_4", 5).pin("Codes.KEY_5", 6).pin("Codes.KEY_6", 7).pin("Codes.KEY_7", 8)
                .pin("Codes.KEY_8", 9).pin("Codes.KEY_9", 10).pin("Codes.KEY_0", 11).pin("Codes.KEY_MINUS", 12)
                .pin("Codes.KEY_EQUAL", 13).pin("Codes.KEY_BACKSPACE", 14).pin("Codes.KEY_TAB", 15)
                .pin("Codes.KEY_Q", 16).pin("Codes.KEY_W", 17).pin("Codes.KEY_E", 18).pin("Codes.KEY_R", 19)
                .pin("Codes.KEY_T", 20).pin("Codes.KEY_Y", 21).pin("Codes.KEY_U", 22).pin("Codes.KEY_I", 23)
                .pin("Codes.KEY_O", 24).pin("Codes.KEY_P", 25).pin("Codes.KEY_LEFTBRACE", 26)
                .pin("Codes.KEY_RIGHTBRACE", 27).pin("Codes.KEY_ENTER", 28).pin("Codes.KEY_LEFTCTRL", 29)
                .pin("Codes.KEY_A", 30).pin("Codes.KEY_S", 31).pin("Codes.KEY_D", 32).pin("Codes.KEY_F", 33)
                .pin("Codes.KEY_G", 34).pin("Codes.KEY_H", 35).pin("Codes.KEY_J", 36).pin("Codes.KEY_K", 37)
                .pin("Codes.KEY_L", 38).pin("Codes.KEY_SEMICOLON", 39).pin("Codes.KEY_APOSTROPHE", 40)
                .pin("Codes.KEY_GRAVE", 41).pin("Codes.KEY_LEFTSHIFT", 42).pin("Codes.KEY_BACKSLASH", 43)
                .pin("Codes.KEY_Z", 44).pin("Codes.KEY_X", 45).pin("Codes.KEY_C", 46).pin("Codes.KEY_V", 47)
                .pin("Codes.KEY_B", 48).pin("Codes.KEY_N", 49).pin("Codes.KEY_M", 50).pin("Codes.KEY_COMMA", 51)
                .pin("Codes.KEY_DOT", 52).pin("Codes.KEY_SLASH", 53).pin("Codes.KEY_RIGHTSHIFT", 54)
                .pin("Codes.KEY_LEFTALT", 56).pin("Codes.KEY_SPACE", 57).pin("Codes.KEY_MAX", 0x2ff)
                .pin("Codes.BTN_LEFT", 0x110).pin("Codes.BTN_RIGHT", 0x111).pin("Codes.BTN_MIDDLE", 0x112)
                .check();
    }
}
