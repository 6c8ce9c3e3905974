package dev.j4l.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what a component logs while open, as "LEVEL message" lines (System.Logger is backed by
 * java.util.logging in tests): for tests that check a framework's diagnostics.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    /** What was logged so far, in order. */
    public final List<String> lines = new CopyOnWriteArrayList<>();

    /** Captures the logger {@code component} (e.g. {@code dev.j4l.fuse}) and the loggers below it. */
    public LogCapture(String component) {
        logger = Logger.getLogger(component);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        lines.add(r.getLevel() + " " + r.getMessage());
    }

    /** Whether a line holds every one of {@code parts}. */
    public boolean contains(String... parts) {
        return lines.stream().anyMatch(l -> java.util.Arrays.stream(parts).allMatch(l::contains));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
