package dev.j4l.fuse.session;

import dev.j4l.fuse.BackingId;
import dev.j4l.fuse.FuseConnection;
import dev.j4l.fuse.FuseNotifier;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.abi.FuseAbi.InitFlags;
import java.util.Optional;

/** What the driver sees of its connection: the negotiated limits, the notifier, and passthrough backing files. */
final class DriverConnection<N> implements FuseConnection<N> {
    private final FuseSession<N, ?> session;

    DriverConnection(FuseSession<N, ?> session) {
        this.session = session;
    }

    @Override
    public int protocolMinor() {
        return session.negotiated().minor();
    }

    @Override
    public int maxWrite() {
        return session.negotiated().maxWrite();
    }

    @Override
    public boolean writebackCache() {
        return session.negotiated().has(InitFlags.WRITEBACK_CACHE);
    }

    @Override
    public boolean passthrough() {
        return session.negotiated().has(InitFlags.PASSTHROUGH);
    }

    @Override
    public FuseNotifier<N> notifier() {
        return session.notifier;
    }

    @Override
    public Optional<BackingId> openBacking(OwnedFd file) {
        if (!passthrough()) {
            session.passthroughUnavailable(session.options.passthrough() ? "not negotiated" : "not enabled in MountOptions");
            return Optional.empty();
        }
        try {
            int id = FuseDevice.openBacking(session.device(), file);
            return Optional.of(RegisteredBacking.register(session, id));
        } catch (KernelException e) {
            session.passthroughUnavailable(e.errno() == Errno.EPERM
                    ? "not permitted (needs CAP_SYS_ADMIN in the initial user namespace)" : e.getMessage());
            return Optional.empty();
        }
    }
}
