package dev.j4l.kernel;

import dev.j4l.kernel.abi.GpioAbi;
import dev.j4l.kernel.raw.Ioctl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lines of a GPIO chip requested through {@link GpioChipDevice#request}: their values read and set in bulk by
 * mask (bit i is the i-th line of the request), their configuration changed, and their edge events read. Values
 * are logical: an active-low line reads {@code true} when its level is low. Closing releases the lines.
 *
 * <p>The descriptor is the one the kernel created for the request (an anonymous {@code gpio-line} file), never
 * seen outside this object. Every ioctl is {@link GpioAbi}'s with an argument built here in a buffer this object
 * owns; masks are checked to name only requested lines before they reach the kernel. Once closed, every call
 * throws {@link IllegalStateException}.
 */
public final class GpioLineRequest implements AutoCloseable {
    /** The most edge events one {@link #readEvents} returns. */
    public static final int MAX_EVENTS = 16;

    static final Ioctl SET_CONFIG = Ioctl.buffer("GPIO_V2_LINE_SET_CONFIG_IOCTL",
            GpioAbi.GPIO_V2_LINE_SET_CONFIG_IOCTL, GpioAbi.CONFIG_SIZE);
    static final Ioctl GET_VALUES = Ioctl.buffer("GPIO_V2_LINE_GET_VALUES_IOCTL",
            GpioAbi.GPIO_V2_LINE_GET_VALUES_IOCTL, GpioAbi.VALUES_SIZE);
    static final Ioctl SET_VALUES = Ioctl.buffer("GPIO_V2_LINE_SET_VALUES_IOCTL",
            GpioAbi.GPIO_V2_LINE_SET_VALUES_IOCTL, GpioAbi.VALUES_SIZE);

    /**
     * An edge seen on a requested line.
     *
     * @param timestampNanos when, on the clock the line's settings chose (CLOCK_MONOTONIC by default)
     * @param edge {@link GpioLineSettings.Edge#RISING} or {@link GpioLineSettings.Edge#FALLING}
     * @param offset the line's offset on the chip
     * @param sequence this event's number among all events of the request, from 1
     * @param lineSequence this event's number among the events of its line, from 1
     */
    public record EdgeEvent(long timestampNanos, GpioLineSettings.Edge edge, int offset, int sequence, int lineSequence) {}

    private final OwnedFd fd;
    private final int[] offsets;
    private final long all;
    private final String chip;
    /** Ioctl arguments and events read: used under this object's lock. */
    private final NativeBuffer buf = NativeBuffer.allocate(
            Math.max(GpioAbi.CONFIG_SIZE, (long) GpioAbi.EVENT_SIZE * MAX_EVENTS));
    private final Poller poller = new Poller(1);

    GpioLineRequest(OwnedFd fd, int[] offsets, String chip) throws KernelException {
        this.fd = fd;
        this.offsets = offsets.clone();
        this.all = offsets.length == 64 ? -1L : (1L << offsets.length) - 1;
        this.chip = chip;
        fd.setNonBlocking(true);
        poller.add(fd, Poller.POLLIN);
    }

    /** The requested lines' offsets on the chip, in request order. */
    public List<Integer> offsets() {
        return Arrays.stream(offsets).boxed().toList();
    }

    /** The mask of every requested line. */
    public long allLines() {
        return all;
    }

    /**
     * The mask naming {@code lines} (offsets on the chip).
     *
     * @throws IllegalArgumentException when one is not requested here
     */
    public long mask(int... lines) {
        long m = 0;
        for (int line : lines) m |= 1L << index(line);
        return m;
    }

    private int index(int line) {
        for (int i = 0; i < offsets.length; i++) if (offsets[i] == line) return i;
        throw new IllegalArgumentException("line " + line + " is not requested here (lines " + offsets() + ")");
    }

    private void checkMask(long mask) {
        if (mask == 0) throw new IllegalArgumentException("empty line mask");
        if ((mask & ~all) != 0) {
            throw new IllegalArgumentException("mask 0x" + Long.toHexString(mask) + " names lines beyond the "
                    + offsets.length + " requested (mask 0x" + Long.toHexString(all) + ")");
        }
    }

    /**
     * The values of the lines in {@code mask}: bit i set when the i-th line is active (other bits clear).
     *
     * @throws IllegalArgumentException for an empty mask or one naming lines not requested
     */
    public synchronized long values(long mask) throws KernelException {
        checkMask(mask);
        NativeBuffer arg = buf.slice(0, GpioAbi.VALUES_SIZE);
        arg.putLong(GpioAbi.VALUES_BITS, 0);
        arg.putLong(GpioAbi.VALUES_MASK, mask);
        // The kernel reads the mask and writes the bits of a gpio_v2_line_values (VALUES_SIZE bytes, Ioctl checks)
        // in this object's buffer.
        fd.ioctl(GET_VALUES, arg);
        return arg.getLong(GpioAbi.VALUES_BITS) & mask;
    }

    /** Whether line {@code line} (an offset on the chip) is active. */
    public boolean value(int line) throws KernelException {
        long m = mask(line);
        return values(m) != 0;
    }

    /**
     * Sets the output lines in {@code mask} to the bits of {@code bits} (bit i set: the i-th line active).
     *
     * @throws IllegalArgumentException for an empty mask, one naming lines not requested, or bits outside the mask
     * @throws KernelException with {@code EPERM} when a line in the mask is not an output
     */
    public synchronized void setValues(long bits, long mask) throws KernelException {
        checkMask(mask);
        if ((bits & ~mask) != 0) {
            throw new IllegalArgumentException("bits 0x" + Long.toHexString(bits) + " outside mask 0x"
                    + Long.toHexString(mask));
        }
        NativeBuffer arg = buf.slice(0, GpioAbi.VALUES_SIZE);
        arg.putLong(GpioAbi.VALUES_BITS, bits);
        arg.putLong(GpioAbi.VALUES_MASK, mask);
        // The kernel reads a gpio_v2_line_values (VALUES_SIZE bytes, Ioctl checks) from this object's buffer.
        fd.ioctl(SET_VALUES, arg);
    }

    /** Sets output line {@code line} (an offset on the chip) active or inactive. */
    public void setValue(int line, boolean active) throws KernelException {
        long m = mask(line);
        setValues(active ? m : 0, m);
    }

    /**
     * Changes the lines' configuration (every line: the new configuration replaces the old one).
     *
     * @throws IllegalArgumentException when {@code config} names lines not requested here
     */
    public synchronized void reconfigure(GpioLineConfig config) throws KernelException {
        NativeBuffer arg = buf.slice(0, GpioAbi.CONFIG_SIZE);
        config.encode(arg, 0, offsets);
        // The kernel reads a gpio_v2_line_config (CONFIG_SIZE bytes, Ioctl checks) from this object's buffer.
        fd.ioctl(SET_CONFIG, arg);
    }

    /**
     * Waits up to {@code timeoutMillis} (0: just check, -1: no limit) until an edge event is queued.
     *
     * @return whether one is
     */
    public synchronized boolean awaitEvent(int timeoutMillis) throws KernelException {
        return poller.poll(timeoutMillis) > 0 && poller.isReady(0, Poller.POLLIN);
    }

    /**
     * The edge events queued, at most {@link #MAX_EVENTS}, waiting up to {@code timeoutMillis} for the first
     * (0: just check, -1: no limit); empty when none came (or no line detects edges).
     */
    public synchronized List<EdgeEvent> readEvents(int timeoutMillis) throws KernelException {
        List<EdgeEvent> out = new ArrayList<>();
        int size = GpioAbi.EVENT_SIZE * MAX_EVENTS;
        int n = fd.read(buf, 0, size);
        if (n < 0 && timeoutMillis != 0 && poller.poll(timeoutMillis) > 0) n = fd.read(buf, 0, size);
        for (int at = 0; at + GpioAbi.EVENT_SIZE <= n; at += GpioAbi.EVENT_SIZE) {
            GpioLineSettings.Edge edge = switch (buf.getInt(at + GpioAbi.EVENT_ID)) {
                case GpioAbi.EVENT_RISING_EDGE -> GpioLineSettings.Edge.RISING;
                case GpioAbi.EVENT_FALLING_EDGE -> GpioLineSettings.Edge.FALLING;
                default -> null; // an event id newer than this code: skipped
            };
            if (edge != null) {
                out.add(new EdgeEvent(buf.getLong(at + GpioAbi.EVENT_TIMESTAMP_NS), edge,
                        buf.getInt(at + GpioAbi.EVENT_OFFSET), buf.getInt(at + GpioAbi.EVENT_SEQNO),
                        buf.getInt(at + GpioAbi.EVENT_LINE_SEQNO)));
            }
        }
        return out;
    }

    /** Whether the lines are still requested (not closed). */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Releases the lines; idempotent. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "GpioLineRequest[" + chip + " lines " + offsets() + (fd.isOpen() ? "" : ", closed") + "]";
    }
}
