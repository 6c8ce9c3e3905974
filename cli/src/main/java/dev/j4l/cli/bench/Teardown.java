package dev.j4l.cli.bench;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The undo list of a bench run: every mount, loop device and daemon is pushed here as soon as it exists and
 * undone in reverse order exactly once — at the end of the run, on failure, or from the JVM's shutdown hook
 * on Ctrl-C/SIGTERM.
 */
final class Teardown implements AutoCloseable {
    interface Step {
        void undo() throws Exception;
    }

    private record Named(String what, Step step) {}

    private final Deque<Named> steps = new ArrayDeque<>();
    private final Thread hook = new Thread(this::undoAll, "j4l-bench-teardown");

    Teardown() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Registers an undo step; returns a handle that runs it early (and removes it) when called. */
    synchronized Runnable push(String what, Step step) {
        Named n = new Named(what, step);
        steps.push(n);
        return () -> {
            boolean mine;
            synchronized (this) {
                mine = steps.remove(n);
            }
            if (mine) runStep(n);
        };
    }

    private void undoAll() {
        while (true) {
            Named n;
            synchronized (this) {
                n = steps.poll();
            }
            if (n == null) return;
            runStep(n);
        }
    }

    private static void runStep(Named n) {
        try {
            n.step.undo();
        } catch (Exception e) {
            System.err.println("j4l bench: teardown of " + n.what + " failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        undoAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran: nothing left to remove
        }
    }
}
