package dev.j4l.drivers.gpio;

import dev.j4l.hw.gpio.GpioChip;
import dev.j4l.kernel.GpioLineConfig;
import dev.j4l.kernel.GpioLineRequest;
import dev.j4l.kernel.GpioLineRequest.EdgeEvent;
import dev.j4l.kernel.GpioLineSettings;
import dev.j4l.kernel.GpioLineSettings.Bias;
import dev.j4l.kernel.GpioLineSettings.Edge;
import dev.j4l.kernel.KernelException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An example GPIO driver: watches input lines for edges (buttons, switches, sensors' interrupt lines) and hands
 * each edge to a listener on a thread of its own, as libgpiod's {@code gpiomon} prints them. A listener that
 * throws is logged with the event and monitoring goes on; {@link #close} stops the thread and releases the lines.
 *
 * <pre>{@code
 * try (GpioChip chip = GpioChip.open("/dev/gpiochip0");
 *         LineMonitor buttons = LineMonitor.start(chip, "buttons", Edge.FALLING, Bias.PULL_UP, 5_000,
 *                 e -> System.out.println("pressed " + e.offset()), 3, 4)) {
 *     ...
 * }
 * }</pre>
 */
public final class LineMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LineMonitor.class.getName());
    /** How long one wait for events lasts: the bound on how late {@link #close} is noticed. */
    private static final int POLL_MILLIS = 100;

    private final GpioLineRequest lines;
    private final Consumer<EdgeEvent> listener;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long events;

    private LineMonitor(GpioLineRequest lines, Consumer<EdgeEvent> listener, String name) {
        this.lines = lines;
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon().name("gpio-monitor-" + name).unstarted(this::run);
    }

    /**
     * Requests {@code offsets} of {@code chip} as inputs detecting {@code edges} with {@code bias}, debounced by
     * {@code debounceMicros} (0: not), and starts handing their events to {@code listener}.
     */
    public static LineMonitor start(GpioChip chip, String consumer, Edge edges, Bias bias, int debounceMicros,
            Consumer<EdgeEvent> listener, int... offsets) throws KernelException {
        Objects.requireNonNull(listener, "listener");
        if (edges == Edge.NONE) throw new IllegalArgumentException("a monitor needs edges to detect");
        GpioLineSettings settings = GpioLineSettings.input().withEdge(edges).withBias(bias)
                .withDebounceMicros(debounceMicros);
        GpioLineRequest lines = chip.request(consumer, GpioLineConfig.of(settings), offsets);
        LineMonitor m = new LineMonitor(lines, listener, chip.name());
        m.thread.start();
        return m;
    }

    private void run() {
        while (running) {
            try {
                for (EdgeEvent e : lines.readEvents(POLL_MILLIS)) {
                    events++;
                    try {
                        listener.accept(e);
                    } catch (RuntimeException ex) {
                        LOG.log(System.Logger.Level.WARNING, "GPIO line monitor: the listener failed on " + e, ex);
                    }
                }
            } catch (KernelException | IllegalStateException ex) {
                if (running) LOG.log(System.Logger.Level.WARNING, "GPIO line monitor: reading events of " + lines + " failed", ex);
                return;
            }
        }
    }

    /** How many events were handed to the listener so far. */
    public long events() {
        return events;
    }

    /** The current values of the monitored lines (bit i: the i-th offset given to {@link #start}). */
    public long values() throws KernelException {
        return lines.values(lines.allLines());
    }

    /** Stops the monitor thread (within one wait for events) and releases the lines. */
    @Override
    public void close() {
        running = false;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // finish closing; the caller sees its interrupt afterwards
            }
        }
        lines.close();
        if (interrupted) Thread.currentThread().interrupt();
    }
}
