package dev.j4l.adversary;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the probes of one attack found: each probe is refused (an exception stopped it) or a break. The
 * attack's verdict is broken if any probe broke, otherwise refused with the first refusal. Thread-safe, so
 * probes run on driver threads (FUSE workers, network workers) can record here too.
 */
final class Findings {
    /** A probe: a hostile action that should throw. */
    @FunctionalInterface
    interface Probe {
        void run() throws Exception;
    }

    /** A probe that, when not refused, says what it achieved. */
    @FunctionalInterface
    interface ExplainedProbe {
        String run() throws Exception;
    }

    private final List<String> breaks = new ArrayList<>();
    private Throwable firstRefusal;
    private String firstHeldBack;
    private int refusals;

    /**
     * Runs {@code probe}, which must throw one of {@code accepted} (any {@link Exception} when none are
     * given). Returning normally is a break; an {@link Error} or an exception of another kind is a break too
     * (the contract names the exception, and an Error means the JVM was hurt). Reflection's
     * {@link InvocationTargetException} is unwrapped first.
     */
    @SafeVarargs
    final void expectRefusal(String what, Probe probe, Class<? extends Throwable>... accepted) {
        expectRefusalExplained(what, () -> {
            probe.run();
            return "no exception";
        }, accepted);
    }

    /** Like {@link #expectRefusal}; when {@code probe} returns, what it returns describes the break. */
    @SafeVarargs
    final void expectRefusalExplained(String what, ExplainedProbe probe, Class<? extends Throwable>... accepted) {
        String achieved;
        try {
            achieved = probe.run();
        } catch (Throwable t) {
            Throwable cause = unwrap(t);
            if (isAccepted(cause, accepted)) {
                System.err.println("refused: " + what + ": " + cause);
                refused(cause);
            } else {
                broken(what + ": threw " + cause + " instead of " + names(accepted));
            }
            return;
        }
        broken(what + ": " + achieved);
    }

    /** Records that an exception stopped a hostile action. */
    synchronized void refused(Throwable t) {
        refusals++;
        if (firstRefusal == null) firstRefusal = t;
    }

    /** Records a hostile action that was stopped without an exception (a race whose outcome stayed clean). */
    synchronized void heldBack(String what) {
        refusals++;
        if (firstHeldBack == null) firstHeldBack = what;
    }

    synchronized void broken(String what) {
        System.err.println("BROKEN: " + what);
        breaks.add(what);
    }

    synchronized boolean anyBroken() {
        return !breaks.isEmpty();
    }

    synchronized Verdict verdict() {
        if (!breaks.isEmpty()) return new Verdict.Broken(String.join(" | ", breaks));
        if (firstRefusal != null) {
            String more = refusals > 1 ? " (and " + (refusals - 1) + " more probes refused)" : "";
            return new Verdict.Refused(firstRefusal.getClass().getName(), firstRefusal.getMessage() + more);
        }
        if (firstHeldBack != null) return new Verdict.Refused(Verdict.NO_EXCEPTION, firstHeldBack);
        return new Verdict.Broken("no probe ran");
    }

    static Throwable unwrap(Throwable t) {
        while (t instanceof InvocationTargetException && t.getCause() != null) t = t.getCause();
        return t;
    }

    @SafeVarargs
    private static boolean isAccepted(Throwable t, Class<? extends Throwable>... accepted) {
        if (accepted.length == 0) return t instanceof Exception;
        for (Class<? extends Throwable> c : accepted) if (c.isInstance(t)) return true;
        return false;
    }

    @SafeVarargs
    private static String names(Class<? extends Throwable>... accepted) {
        if (accepted.length == 0) return "an Exception";
        List<String> n = new ArrayList<>();
        for (Class<? extends Throwable> c : accepted) n.add(c.getSimpleName());
        return String.join(" or ", n);
    }
}
