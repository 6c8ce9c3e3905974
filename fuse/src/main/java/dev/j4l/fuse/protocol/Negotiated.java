package dev.j4l.fuse.protocol;

import dev.j4l.fuse.FuseCapability;
import dev.j4l.fuse.MountOptions;
import dev.j4l.kernel.abi.FuseAbi;
import dev.j4l.kernel.abi.FuseAbi.InitFlags;

/**
 * The outcome of INIT: the protocol minor both sides speak and the capabilities and limits in force.
 *
 * @param offered the capabilities the kernel offered
 * @param flags the capabilities j4l asked for (a subset of {@code offered})
 */
public record Negotiated(int minor, long offered, long flags, int maxReadahead, int maxWrite, int maxPages,
        int maxBackground, int congestionThreshold, int maxStackDepth, int requestTimeoutSeconds) {

    public static final int PAGE = 4096;

    public boolean has(long flag) {
        return (flags & flag) != 0;
    }

    /**
     * Decides what to ask for: what the options and the driver want, limited to what the kernel offered.
     *
     * @param capabilities what the driver declares it implements
     * @param maxPagesLimit {@code /proc/sys/fs/fuse/max_pages_limit}
     */
    public static Negotiated negotiate(int kernelMinor, int kernelMaxReadahead, long offered, MountOptions o,
            java.util.Set<FuseCapability> capabilities, int maxPagesLimit) {
        int minor = Math.min(kernelMinor, FuseAbi.KERNEL_MINOR);
        long want = InitFlags.ASYNC_READ | InitFlags.ATOMIC_O_TRUNC | InitFlags.BIG_WRITES
                | InitFlags.HAS_IOCTL_DIR | InitFlags.AUTO_INVAL_DATA | InitFlags.ASYNC_DIO | InitFlags.ABORT_ERROR
                | InitFlags.MAX_PAGES | InitFlags.SETXATTR_EXT | InitFlags.DIRECT_IO_ALLOW_MMAP;
        if (capabilities.contains(FuseCapability.POSIX_LOCKS)) want |= InitFlags.POSIX_LOCKS;
        if (capabilities.contains(FuseCapability.FLOCK_LOCKS)) want |= InitFlags.FLOCK_LOCKS;
        if (capabilities.contains(FuseCapability.EXPORT)) want |= InitFlags.EXPORT_SUPPORT;
        switch (o.readdirplus()) {
            case ON -> want |= InitFlags.DO_READDIRPLUS;
            case AUTO -> want |= InitFlags.DO_READDIRPLUS | InitFlags.READDIRPLUS_AUTO;
            case OFF -> { }
        }
        if (o.writebackCache()) want |= InitFlags.WRITEBACK_CACHE;
        if (o.parallelDirops()) want |= InitFlags.PARALLEL_DIROPS;
        if (o.handleKillpriv()) want |= InitFlags.HANDLE_KILLPRIV_V2;
        if (o.posixAcl()) want |= InitFlags.POSIX_ACL;
        if (o.cacheSymlinks()) want |= InitFlags.CACHE_SYMLINKS;
        // The kernel refuses passthrough together with writeback cache; asking for both would silently lose it.
        if (o.passthrough() && !o.writebackCache()) want |= InitFlags.PASSTHROUGH;
        if (!o.requestTimeout().isZero()) want |= InitFlags.REQUEST_TIMEOUT;
        if (o.ioUring()) want |= InitFlags.OVER_IO_URING;
        long flags = want & offered;
        if ((flags >>> 32) != 0 && (offered & InitFlags.INIT_EXT) != 0) flags |= InitFlags.INIT_EXT;
        if ((offered & InitFlags.INIT_EXT) == 0) flags &= 0xffffffffL;

        int maxPages = (flags & InitFlags.MAX_PAGES) != 0
                ? Math.max(1, Math.min((o.maxWrite() + PAGE - 1) / PAGE, Math.max(1, maxPagesLimit)))
                : 32;
        int maxWrite = Math.max(MountOptions.MIN_WRITE, Math.min(o.maxWrite(), maxPages * PAGE));
        int depth = (flags & InitFlags.PASSTHROUGH) != 0 ? 1 : 0;
        int timeout = (flags & InitFlags.REQUEST_TIMEOUT) != 0 ? (int) o.requestTimeout().toSeconds() : 0;
        int congestion = o.maxBackground() == 0 ? 0 : Math.max(1, o.maxBackground() * 3 / 4);
        return new Negotiated(minor, offered, flags, kernelMaxReadahead, maxWrite, maxPages, o.maxBackground(),
                congestion, depth, timeout);
    }

    /**
     * What a CUSE channel runs with: CUSE_INIT negotiates no FUSE capability, and the kernel keeps its default of
     * 32 pages per request, so reads and writes are at most {@code min(maxWrite, 128 KiB)}.
     */
    public static Negotiated cuse(int kernelMinor, MountOptions o) {
        int minor = Math.min(kernelMinor, FuseAbi.KERNEL_MINOR);
        int maxPages = 32;
        int maxWrite = Math.max(MountOptions.MIN_WRITE, Math.min(o.maxWrite(), maxPages * PAGE));
        return new Negotiated(minor, 0, 0, 0, maxWrite, maxPages, 0, 0, 0, 0);
    }

    /** Size of {@code fuse_init_out} the kernel expects at this minor. */
    public int initOutSize() {
        return minor < 5 ? FuseAbi.INIT_OUT_COMPAT_5 : minor < 23 ? FuseAbi.INIT_OUT_COMPAT_23 : FuseAbi.INIT_OUT;
    }

    public int entryOutSize() {
        return minor < 9 ? FuseAbi.ENTRY_OUT_COMPAT : FuseAbi.ENTRY_OUT;
    }

    public int attrOutSize() {
        return minor < 9 ? FuseAbi.ATTR_OUT_COMPAT : FuseAbi.ATTR_OUT;
    }

    public int statfsOutSize() {
        return minor < 4 ? FuseAbi.STATFS_OUT_COMPAT : FuseAbi.STATFS_OUT;
    }

    public int writeInSize() {
        return minor < 9 ? FuseAbi.WRITE_IN_COMPAT : FuseAbi.RW_IN;
    }

    public int mknodInSize() {
        return minor < 12 ? FuseAbi.MKNOD_IN_COMPAT : FuseAbi.MKNOD_IN;
    }

    public int setxattrInSize() {
        return has(InitFlags.SETXATTR_EXT) ? FuseAbi.SETXATTR_IN_EXT : FuseAbi.SETXATTR_IN_COMPAT;
    }

    /** Human-readable list of the negotiated capabilities, for the debug log. */
    public String describe() {
        StringBuilder sb = new StringBuilder("7." + minor + " max_write=" + maxWrite + " max_pages=" + maxPages);
        for (var f : InitFlags.class.getFields()) {
            try {
                long bit = f.getLong(null);
                if ((flags & bit) != 0) sb.append(' ').append(f.getName());
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return sb.toString();
    }
}
