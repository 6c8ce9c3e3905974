package dev.j4l.kernel;

import dev.j4l.kernel.abi.GpioAbi;

/**
 * How a GPIO line is used: its direction, edge detection, bias, drive, polarity, event clock and debounce
 * period, as the GPIO character device (uAPI v2) configures them. The combinations the kernel refuses are refused
 * here, with the reason: edge detection and debouncing need an input, open drain/source an output, a bias either
 * direction.
 *
 * <pre>{@code
 * GpioLineSettings button = GpioLineSettings.input().withBias(Bias.PULL_UP).withEdge(Edge.FALLING)
 *         .withDebounceMicros(5_000);
 * GpioLineSettings led = GpioLineSettings.output().withDrive(Drive.OPEN_DRAIN).withActiveLow(true);
 * }</pre>
 *
 * @param debounceMicros the debounce period in microseconds, 0 for none
 */
public record GpioLineSettings(Direction direction, Edge edge, Bias bias, Drive drive, boolean activeLow,
        EventClock eventClock, int debounceMicros) {

    /** The direction; {@link #AS_IS} leaves the line as it is (only in a line's reported settings). */
    public enum Direction { AS_IS, INPUT, OUTPUT }

    /** Which edges of an input raise events. */
    public enum Edge { NONE, RISING, FALLING, BOTH }

    /** The line's bias; {@link #AS_IS} leaves it as the chip has it. */
    public enum Bias { AS_IS, PULL_UP, PULL_DOWN, DISABLED }

    /** How an output drives the line. */
    public enum Drive { PUSH_PULL, OPEN_DRAIN, OPEN_SOURCE }

    /** The clock of edge events' timestamps ({@code CLOCK_MONOTONIC} unless asked otherwise). */
    public enum EventClock { MONOTONIC, REALTIME, HTE }

    public GpioLineSettings {
        java.util.Objects.requireNonNull(direction, "direction");
        java.util.Objects.requireNonNull(edge, "edge");
        java.util.Objects.requireNonNull(bias, "bias");
        java.util.Objects.requireNonNull(drive, "drive");
        java.util.Objects.requireNonNull(eventClock, "eventClock");
        if (edge != Edge.NONE && direction != Direction.INPUT) {
            throw new IllegalArgumentException("edge detection needs an input line, not " + direction);
        }
        if (drive != Drive.PUSH_PULL && direction != Direction.OUTPUT) {
            throw new IllegalArgumentException(drive + " needs an output line, not " + direction);
        }
        if (bias != Bias.AS_IS && direction == Direction.AS_IS) {
            throw new IllegalArgumentException("a bias needs a direction (input or output)");
        }
        if (debounceMicros < 0) throw new IllegalArgumentException("negative debounce period " + debounceMicros);
        if (debounceMicros > 0 && direction != Direction.INPUT) {
            throw new IllegalArgumentException("debouncing needs an input line, not " + direction);
        }
    }

    /** An input: no edge detection, bias as it is, active high, no debouncing. */
    public static GpioLineSettings input() {
        return new GpioLineSettings(Direction.INPUT, Edge.NONE, Bias.AS_IS, Drive.PUSH_PULL, false,
                EventClock.MONOTONIC, 0);
    }

    /** A push-pull output, active high. */
    public static GpioLineSettings output() {
        return new GpioLineSettings(Direction.OUTPUT, Edge.NONE, Bias.AS_IS, Drive.PUSH_PULL, false,
                EventClock.MONOTONIC, 0);
    }

    /** Lines left as they are: a request that only reads their values. */
    public static GpioLineSettings asIs() {
        return new GpioLineSettings(Direction.AS_IS, Edge.NONE, Bias.AS_IS, Drive.PUSH_PULL, false,
                EventClock.MONOTONIC, 0);
    }

    public GpioLineSettings withEdge(Edge e) {
        return new GpioLineSettings(direction, e, bias, drive, activeLow, eventClock, debounceMicros);
    }

    public GpioLineSettings withBias(Bias b) {
        return new GpioLineSettings(direction, edge, b, drive, activeLow, eventClock, debounceMicros);
    }

    public GpioLineSettings withDrive(Drive d) {
        return new GpioLineSettings(direction, edge, bias, d, activeLow, eventClock, debounceMicros);
    }

    public GpioLineSettings withActiveLow(boolean low) {
        return new GpioLineSettings(direction, edge, bias, drive, low, eventClock, debounceMicros);
    }

    public GpioLineSettings withEventClock(EventClock c) {
        return new GpioLineSettings(direction, edge, bias, drive, activeLow, c, debounceMicros);
    }

    public GpioLineSettings withDebounceMicros(int micros) {
        return new GpioLineSettings(direction, edge, bias, drive, activeLow, eventClock, micros);
    }

    /** The uAPI v2 flags of these settings (the debounce period is an attribute of its own). */
    long flags() {
        long f = 0;
        f |= switch (direction) {
            case AS_IS -> 0;
            case INPUT -> GpioAbi.FLAG_INPUT;
            case OUTPUT -> GpioAbi.FLAG_OUTPUT;
        };
        f |= switch (edge) {
            case NONE -> 0;
            case RISING -> GpioAbi.FLAG_EDGE_RISING;
            case FALLING -> GpioAbi.FLAG_EDGE_FALLING;
            case BOTH -> GpioAbi.FLAG_EDGE_RISING | GpioAbi.FLAG_EDGE_FALLING;
        };
        f |= switch (bias) {
            case AS_IS -> 0;
            case PULL_UP -> GpioAbi.FLAG_BIAS_PULL_UP;
            case PULL_DOWN -> GpioAbi.FLAG_BIAS_PULL_DOWN;
            case DISABLED -> GpioAbi.FLAG_BIAS_DISABLED;
        };
        f |= switch (drive) {
            case PUSH_PULL -> 0;
            case OPEN_DRAIN -> GpioAbi.FLAG_OPEN_DRAIN;
            case OPEN_SOURCE -> GpioAbi.FLAG_OPEN_SOURCE;
        };
        f |= switch (eventClock) {
            case MONOTONIC -> 0;
            case REALTIME -> GpioAbi.FLAG_EVENT_CLOCK_REALTIME;
            case HTE -> GpioAbi.FLAG_EVENT_CLOCK_HTE;
        };
        return activeLow ? f | GpioAbi.FLAG_ACTIVE_LOW : f;
    }

    /** The settings a line's reported flags and debounce period describe (unknown flag bits are ignored). */
    static GpioLineSettings of(long flags, int debounceMicros) {
        Direction d = (flags & GpioAbi.FLAG_OUTPUT) != 0 ? Direction.OUTPUT
                : (flags & GpioAbi.FLAG_INPUT) != 0 ? Direction.INPUT : Direction.AS_IS;
        boolean rising = (flags & GpioAbi.FLAG_EDGE_RISING) != 0;
        boolean falling = (flags & GpioAbi.FLAG_EDGE_FALLING) != 0;
        Edge e = rising && falling ? Edge.BOTH : rising ? Edge.RISING : falling ? Edge.FALLING : Edge.NONE;
        Bias b = (flags & GpioAbi.FLAG_BIAS_PULL_UP) != 0 ? Bias.PULL_UP
                : (flags & GpioAbi.FLAG_BIAS_PULL_DOWN) != 0 ? Bias.PULL_DOWN
                : (flags & GpioAbi.FLAG_BIAS_DISABLED) != 0 ? Bias.DISABLED : Bias.AS_IS;
        Drive dr = (flags & GpioAbi.FLAG_OPEN_DRAIN) != 0 ? Drive.OPEN_DRAIN
                : (flags & GpioAbi.FLAG_OPEN_SOURCE) != 0 ? Drive.OPEN_SOURCE : Drive.PUSH_PULL;
        EventClock c = (flags & GpioAbi.FLAG_EVENT_CLOCK_REALTIME) != 0 ? EventClock.REALTIME
                : (flags & GpioAbi.FLAG_EVENT_CLOCK_HTE) != 0 ? EventClock.HTE : EventClock.MONOTONIC;
        // a line reported with settings this record refuses (an input reported with a drive, say) keeps the direction
        // and loses what does not fit: what is reported is the kernel's, not a request
        if (e != Edge.NONE && d != Direction.INPUT) e = Edge.NONE;
        if (dr != Drive.PUSH_PULL && d != Direction.OUTPUT) dr = Drive.PUSH_PULL;
        if (b != Bias.AS_IS && d == Direction.AS_IS) b = Bias.AS_IS;
        int debounce = d == Direction.INPUT ? Math.max(0, debounceMicros) : 0;
        return new GpioLineSettings(d, e, b, dr, (flags & GpioAbi.FLAG_ACTIVE_LOW) != 0, c, debounce);
    }
}
