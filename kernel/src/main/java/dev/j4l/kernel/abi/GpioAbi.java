package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/linux/gpio.h} of Linux 6.1, its uAPI v2 (the GPIO character device {@code /dev/gpiochipN}
 * and the line-request descriptors it hands out; the v1 calls are not used): the structs' sizes and offsets on
 * LP64, the flags, attribute ids, event ids and change types, and the ioctl numbers. Pinned against the header by
 * {@code GpioAbiTest}.
 */
public final class GpioAbi {
    private GpioAbi() {}

    /** GPIO_MAX_NAME_SIZE: every name field, NUL-terminated. */
    public static final int MAX_NAME_SIZE = 32;
    /** GPIO_V2_LINES_MAX: the most lines one request holds (the bits of a 64-bit mask). */
    public static final int LINES_MAX = 64;
    /** GPIO_V2_LINE_NUM_ATTRS_MAX: the most attributes one line config carries. */
    public static final int NUM_ATTRS_MAX = 10;

    // struct gpiochip_info (68)
    public static final int CHIPINFO_SIZE = 68;
    public static final int CHIPINFO_NAME = 0, CHIPINFO_LABEL = 32, CHIPINFO_LINES = 64;

    // enum gpio_v2_line_flag (u64 bits)
    public static final long FLAG_USED = 1L << 0, FLAG_ACTIVE_LOW = 1L << 1, FLAG_INPUT = 1L << 2,
            FLAG_OUTPUT = 1L << 3, FLAG_EDGE_RISING = 1L << 4, FLAG_EDGE_FALLING = 1L << 5,
            FLAG_OPEN_DRAIN = 1L << 6, FLAG_OPEN_SOURCE = 1L << 7, FLAG_BIAS_PULL_UP = 1L << 8,
            FLAG_BIAS_PULL_DOWN = 1L << 9, FLAG_BIAS_DISABLED = 1L << 10, FLAG_EVENT_CLOCK_REALTIME = 1L << 11,
            FLAG_EVENT_CLOCK_HTE = 1L << 12;

    // struct gpio_v2_line_values (16)
    public static final int VALUES_SIZE = 16;
    public static final int VALUES_BITS = 0, VALUES_MASK = 8;

    // enum gpio_v2_line_attr_id
    public static final int ATTR_ID_FLAGS = 1, ATTR_ID_OUTPUT_VALUES = 2, ATTR_ID_DEBOUNCE = 3;

    // struct gpio_v2_line_attribute (16): id, padding, then a union of flags / values / debounce_period_us
    public static final int ATTR_SIZE = 16;
    public static final int ATTR_ID = 0, ATTR_PADDING = 4, ATTR_FLAGS = 8, ATTR_VALUES = 8, ATTR_DEBOUNCE_PERIOD_US = 8;

    // struct gpio_v2_line_config_attribute (24)
    public static final int CONFIG_ATTR_SIZE = 24;
    public static final int CONFIG_ATTR_ATTR = 0, CONFIG_ATTR_MASK = 16;

    // struct gpio_v2_line_config (272)
    public static final int CONFIG_SIZE = 272;
    public static final int CONFIG_FLAGS = 0, CONFIG_NUM_ATTRS = 8, CONFIG_PADDING = 12, CONFIG_ATTRS = 32;

    // struct gpio_v2_line_request (592)
    public static final int REQUEST_SIZE = 592;
    public static final int REQUEST_OFFSETS = 0, REQUEST_CONSUMER = 256, REQUEST_CONFIG = 288,
            REQUEST_NUM_LINES = 560, REQUEST_EVENT_BUFFER_SIZE = 564, REQUEST_PADDING = 568, REQUEST_FD = 588;

    // struct gpio_v2_line_info (256)
    public static final int INFO_SIZE = 256;
    public static final int INFO_NAME = 0, INFO_CONSUMER = 32, INFO_OFFSET = 64, INFO_NUM_ATTRS = 68,
            INFO_FLAGS = 72, INFO_ATTRS = 80, INFO_PADDING = 240;

    // enum gpio_v2_line_changed_type
    public static final int CHANGED_REQUESTED = 1, CHANGED_RELEASED = 2, CHANGED_CONFIG = 3;

    // struct gpio_v2_line_info_changed (288)
    public static final int INFO_CHANGED_SIZE = 288;
    public static final int INFO_CHANGED_INFO = 0, INFO_CHANGED_TIMESTAMP_NS = 256, INFO_CHANGED_EVENT_TYPE = 264,
            INFO_CHANGED_PADDING = 268;

    // enum gpio_v2_line_event_id
    public static final int EVENT_RISING_EDGE = 1, EVENT_FALLING_EDGE = 2;

    // struct gpio_v2_line_event (48)
    public static final int EVENT_SIZE = 48;
    public static final int EVENT_TIMESTAMP_NS = 0, EVENT_ID = 8, EVENT_OFFSET = 12, EVENT_SEQNO = 16,
            EVENT_LINE_SEQNO = 20, EVENT_PADDING = 24;

    // ioctls (0xB4): on the chip's descriptor
    /** {@code _IOR(0xB4, 0x01, struct gpiochip_info)}. */
    public static final long GPIO_GET_CHIPINFO_IOCTL = 0x8044B401L;
    /** {@code _IOWR(0xB4, 0x0C, __u32)}: the kernel reads the line offset. */
    public static final long GPIO_GET_LINEINFO_UNWATCH_IOCTL = 0xC004B40CL;
    /** {@code _IOWR(0xB4, 0x05, struct gpio_v2_line_info)}. */
    public static final long GPIO_V2_GET_LINEINFO_IOCTL = 0xC100B405L;
    /** {@code _IOWR(0xB4, 0x06, struct gpio_v2_line_info)}. */
    public static final long GPIO_V2_GET_LINEINFO_WATCH_IOCTL = 0xC100B406L;
    /** {@code _IOWR(0xB4, 0x07, struct gpio_v2_line_request)}: the kernel writes the new descriptor into fd. */
    public static final long GPIO_V2_GET_LINE_IOCTL = 0xC250B407L;
    // ioctls on a line request's descriptor
    /** {@code _IOWR(0xB4, 0x0D, struct gpio_v2_line_config)}. */
    public static final long GPIO_V2_LINE_SET_CONFIG_IOCTL = 0xC110B40DL;
    /** {@code _IOWR(0xB4, 0x0E, struct gpio_v2_line_values)}. */
    public static final long GPIO_V2_LINE_GET_VALUES_IOCTL = 0xC010B40EL;
    /** {@code _IOWR(0xB4, 0x0F, struct gpio_v2_line_values)}. */
    public static final long GPIO_V2_LINE_SET_VALUES_IOCTL = 0xC010B40FL;
}
