package dev.j4l.fuse;

import java.util.Optional;

/**
 * A passthrough backing file registered with the kernel ({@code FUSE_DEV_IOC_BACKING_OPEN}) by
 * {@link FuseConnection#openBacking}. Only the framework makes them (the interface is sealed): a backing id
 * names a file in one connection's table, so a driver can neither forge one nor use one of another mount's
 * (the framework refuses it, answering that open with {@code EIO}).
 *
 * <p>Handed to {@link Opened#passthrough}, the framework closes it when the open file is released. To give
 * the same registration to several opens, give each its own {@link #share()}: the kernel's reference is
 * dropped when the last handle to it is closed. Closing a handle twice is harmless.
 */
public sealed interface BackingId extends AutoCloseable permits dev.j4l.fuse.session.RegisteredBacking {
    /** Another handle to the same registration, or empty when every handle to it has been closed already. */
    Optional<BackingId> share();

    /** True until this handle is closed. */
    boolean isOpen();

    @Override
    void close();
}
