package dev.j4l.fuse.session;

import dev.j4l.fuse.BackingId;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.KernelException;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * The framework's one kind of {@link BackingId}: a handle to a backing-file registration of one session. The
 * registration counts its open handles and is dropped from the kernel when the count reaches zero.
 */
public final class RegisteredBacking implements BackingId {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");

    /** One FUSE_DEV_IOC_BACKING_OPEN of one session. */
    static final class Registration {
        final FuseSession<?, ?> session;
        final int id;
        /** Handles not yet closed; guarded by this. */
        private int handles;

        Registration(FuseSession<?, ?> session, int id) {
            this.session = session;
            this.id = id;
        }
    }

    private final Registration registration;
    /** Guarded by the registration. */
    private boolean closed;

    /** A new handle; the caller holds the registration's lock, or is its only user so far. */
    private RegisteredBacking(Registration registration) {
        this.registration = registration;
        registration.handles++;
    }

    /** The first handle to a fresh registration. */
    static RegisteredBacking register(FuseSession<?, ?> session, int id) {
        return new RegisteredBacking(new Registration(session, id));
    }

    /** The kernel's id, if this handle belongs to {@code session} and is open; -1 otherwise. */
    int idFor(FuseSession<?, ?> session) {
        synchronized (registration) {
            return registration.session == session && !closed ? registration.id : -1;
        }
    }

    @Override
    public Optional<BackingId> share() {
        synchronized (registration) {
            if (registration.handles == 0) return Optional.empty();
            return Optional.of(new RegisteredBacking(registration));
        }
    }

    @Override
    public boolean isOpen() {
        synchronized (registration) {
            return !closed;
        }
    }

    @Override
    public void close() {
        synchronized (registration) {
            if (closed) return;
            closed = true;
            if (--registration.handles > 0) return;
        }
        var device = registration.session.device();
        if (!device.isOpen()) return;
        try {
            FuseDevice.closeBacking(device, registration.id);
        } catch (KernelException | IllegalStateException e) {
            LOG.log(Level.DEBUG, () -> "FUSE backing file close: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "BackingId" + (isOpen() ? "" : " (closed)");
    }
}
