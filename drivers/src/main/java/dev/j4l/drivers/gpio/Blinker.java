package dev.j4l.drivers.gpio;

import dev.j4l.hw.gpio.GpioChip;
import dev.j4l.kernel.GpioLineConfig;
import dev.j4l.kernel.GpioLineRequest;
import dev.j4l.kernel.GpioLineSettings;
import dev.j4l.kernel.KernelException;
import java.time.Duration;

/**
 * An example GPIO driver in the spirit of the kernel's PL061 sample LED: drives one output line (an LED) on and
 * off with a period, a given number of times or until closed, and leaves it off. Closing releases the line.
 *
 * <pre>{@code
 * try (GpioChip chip = GpioChip.open("/dev/gpiochip0");
 *         Blinker led = Blinker.on(chip, chip.offsetOf("led0"), false)) {
 *     led.blink(Duration.ofMillis(250), 10);   // ten flashes, a half second each
 * }
 * }</pre>
 */
public final class Blinker implements AutoCloseable {
    private final GpioLineRequest line;
    private final int offset;
    private volatile boolean stopped;
    private long toggles;

    private Blinker(GpioLineRequest line, int offset) {
        this.line = line;
        this.offset = offset;
    }

    /** Requests line {@code offset} of {@code chip} as an output, starting off; {@code activeLow} for an LED wired to ground through the pin. */
    public static Blinker on(GpioChip chip, int offset, boolean activeLow) throws KernelException {
        GpioLineSettings out = GpioLineSettings.output().withActiveLow(activeLow);
        return new Blinker(chip.request("j4l-blinker", GpioLineConfig.of(out).withOutput(offset, false), offset), offset);
    }

    /** Sets the LED on or off. */
    public void set(boolean on) throws KernelException {
        line.setValue(offset, on);
        toggles++;
    }

    /** Whether the LED is on. */
    public boolean isOn() throws KernelException {
        return line.value(offset);
    }

    /**
     * Flashes {@code times} times (0: until {@link #stop} or {@link #close}): on for {@code half}, off for
     * {@code half}. Returns when done, with the LED off.
     */
    public void blink(Duration half, int times) throws KernelException, InterruptedException {
        if (half.isNegative() || half.isZero()) throw new IllegalArgumentException("a blink needs a positive period");
        if (times < 0) throw new IllegalArgumentException("negative count " + times);
        try {
            for (int i = 0; (times == 0 || i < times) && !stopped; i++) {
                set(true);
                Thread.sleep(half);
                set(false);
                Thread.sleep(half);
            }
        } finally {
            if (line.isOpen()) line.setValue(offset, false);
        }
    }

    /** Makes a running {@link #blink} end after its current flash. */
    public void stop() {
        stopped = true;
    }

    /** How many times the line was set so far. */
    public long toggles() {
        return toggles;
    }

    /** Stops blinking and releases the line. */
    @Override
    public void close() {
        stopped = true;
        line.close();
    }
}
