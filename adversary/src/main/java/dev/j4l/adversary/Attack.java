package dev.j4l.adversary;

/**
 * One hostile action against j4l's safety contract: a module without native access must not be able, through
 * anything j4l exports, to make the JVM or the kernel touch memory it does not own, crash the JVM, or act on a
 * descriptor it does not own. {@link Main} runs one attack per JVM, so an attack that crashes the JVM shows as
 * a crash and nothing else is lost.
 */
interface Attack {
    /** The name {@link Main} knows it by, e.g. {@code ioctl-arbitrary-pointer}. */
    String name();

    /** Attacks that mount or create network devices need root; without it they are skipped. */
    default boolean needsRoot() {
        return false;
    }

    /**
     * Tries the hostile action and says how it ended. Throws only when the attack could not be set up (that
     * is neither a refusal nor a break, and the suite reports it as a failure).
     */
    Verdict run() throws Exception;
}
