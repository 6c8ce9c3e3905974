package dev.j4l.adversary;

/**
 * How an attack ended, as the one line the child JVM prints: {@code REFUSED name: ExceptionClass: message}
 * (exit 0), {@code BROKEN name: what happened} (exit 1) or {@code SKIPPED name: why} (exit 0).
 */
sealed interface Verdict {
    /** The line printed for attack {@code name}. */
    String line(String name);

    int exitCode();

    /**
     * The hostile action was stopped. {@code exceptionClass} is the exception that stopped it, or
     * {@link #NO_EXCEPTION} for races whose correct outcome is that nothing foreign happens.
     */
    record Refused(String exceptionClass, String message) implements Verdict {
        @Override
        public String line(String name) {
            return "REFUSED " + name + ": " + exceptionClass + ": " + oneLine(message);
        }

        @Override
        public int exitCode() {
            return 0;
        }
    }

    /** The hostile action succeeded: foreign memory or a foreign descriptor was reached, or no exception came. */
    record Broken(String what) implements Verdict {
        @Override
        public String line(String name) {
            return "BROKEN " + name + ": " + oneLine(what);
        }

        @Override
        public int exitCode() {
            return 1;
        }
    }

    /** The attack cannot run here (not root, no /dev/fuse). */
    record Skipped(String why) implements Verdict {
        @Override
        public String line(String name) {
            return "SKIPPED " + name + ": " + oneLine(why);
        }

        @Override
        public int exitCode() {
            return 0;
        }
    }

    /** The exception class named by a {@link Refused} verdict when the correct outcome involves none. */
    String NO_EXCEPTION = "(no exception)";

    static Verdict refused(Throwable t) {
        return new Refused(t.getClass().getName(), String.valueOf(t.getMessage()));
    }

    private static String oneLine(String s) {
        return s == null ? "null" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
