package dev.j4l.block.transport;

import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * How a transport's block device ends, the same for every transport: {@link #detach()} on request, refused while
 * the device is in use (a mounted file system) with nothing changed; {@link #close()} and the end of the JVM
 * detach too, but leave a device in use to the kernel, which frees it once its last user closes it (its I/O fails
 * once this process is gone). Each transport gives the two steps that differ. A transport whose device the kernel
 * does not free by itself ({@link #keptUntilExit}: ublk) keeps serving a device in use at close instead: detach
 * may be tried again, and is at JVM exit.
 */
public final class Attachment {
    private static final System.Logger LOG = System.getLogger("dev.j4l.block");

    /** Thrown by a {@link Detacher} that refuses because the device is in use; nothing was changed. */
    public static final class InUse extends IOException {
        private static final long serialVersionUID = 1L;

        public InUse(String devicePath) {
            super("cannot detach " + devicePath + ": it is in use (mounted?); unmount it first");
        }

        public InUse(String devicePath, Throwable cause) {
            this(devicePath);
            initCause(cause);
        }
    }

    /** The transport's detach: ends the device and its serving; refuses with {@link InUse}, changing nothing. */
    @FunctionalInterface
    public interface Detacher {
        void detach() throws IOException;
    }

    /** What the transport lets go of when a device in use is left to the kernel. */
    @FunctionalInterface
    public interface Leaver {
        void leave() throws IOException;
    }

    private final String devicePath;
    private final Detacher detacher;
    private final Leaver leaver;
    private final String leftNote;
    /** Whether close() leaves a device in use to the kernel (else it keeps it, to detach later or at exit). */
    private final boolean leaveInUse;
    private final Thread shutdownHook;
    private volatile boolean detached;
    /** Why {@link #close()} could not detach: {@link #detach()} says it again rather than pretend success. */
    private IOException leftAttached;

    /**
     * Registers the JVM-exit detach of {@code devicePath}.
     *
     * @param leftNote what happens to a device left in use, for the warning ("it stays until its last user closes
     *     it")
     */
    public Attachment(String devicePath, Detacher detacher, Leaver leaver, String leftNote) {
        this(devicePath, detacher, leaver, leftNote, true);
    }

    /**
     * For a device the kernel does not free after its last user: {@link #close()} of a device in use warns and
     * changes nothing, so {@link #detach()} can be tried again once it is unmounted, and is at JVM exit.
     */
    public static Attachment keptUntilExit(String devicePath, Detacher detacher, String keptNote) {
        return new Attachment(devicePath, detacher, () -> { }, keptNote, false);
    }

    private Attachment(String devicePath, Detacher detacher, Leaver leaver, String leftNote, boolean leaveInUse) {
        this.devicePath = devicePath;
        this.detacher = detacher;
        this.leaver = leaver;
        this.leftNote = leftNote;
        this.leaveInUse = leaveInUse;
        this.shutdownHook = Thread.ofPlatform().name("j4l-detach " + devicePath).unstarted(this::detachAtExit);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** True once the device was detached or left to the kernel. */
    public boolean isEnded() {
        return detached;
    }

    /**
     * Detaches the device.
     *
     * @throws IOException when the device is in use ({@link InUse}: unmount it first; nothing is changed), or said
     *     again when {@link #close()} already had to leave it to the kernel
     */
    public synchronized void detach() throws IOException {
        if (leftAttached != null) throw leftAttached;
        if (detached) return;
        try {
            detacher.detach();
        } catch (InUse e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            markEnded(); // half-done: not tried again; what the transport holds is let go, as for a device in use
            try {
                leaver.leave();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        markEnded();
    }

    /** {@link #detach()}; a device in use is left to the kernel, with a warning. */
    public synchronized void close() throws IOException {
        if (detached) return;
        try {
            detach();
        } catch (InUse e) {
            LOG.log(Level.WARNING, e.getMessage() + "; " + leftNote);
            if (!leaveInUse) return;
            leftAttached = e;
            markEnded();
            leaver.leave();
        }
    }

    private void markEnded() {
        detached = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what called us
        }
    }

    private void detachAtExit() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, devicePath + " not detached at exit: " + e.getMessage());
        }
    }
}
