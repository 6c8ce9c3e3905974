package dev.j4l.kernel;

import dev.j4l.kernel.abi.GpioAbi;
import dev.j4l.kernel.raw.Ioctl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A GPIO chip's character device, {@code /dev/gpiochipN} (the {@code gpiochip} driver's dynamic major), through
 * the kernel's uAPI v2: the chip's {@link #info}, each line's {@link #lineInfo}, watching lines for
 * {@link #readChanges changes} of their info, and {@link #request requesting} lines, which gives a
 * {@link GpioLineRequest} to read and drive them and to read their edge events.
 *
 * <p>Every ioctl is {@link GpioAbi}'s, made only on the descriptor this object opened and checked to be a GPIO
 * chip, whatever path was named, with arguments built here from typed values in a buffer this object owns; line
 * offsets are checked against the chip's line count before they reach the kernel.
 */
public final class GpioChipDevice implements AutoCloseable {
    /** The most info changes one {@link #readChanges} returns. */
    public static final int MAX_CHANGES = 16;
    /** The longest consumer name, in UTF-8 bytes (GPIO_MAX_NAME_SIZE less the NUL). */
    public static final int MAX_CONSUMER_BYTES = GpioAbi.MAX_NAME_SIZE - 1;
    /** The most lines one request holds. */
    public static final int MAX_LINES = GpioAbi.LINES_MAX;
    /** The largest edge-event queue a request may ask for (the kernel's cap: 16 per line of the most lines). */
    public static final int MAX_EVENT_BUFFER = 16 * GpioAbi.LINES_MAX;

    static final Ioctl GET_CHIPINFO = Ioctl.buffer("GPIO_GET_CHIPINFO_IOCTL", GpioAbi.GPIO_GET_CHIPINFO_IOCTL,
            GpioAbi.CHIPINFO_SIZE);
    static final Ioctl GET_LINEINFO = Ioctl.buffer("GPIO_V2_GET_LINEINFO_IOCTL", GpioAbi.GPIO_V2_GET_LINEINFO_IOCTL,
            GpioAbi.INFO_SIZE);
    static final Ioctl GET_LINEINFO_WATCH = Ioctl.buffer("GPIO_V2_GET_LINEINFO_WATCH_IOCTL",
            GpioAbi.GPIO_V2_GET_LINEINFO_WATCH_IOCTL, GpioAbi.INFO_SIZE);
    static final Ioctl LINEINFO_UNWATCH = Ioctl.buffer("GPIO_GET_LINEINFO_UNWATCH_IOCTL",
            GpioAbi.GPIO_GET_LINEINFO_UNWATCH_IOCTL, 4);
    static final Ioctl GET_LINE = Ioctl.buffer("GPIO_V2_GET_LINE_IOCTL", GpioAbi.GPIO_V2_GET_LINE_IOCTL,
            GpioAbi.REQUEST_SIZE);

    /** The chip: its device name ({@code gpiochip0}), its label (the driver's name for it) and its line count. */
    public record ChipInfo(String name, String label, int lines) {}

    /**
     * A line as the kernel reports it.
     *
     * @param name the line's name, empty when it has none
     * @param consumer who requested it, empty when nobody
     * @param used whether it is requested (by user space or the kernel)
     */
    public record LineInfo(int offset, String name, String consumer, boolean used, GpioLineSettings settings) {}

    /** What happened to a watched line. */
    public enum Change { REQUESTED, RELEASED, RECONFIGURED }

    /** A change of a watched line's info, with the line's info after it and when it happened (CLOCK_MONOTONIC). */
    public record InfoChange(LineInfo info, long timestampNanos, Change change) {}

    private final OwnedFd fd;
    private final ChipInfo info;
    /** Ioctl arguments and info changes read: used under this object's lock. */
    private final NativeBuffer buf = NativeBuffer.allocate(
            Math.max(GpioAbi.REQUEST_SIZE, (long) GpioAbi.INFO_CHANGED_SIZE * MAX_CHANGES));
    private final Poller poller = new Poller(1);

    private GpioChipDevice(OwnedFd fd) throws KernelException {
        this.fd = fd;
        poller.add(fd, Poller.POLLIN);
        NativeBuffer arg = buf.slice(0, GpioAbi.CHIPINFO_SIZE);
        arg.fill(0, GpioAbi.CHIPINFO_SIZE, (byte) 0);
        // The kernel writes a gpiochip_info (CHIPINFO_SIZE bytes, Ioctl checks) into this object's buffer.
        fd.ioctl(GET_CHIPINFO, arg);
        this.info = new ChipInfo(string(arg, GpioAbi.CHIPINFO_NAME), string(arg, GpioAbi.CHIPINFO_LABEL),
                arg.getInt(GpioAbi.CHIPINFO_LINES));
    }

    /**
     * Opens {@code path}; it must be a GPIO chip's character device ({@code gpiochip} major, see
     * {@code /proc/devices}).
     *
     * @throws KernelException with {@code EINVAL} when it is another file, {@code ENOENT} when there is none,
     *     {@code ENODEV} when the kernel has no GPIO character devices at all
     */
    public static GpioChipDevice open(String path) throws KernelException {
        int major = DeviceNode.characterMajor("gpiochip");
        OwnedFd fd = DeviceNode.open(path, Fs.O_RDWR | Fs.O_NONBLOCK, FileStat.S_IFCHR, major, "open gpiochip",
                "a GPIO chip (char " + major + ":N)");
        try {
            return new GpioChipDevice(fd);
        } catch (KernelException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** The chip's name, label and line count (read once, when it was opened). */
    public ChipInfo info() {
        return info;
    }

    /** The info of line {@code offset}. */
    public synchronized LineInfo lineInfo(int offset) throws KernelException {
        return lineInfo(GET_LINEINFO, offset);
    }

    /**
     * The info of line {@code offset}, and from now on a {@link Change} read by {@link #readChanges} each time the
     * line is requested, released or reconfigured.
     *
     * @throws KernelException with {@code EBUSY} when the line is watched already
     */
    public synchronized LineInfo watch(int offset) throws KernelException {
        return lineInfo(GET_LINEINFO_WATCH, offset);
    }

    /**
     * Stops watching line {@code offset}.
     *
     * @throws KernelException with {@code EBUSY} when it is not watched
     */
    public synchronized void unwatch(int offset) throws KernelException {
        checkOffset(offset);
        NativeBuffer arg = buf.slice(0, 4);
        arg.putInt(0, offset);
        // The kernel reads the u32 offset (4 bytes, Ioctl checks) from this object's buffer.
        fd.ioctl(LINEINFO_UNWATCH, arg);
    }

    private LineInfo lineInfo(Ioctl op, int offset) throws KernelException {
        checkOffset(offset);
        NativeBuffer arg = buf.slice(0, GpioAbi.INFO_SIZE);
        arg.fill(0, GpioAbi.INFO_SIZE, (byte) 0);
        arg.putInt(GpioAbi.INFO_OFFSET, offset);
        // The kernel reads the offset and writes a gpio_v2_line_info (INFO_SIZE bytes, Ioctl checks) into this
        // object's buffer.
        fd.ioctl(op, arg);
        return decodeInfo(arg, 0);
    }

    private void checkOffset(int offset) {
        if (offset < 0 || offset >= info.lines()) {
            throw new IllegalArgumentException("line " + offset + " outside 0.." + (info.lines() - 1) + " of "
                    + info.name() + " (" + info.label() + ")");
        }
    }

    /** A gpio_v2_line_info at {@code at} of {@code b}. */
    static LineInfo decodeInfo(NativeBuffer b, long at) {
        long flags = b.getLong(at + GpioAbi.INFO_FLAGS);
        int attrs = Math.min(GpioAbi.NUM_ATTRS_MAX, Math.max(0, b.getInt(at + GpioAbi.INFO_NUM_ATTRS)));
        int debounce = 0;
        for (int i = 0; i < attrs; i++) {
            long attr = at + GpioAbi.INFO_ATTRS + (long) i * GpioAbi.ATTR_SIZE;
            if (b.getInt(attr + GpioAbi.ATTR_ID) == GpioAbi.ATTR_ID_DEBOUNCE) {
                debounce = b.getInt(attr + GpioAbi.ATTR_DEBOUNCE_PERIOD_US);
            }
        }
        return new LineInfo(b.getInt(at + GpioAbi.INFO_OFFSET), string(b, at + GpioAbi.INFO_NAME),
                string(b, at + GpioAbi.INFO_CONSUMER), (flags & GpioAbi.FLAG_USED) != 0,
                GpioLineSettings.of(flags, debounce));
    }

    /** The NUL-terminated name of at most GPIO_MAX_NAME_SIZE bytes at {@code at}. */
    private static String string(NativeBuffer b, long at) {
        long end = b.indexOf((byte) 0, at, at + GpioAbi.MAX_NAME_SIZE);
        return b.getString(at, (int) ((end < 0 ? at + GpioAbi.MAX_NAME_SIZE : end) - at));
    }

    /**
     * The info changes of watched lines queued, at most {@link #MAX_CHANGES}, waiting up to {@code timeoutMillis}
     * for the first (0: just check, -1: no limit); empty when none came.
     */
    public synchronized List<InfoChange> readChanges(int timeoutMillis) throws KernelException {
        List<InfoChange> out = new ArrayList<>();
        int size = GpioAbi.INFO_CHANGED_SIZE * MAX_CHANGES;
        int n = fd.read(buf, 0, size);
        if (n < 0 && timeoutMillis != 0 && poller.poll(timeoutMillis) > 0) n = fd.read(buf, 0, size);
        for (int at = 0; at + GpioAbi.INFO_CHANGED_SIZE <= n; at += GpioAbi.INFO_CHANGED_SIZE) {
            Change change = switch (buf.getInt(at + GpioAbi.INFO_CHANGED_EVENT_TYPE)) {
                case GpioAbi.CHANGED_REQUESTED -> Change.REQUESTED;
                case GpioAbi.CHANGED_RELEASED -> Change.RELEASED;
                case GpioAbi.CHANGED_CONFIG -> Change.RECONFIGURED;
                default -> null; // a change type newer than this code: skipped
            };
            if (change != null) {
                out.add(new InfoChange(decodeInfo(buf, at + GpioAbi.INFO_CHANGED_INFO),
                        buf.getLong(at + GpioAbi.INFO_CHANGED_TIMESTAMP_NS), change));
            }
        }
        return out;
    }

    /**
     * Requests lines {@code offsets} (in this order: bit i of a {@link GpioLineRequest} mask is
     * {@code offsets[i]}) for {@code consumer}, configured as {@code config}.
     *
     * @param eventBufferSize how many edge events the kernel queues for the request; 0 for its default (16 a line)
     * @throws IllegalArgumentException for no line, more than {@link #MAX_LINES}, an offset outside the chip or
     *     given twice, a consumer name too long or holding a NUL, or a configuration naming other lines
     * @throws KernelException with {@code EBUSY} when a line is requested already
     */
    public synchronized GpioLineRequest request(int[] offsets, String consumer, GpioLineConfig config,
            int eventBufferSize) throws KernelException {
        Objects.requireNonNull(config, "config");
        int[] lines = offsets.clone();
        if (lines.length == 0 || lines.length > MAX_LINES) {
            throw new IllegalArgumentException("a request holds 1.." + MAX_LINES + " lines, not " + lines.length);
        }
        for (int i = 0; i < lines.length; i++) {
            checkOffset(lines[i]);
            for (int j = 0; j < i; j++) {
                if (lines[j] == lines[i]) throw new IllegalArgumentException("line " + lines[i] + " requested twice");
            }
        }
        byte[] name = consumer.getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_CONSUMER_BYTES) {
            throw new IllegalArgumentException("consumer name longer than " + MAX_CONSUMER_BYTES + " bytes: " + consumer);
        }
        for (byte c : name) if (c == 0) throw new IllegalArgumentException("consumer name holds a NUL");
        if (eventBufferSize < 0 || eventBufferSize > MAX_EVENT_BUFFER) {
            throw new IllegalArgumentException("event buffer size " + eventBufferSize + " outside 0.." + MAX_EVENT_BUFFER);
        }
        NativeBuffer arg = buf.slice(0, GpioAbi.REQUEST_SIZE);
        arg.fill(0, GpioAbi.REQUEST_SIZE, (byte) 0);
        for (int i = 0; i < lines.length; i++) arg.putInt(GpioAbi.REQUEST_OFFSETS + 4L * i, lines[i]);
        arg.put(GpioAbi.REQUEST_CONSUMER, name, 0, name.length);
        config.encode(arg, GpioAbi.REQUEST_CONFIG, lines);
        arg.putInt(GpioAbi.REQUEST_NUM_LINES, lines.length);
        arg.putInt(GpioAbi.REQUEST_EVENT_BUFFER_SIZE, eventBufferSize);
        arg.putInt(GpioAbi.REQUEST_FD, -1);
        // The kernel reads the gpio_v2_line_request (REQUEST_SIZE bytes, Ioctl checks) from this object's buffer
        // and writes the new request's descriptor into its fd field.
        fd.ioctl(GET_LINE, arg);
        int requestFd = arg.getInt(GpioAbi.REQUEST_FD);
        if (requestFd < 0) {
            throw new KernelException("ioctl(GPIO_V2_GET_LINE_IOCTL)", fd.description() + ": no descriptor returned",
                    Errno.EIO);
        }
        OwnedFd lineFd = OwnedFd.adopt(requestFd, "GPIO lines " + java.util.Arrays.toString(lines) + " of "
                + info.name());
        try {
            return new GpioLineRequest(lineFd, lines, info.name());
        } catch (KernelException | RuntimeException e) {
            lineFd.close();
            throw e;
        }
    }

    /** The path this chip was opened by. */
    public String path() {
        return fd.description();
    }

    /** Closes the chip's descriptor; line requests made through it stay valid until closed themselves. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "GpioChipDevice[" + fd.description() + ", " + info.name() + " \"" + info.label() + "\", "
                + info.lines() + " lines]";
    }
}
