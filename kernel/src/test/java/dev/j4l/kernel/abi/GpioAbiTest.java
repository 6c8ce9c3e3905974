package dev.j4l.kernel.abi;

import static dev.j4l.kernel.abi.CStruct.CHAR;
import static dev.j4l.kernel.abi.CStruct.S32;
import static dev.j4l.kernel.abi.CStruct.U32;
import static dev.j4l.kernel.abi.CStruct.U64;
import static dev.j4l.kernel.abi.CStruct.anonymousUnion;
import static dev.j4l.kernel.abi.CStruct.array;
import static dev.j4l.kernel.abi.CStruct.f;
import static dev.j4l.kernel.abi.CStruct.off;
import static dev.j4l.kernel.abi.CStruct.struct;

import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/**
 * {@link GpioAbi} against {@code include/uapi/linux/gpio.h} of Linux 6.1: the v2 structs transcribed member by
 * member ({@code __aligned_u64} is an 8-byte-aligned u64, as {@code U64} is on LP64), the ioctl numbers computed
 * from the header's {@code _IOR}/{@code _IOWR} with those structs' sizes, the enums as the header writes them.
 */
class GpioAbiTest {
    static final int GPIO_MAX_NAME_SIZE = 32, GPIO_V2_LINES_MAX = 64, GPIO_V2_LINE_NUM_ATTRS_MAX = 10;

    static final StructLayout gpiochip_info = struct("gpiochip_info",
            array("name", GPIO_MAX_NAME_SIZE, CHAR), array("label", GPIO_MAX_NAME_SIZE, CHAR), f("lines", U32));

    static final StructLayout gpio_v2_line_values = struct("gpio_v2_line_values", f("bits", U64), f("mask", U64));

    static final StructLayout gpio_v2_line_attribute = struct("gpio_v2_line_attribute",
            f("id", U32), f("padding", U32),
            anonymousUnion(f("flags", U64), f("values", U64), f("debounce_period_us", U32)));

    static final StructLayout gpio_v2_line_config_attribute = struct("gpio_v2_line_config_attribute",
            f("attr", gpio_v2_line_attribute), f("mask", U64));

    static final StructLayout gpio_v2_line_config = struct("gpio_v2_line_config",
            f("flags", U64), f("num_attrs", U32), array("padding", 5, U32),
            array("attrs", GPIO_V2_LINE_NUM_ATTRS_MAX, gpio_v2_line_config_attribute));

    static final StructLayout gpio_v2_line_request = struct("gpio_v2_line_request",
            array("offsets", GPIO_V2_LINES_MAX, U32), array("consumer", GPIO_MAX_NAME_SIZE, CHAR),
            f("config", gpio_v2_line_config), f("num_lines", U32), f("event_buffer_size", U32),
            array("padding", 5, U32), f("fd", S32));

    static final StructLayout gpio_v2_line_info = struct("gpio_v2_line_info",
            array("name", GPIO_MAX_NAME_SIZE, CHAR), array("consumer", GPIO_MAX_NAME_SIZE, CHAR),
            f("offset", U32), f("num_attrs", U32), f("flags", U64),
            array("attrs", GPIO_V2_LINE_NUM_ATTRS_MAX, gpio_v2_line_attribute), array("padding", 4, U32));

    static final StructLayout gpio_v2_line_info_changed = struct("gpio_v2_line_info_changed",
            f("info", gpio_v2_line_info), f("timestamp_ns", U64), f("event_type", U32), array("padding", 5, U32));

    static final StructLayout gpio_v2_line_event = struct("gpio_v2_line_event",
            f("timestamp_ns", U64), f("id", U32), f("offset", U32), f("seqno", U32), f("line_seqno", U32),
            array("padding", 6, U32));

    /** {@code _IOC(dir, type, nr, size)} of asm-generic/ioctl.h. */
    private static long ioc(long dir, long type, long nr, long size) {
        return dir << 30 | size << 16 | type << 8 | nr;
    }

    private static final long IOC_WRITE = 1, IOC_READ = 2;

