package dev.j4l.fuse;

import dev.j4l.kernel.OwnedFd;
import java.util.Optional;

/** The negotiated connection to the kernel, given to {@link FuseFilesystem#init}. */
public interface FuseConnection<N> {
    /** The protocol version in use: 7 and the smaller of the kernel's and j4l's minor. */
    int protocolMinor();

    /** The largest write the kernel will send, in bytes. */
    int maxWrite();

    /** True when the kernel buffers writes (writeback cache): it may then send writes for any open file. */
    boolean writebackCache();

    /** True when passthrough was negotiated (and not refused for writeback cache). */
    boolean passthrough();

    FuseNotifier<N> notifier();

    /**
     * Registers {@code file} as a passthrough backing file. Empty (with the reason logged once) when
     * passthrough is not negotiated or not permitted (it needs CAP_SYS_ADMIN in the initial user namespace),
     * so the driver serves reads and writes itself. {@code file} may be closed afterwards: the kernel holds its
     * own reference.
     */
    Optional<BackingId> openBacking(OwnedFd file);
}
