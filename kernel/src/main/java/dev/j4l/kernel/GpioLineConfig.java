package dev.j4l.kernel;

import dev.j4l.kernel.abi.GpioAbi;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The configuration of the lines of one request: settings for every line, settings of its own for some lines (by
 * offset on the chip), and the initial values of outputs (logical: active-low lines inverted by the kernel).
 * Lines with no output value given start inactive. It becomes a {@code struct gpio_v2_line_config}: the default
 * flags plus at most {@value GpioAbi#NUM_ATTRS_MAX} attributes (one per distinct per-line settings, one per
 * distinct debounce period, one for the output values); a configuration needing more is refused.
 *
 * <pre>{@code
 * GpioLineConfig config = GpioLineConfig.of(GpioLineSettings.input().withEdge(Edge.BOTH))
 *         .withLine(3, GpioLineSettings.output())
 *         .withOutput(3, true);
 * }</pre>
 */
public record GpioLineConfig(GpioLineSettings defaults, Map<Integer, GpioLineSettings> lines,
        Map<Integer, Boolean> outputs) {

    public GpioLineConfig {
        Objects.requireNonNull(defaults, "defaults");
        lines = Map.copyOf(new TreeMap<>(lines));
        outputs = Map.copyOf(new TreeMap<>(outputs));
        for (int offset : lines.keySet()) checkOffset(offset);
        for (int offset : outputs.keySet()) checkOffset(offset);
        for (int offset : outputs.keySet()) {
            if (lines.getOrDefault(offset, defaults).direction() != GpioLineSettings.Direction.OUTPUT) {
                throw new IllegalArgumentException("output value for line " + offset + ", which is not an output");
            }
        }
    }

    private static void checkOffset(int offset) {
        if (offset < 0) throw new IllegalArgumentException("negative line offset " + offset);
    }

    /** Every line with {@code settings}. */
    public static GpioLineConfig of(GpioLineSettings settings) {
        return new GpioLineConfig(settings, Map.of(), Map.of());
    }

    /** This configuration with line {@code offset} set up as {@code settings}. */
    public GpioLineConfig withLine(int offset, GpioLineSettings settings) {
        Map<Integer, GpioLineSettings> l = new LinkedHashMap<>(lines);
        l.put(offset, Objects.requireNonNull(settings, "settings"));
        return new GpioLineConfig(defaults, l, outputs);
    }

    /** This configuration with output line {@code offset} starting {@code active} (or inactive). */
    public GpioLineConfig withOutput(int offset, boolean active) {
        Map<Integer, Boolean> o = new LinkedHashMap<>(outputs);
        o.put(offset, active);
        return new GpioLineConfig(defaults, lines, o);
    }

    /** The settings of line {@code offset}. */
    public GpioLineSettings settingsOf(int offset) {
        return lines.getOrDefault(offset, defaults);
    }

    /**
     * Writes this configuration as a {@code gpio_v2_line_config} at {@code at} in {@code buf} (zeroed first), for
     * a request of {@code offsets} (in request order: bit i of a mask is {@code offsets[i]}).
     *
     * @throws IllegalArgumentException when a line configured here is not among {@code offsets}, or the
     *     configuration needs more than {@value GpioAbi#NUM_ATTRS_MAX} attributes
     */
    void encode(NativeBuffer buf, long at, int[] offsets) {
        for (int offset : lines.keySet()) index(offsets, offset);
        for (int offset : outputs.keySet()) index(offsets, offset);
        Map<Long, Long> flagMasks = new LinkedHashMap<>();      // flags -> lines (mask) that differ from the default
        Map<Integer, Long> debounceMasks = new LinkedHashMap<>(); // period -> lines (mask)
        long defaultFlags = defaults.flags();
        for (int i = 0; i < offsets.length; i++) {
            GpioLineSettings s = settingsOf(offsets[i]);
            if (s.flags() != defaultFlags) flagMasks.merge(s.flags(), 1L << i, (a, b) -> a | b);
            if (s.debounceMicros() > 0) debounceMasks.merge(s.debounceMicros(), 1L << i, (a, b) -> a | b);
        }
        int attrs = flagMasks.size() + debounceMasks.size() + (outputs.isEmpty() ? 0 : 1);
        if (attrs > GpioAbi.NUM_ATTRS_MAX) {
            throw new IllegalArgumentException("this line configuration needs " + attrs + " attributes, the kernel takes "
                    + GpioAbi.NUM_ATTRS_MAX + " (fewer distinct per-line settings or debounce periods)");
        }
        buf.fill(at, GpioAbi.CONFIG_SIZE, (byte) 0);
        buf.putLong(at + GpioAbi.CONFIG_FLAGS, defaultFlags);
        buf.putInt(at + GpioAbi.CONFIG_NUM_ATTRS, attrs);
        long attr = at + GpioAbi.CONFIG_ATTRS;
        for (Map.Entry<Long, Long> e : flagMasks.entrySet()) {
            buf.putInt(attr + GpioAbi.CONFIG_ATTR_ATTR + GpioAbi.ATTR_ID, GpioAbi.ATTR_ID_FLAGS);
            buf.putLong(attr + GpioAbi.CONFIG_ATTR_ATTR + GpioAbi.ATTR_FLAGS, e.getKey());
            buf.putLong(attr + GpioAbi.CONFIG_ATTR_MASK, e.getValue());
            attr += GpioAbi.CONFIG_ATTR_SIZE;
        }
        for (Map.Entry<Integer, Long> e : debounceMasks.entrySet()) {
            buf.putInt(attr + GpioAbi.CONFIG_ATTR_ATTR + GpioAbi.ATTR_ID, GpioAbi.ATTR_ID_DEBOUNCE);
            buf.putInt(attr + GpioAbi.CONFIG_ATTR_ATTR + GpioAbi.ATTR_DEBOUNCE_PERIOD_US, e.getKey());
            buf.putLong(attr + GpioAbi.CONFIG_ATTR_MASK, e.getValue());
            attr += GpioAbi.CONFIG_ATTR_SIZE;
        }
        if (!outputs.isEmpty()) {
            long bits = 0, mask = 0;
            for (Map.Entry<Integer, Boolean> e : outputs.entrySet()) {
                long bit = 1L << index(offsets, e.getKey());
                mask |= bit;
                if (e.getValue()) bits |= bit;
            }
            buf.putInt(attr + GpioAbi.CONFIG_ATTR_ATTR + GpioAbi.ATTR_ID, GpioAbi.ATTR_ID_OUTPUT_VALUES);
            buf.putLong(attr + GpioAbi.CONFIG_ATTR_ATTR + GpioAbi.ATTR_VALUES, bits);
            buf.putLong(attr + GpioAbi.CONFIG_ATTR_MASK, mask);
        }
    }

    private static int index(int[] offsets, int offset) {
        for (int i = 0; i < offsets.length; i++) if (offsets[i] == offset) return i;
        throw new IllegalArgumentException("line " + offset + " is configured but not requested");
    }
}