    /** {@code _IOR(type, nr, size)}. */
    private static long ior(long type, long nr, long size) {
        return ioc(IOC_READ, type, nr, size);
    }

    /** {@code _IOWR(type, nr, size)}. */
    private static long iowr(long type, long nr, long size) {
        return ioc(IOC_READ | IOC_WRITE, type, nr, size);
    }

    @Test
    void everyConstantIsTheHeaders() {
        new CStruct.Pins(GpioAbi.class)
                .pin("MAX_NAME_SIZE", GPIO_MAX_NAME_SIZE).pin("LINES_MAX", GPIO_V2_LINES_MAX)
                .pin("NUM_ATTRS_MAX", GPIO_V2_LINE_NUM_ATTRS_MAX)
                .pin("CHIPINFO_SIZE", gpiochip_info.byteSize())
                .pin("CHIPINFO_NAME", off(gpiochip_info, "name")).pin("CHIPINFO_LABEL", off(gpiochip_info, "label"))
                .pin("CHIPINFO_LINES", off(gpiochip_info, "lines"))
                // enum gpio_v2_line_flag: _BITULL(0) .. _BITULL(12)
                .pin("FLAG_USED", 1L << 0).pin("FLAG_ACTIVE_LOW", 1L << 1).pin("FLAG_INPUT", 1L << 2)
                .pin("FLAG_OUTPUT", 1L << 3).pin("FLAG_EDGE_RISING", 1L << 4).pin("FLAG_EDGE_FALLING", 1L << 5)
                .pin("FLAG_OPEN_DRAIN", 1L << 6).pin("FLAG_OPEN_SOURCE", 1L << 7)
                .pin("FLAG_BIAS_PULL_UP", 1L << 8).pin("FLAG_BIAS_PULL_DOWN", 1L << 9)
                .pin("FLAG_BIAS_DISABLED", 1L << 10).pin("FLAG_EVENT_CLOCK_REALTIME", 1L << 11)
                .pin("FLAG_EVENT_CLOCK_HTE", 1L << 12)
                .pin("VALUES_SIZE", gpio_v2_line_values.byteSize())
                .pin("VALUES_BITS", off(gpio_v2_line_values, "bits")).pin("VALUES_MASK", off(gpio_v2_line_values, "mask"))
                .pin("ATTR_ID_FLAGS", 1).pin("ATTR_ID_OUTPUT_VALUES", 2).pin("ATTR_ID_DEBOUNCE", 3)
                .pin("ATTR_SIZE", gpio_v2_line_attribute.byteSize())
                .pin("ATTR_ID", off(gpio_v2_line_attribute, "id"))
                .pin("ATTR_PADDING", off(gpio_v2_line_attribute, "padding"))
                .pin("ATTR_FLAGS", off(gpio_v2_line_attribute, "flags"))
                .pin("ATTR_VALUES", off(gpio_v2_line_attribute, "values"))
                .pin("ATTR_DEBOUNCE_PERIOD_US", off(gpio_v2_line_attribute, "debounce_period_us"))
                .pin("CONFIG_ATTR_SIZE", gpio_v2_line_config_attribute.byteSize())
                .pin("CONFIG_ATTR_ATTR", off(gpio_v2_line_config_attribute, "attr"))
                .pin("CONFIG_ATTR_MASK", off(gpio_v2_line_config_attribute, "mask"))
                .pin("CONFIG_SIZE", gpio_v2_line_config.byteSize())
                .pin("CONFIG_FLAGS", off(gpio_v2_line_config, "flags"))
                .pin("CONFIG_NUM_ATTRS", off(gpio_v2_line_config, "num_attrs"))
                .pin("CONFIG_PADDING", off(gpio_v2_line_config, "padding"))
                .pin("CONFIG_ATTRS", off(gpio_v2_line_config, "attrs"))
                .pin("REQUEST_SIZE", gpio_v2_line_request.byteSize())
                .pin("REQUEST_OFFSETS", off(gpio_v2_line_request, "offsets"))
                .pin("REQUEST_CONSUMER", off(gpio_v2_line_request, "consumer"))
                .pin("REQUEST_CONFIG", off(gpio_v2_line_request, "config"))
                .pin("REQUEST_NUM_LINES", off(gpio_v2_line_request, "num_lines"))
                .pin("REQUEST_EVENT_BUFFER_SIZE", off(gpio_v2_line_request, "event_buffer_size"))
                .pin("REQUEST_PADDING", off(gpio_v2_line_request, "padding"))
                .pin("REQUEST_FD", off(gpio_v2_line_request, "fd"))
                .pin("INFO_SIZE", gpio_v2_line_info.byteSize())
                .pin("INFO_NAME", off(gpio_v2_line_info, "name")).pin("INFO_CONSUMER", off(gpio_v2_line_info, "consumer"))
                .pin("INFO_OFFSET", off(gpio_v2_line_info, "offset"))
                .pin("INFO_NUM_ATTRS", off(gpio_v2_line_info, "num_attrs"))
                .pin("INFO_FLAGS", off(gpio_v2_line_info, "flags")).pin("INFO_ATTRS", off(gpio_v2_line_info, "attrs"))
                .pin("INFO_PADDING", off(gpio_v2_line_info, "padding"))
                .pin("CHANGED_REQUESTED", 1).pin("CHANGED_RELEASED", 2).pin("CHANGED_CONFIG", 3)
                .pin("INFO_CHANGED_SIZE", gpio_v2_line_info_changed.byteSize())
                .pin("INFO_CHANGED_INFO", off(gpio_v2_line_info_changed, "info"))
                .pin("INFO_CHANGED_TIMESTAMP_NS", off(gpio_v2_line_info_changed, "timestamp_ns"))
                .pin("INFO_CHANGED_EVENT_TYPE", off(gpio_v2_line_info_changed, "event_type"))
                .pin("INFO_CHANGED_PADDING", off(gpio_v2_line_info_changed, "padding"))
                .pin("EVENT_RISING_EDGE", 1).pin("EVENT_FALLING_EDGE", 2)
                .pin("EVENT_SIZE", gpio_v2_line_event.byteSize())
                .pin("EVENT_TIMESTAMP_NS", off(gpio_v2_line_event, "timestamp_ns"))
                .pin("EVENT_ID", off(gpio_v2_line_event, "id")).pin("EVENT_OFFSET", off(gpio_v2_line_event, "offset"))
                .pin("EVENT_SEQNO", off(gpio_v2_line_event, "seqno"))
                .pin("EVENT_LINE_SEQNO", off(gpio_v2_line_event, "line_seqno"))
                .pin("EVENT_PADDING", off(gpio_v2_line_event, "padding"))
                // #define GPIO_GET_CHIPINFO_IOCTL _IOR(0xB4, 0x01, struct gpiochip_info) ...
                .pin("GPIO_GET_CHIPINFO_IOCTL", ior(0xB4, 0x01, gpiochip_info.byteSize()))
                .pin("GPIO_GET_LINEINFO_UNWATCH_IOCTL", iowr(0xB4, 0x0C, U32.byteSize()))
                .pin("GPIO_V2_GET_LINEINFO_IOCTL", iowr(0xB4, 0x05, gpio_v2_line_info.byteSize()))
                .pin("GPIO_V2_GET_LINEINFO_WATCH_IOCTL", iowr(0xB4, 0x06, gpio_v2_line_info.byteSize()))
                .pin("GPIO_V2_GET_LINE_IOCTL", iowr(0xB4, 0x07, gpio_v2_line_request.byteSize()))
                .pin("GPIO_V2_LINE_SET_CONFIG_IOCTL", iowr(0xB4, 0x0D, gpio_v2_line_config.byteSize()))
                .pin("GPIO_V2_LINE_GET_VALUES_IOCTL", iowr(0xB4, 0x0E, gpio_v2_line_values.byteSize()))
                .pin("GPIO_V2_LINE_SET_VALUES_IOCTL", iowr(0xB4, 0x0F, gpio_v2_line_values.byteSize()))
                .check();
    }
}
