package dev.j4l.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ParentCommand;

/**
 * A command that is a group of sub-commands ({@code j4l i2c}, {@code gpio}, {@code uio}, {@code input},
 * {@code block}), holding what they run with: the stream they print to and the signal that ends serving. j4l gives
 * them standard output and Ctrl-C; a test its own stream and latch.
 */
abstract class CommandGroup {
    final PrintStream out;
    /** Opens when serving is to stop; null: on Ctrl-C or SIGTERM ({@link UntilStopped}). */
    private final CountDownLatch stop;

    CommandGroup(PrintStream out, CountDownLatch stop) {
        this.out = out;
        this.stop = stop;
    }

    /** What a sub-command serves until {@code stop} opens; it has cleaned up when it returns. */
    @FunctionalInterface
    interface Service {
        void serve(CountDownLatch stop) throws Exception;
    }

    /** Runs {@code service} until the group's latch opens, or without one until Ctrl-C or SIGTERM. */
    final void serve(Service service) throws Exception {
        UntilStopped.Serving serving = until -> {
            service.serve(until);
            return 0;
        };
        if (stop != null) serving.serve(stop);
        else UntilStopped.run(serving);
    }

    /**
     * A sub-command of a group (picocli hands it its group): runs, printing to the group's stream, and exits 0 unless
     * it throws (then {@link Main#commandLine} says why: exit status 1, or 2 for a usage error).
     */
    abstract static class Subcommand implements Callable<Integer> {
        @ParentCommand
        CommandGroup group;

        @Override
        public final Integer call() throws Exception {
            run(group.out);
            return 0;
        }

        abstract void run(PrintStream out) throws Exception;
    }
}
