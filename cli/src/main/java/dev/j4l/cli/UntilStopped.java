package dev.j4l.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a serving command until Ctrl-C (SIGINT) or SIGTERM, and lets it clean up before the JVM exits: the JVM
 * halts as soon as its shutdown hooks return, without waiting for the main thread, so the hook opens the stop
 * latch and then waits (30 s at most) until the command has returned from its clean-up.
 */
final class UntilStopped {
    private UntilStopped() {}

    /** A command that serves until {@code stop} opens, then cleans up and returns its exit status. */
    @FunctionalInterface
    interface Serving {
        int serve(CountDownLatch stop) throws Exception;
    }

    static int run(Serving command) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch cleaned = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                cleaned.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return command.serve(stop);
        } finally {
            cleaned.countDown();
        }
    }
}
