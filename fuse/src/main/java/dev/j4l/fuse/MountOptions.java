package dev.j4l.fuse;

import java.time.Duration;
import java.util.Objects;

/**
 * How to mount and what to negotiate with the kernel. Build with {@link #builder()}; every option has a
 * sensible default.
 *
 * @param fsname the mount's source as shown in {@code /proc/mounts} (default {@code j4l})
 * @param subtype shown as the type {@code fuse.<subtype>} (default: none, plain {@code fuse})
 * @param allowOther let other users than the mounting one access the mount
 * @param defaultPermissions let the kernel check modes and owners (otherwise the driver decides)
 * @param readOnly mount read-only ({@code MS_RDONLY})
 * @param maxWrite largest write request, 4 KiB to 1 MiB (more pages than {@code fs.fuse.max_pages_limit}
 *     allows are clamped)
 * @param writebackCache let the kernel buffer writes (then passthrough is off)
 * @param readdirplus whether directory listings carry attributes
 * @param parallelDirops allow concurrent lookups and readdirs in one directory
 * @param entryTimeout default time the kernel caches names
 * @param attrTimeout default time the kernel caches attributes
 * @param passthrough negotiate FUSE passthrough, so drivers can hand open files to a backing file
 * @param workers threads serving requests, each on its own cloned {@code /dev/fuse} descriptor (with io_uring, one:
 *     the queues serve the requests, /dev/fuse only FORGET, INTERRUPT and notification replies)
 * @param handleKillpriv the driver clears suid/sgid itself (FUSE_HANDLE_KILLPRIV_V2)
 * @param cacheSymlinks let the kernel cache readlink answers
 * @param posixAcl let the kernel enforce POSIX ACLs stored as {@code system.posix_acl_*} xattrs
 * @param requestTimeout if non-zero, the kernel aborts the connection when a request takes longer
 * @param maxBackground most asynchronous requests in flight (0 = the kernel's default)
 * @param mountFlags extra {@code MS_*} flags; {@code MS_NOSUID | MS_NODEV} are added unless {@code setuid} or
 *     {@code devices} say otherwise
 * @param ioUring serve requests through FUSE-over-io_uring when the kernel offers it (Linux 6.14+ with the
 *     fuse module parameter {@code enable_uring=Y}); FORGET, INTERRUPT and notifications stay on
 *     {@code /dev/fuse}. Experimental.
 * @param idleRingThreads run the io_uring queue threads SCHED_IDLE (when the process has CAP_SYS_NICE, to undo
 *     it): the kernel then wakes a caller on the CPU its request was served on instead of another, idle one. A
 *     guard gives a queue thread the normal policy back while it starves under CPU load. Default on.
 * @param autoUnmount unmount even if this process dies (SIGKILL, crash): the mount is then made by
 *     fusermount3, which stays alive as a watchdog and unmounts lazily when this process goes away
 * @param blockDevice mount as {@code fuseblk} on this block device (a loop device over an image, say) instead of
 *     plain {@code fuse}: the kernel then sends BMAP (for {@code FIBMAP}) and the mount shows the device as its
 *     source. Needs CAP_SYS_ADMIN (no fusermount3 path). Default: none.
 * @param blockSize the {@code fuseblk} block size, a power of two from 512 to 4096 (0: the kernel's 512)
 * @param maxRead largest read request the kernel sends ({@code max_read=}; 0: no limit of the mount's own)
 * @param devices honour device nodes on the mount (no {@code MS_NODEV}); off by default, and only for a mount
 *     made with CAP_SYS_ADMIN (fusermount3 always adds {@code nodev})
 * @param setuid honour set-user-ID and set-group-ID bits (no {@code MS_NOSUID}); off by default, as for
 *     {@code devices}
 */
public record MountOptions(String fsname, String subtype, boolean allowOther, boolean defaultPermissions,
        boolean readOnly, int maxWrite, boolean writebackCache, Readdirplus readdirplus, boolean parallelDirops,
        Duration entryTimeout, Duration attrTimeout, boolean passthrough, int workers, boolean handleKillpriv,
        boolean cacheSymlinks, boolean posixAcl, Duration requestTimeout, int maxBackground, long mountFlags,
        boolean autoUnmount, boolean ioUring, boolean idleRingThreads, String blockDevice, int blockSize,
        int maxRead, boolean devices, boolean setuid) {

    /** Whether readdir replies carry attributes (and create kernel inodes). */
    public enum Readdirplus {
        /** Plain READDIR only. */
        OFF,
        /** Always READDIRPLUS. */
        ON,
        /** The kernel chooses per listing (READDIRPLUS when the caller also stats the entries). */
        AUTO
    }

    public static final int MIN_WRITE = 4096;
    public static final int MAX_WRITE = 1 << 20;

    public MountOptions {
        Objects.requireNonNull(fsname, "fsname");
        Objects.requireNonNull(readdirplus, "readdirplus");
        Objects.requireNonNull(entryTimeout, "entryTimeout");
        Objects.requireNonNull(attrTimeout, "attrTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        checkName("fsname", fsname);
        if (subtype != null) checkName("subtype", subtype);
        if (maxWrite < MIN_WRITE || maxWrite > MAX_WRITE) {
            throw new IllegalArgumentException("maxWrite must be in [4096, 1 MiB]: " + maxWrite);
        }
        if (workers < 1 || workers > 256) throw new IllegalArgumentException("workers must be 1..256: " + workers);
        if (entryTimeout.isNegative() || attrTimeout.isNegative()) throw new IllegalArgumentException("negative timeout");
        if (requestTimeout.isNegative() || requestTimeout.toSeconds() > 65535) {
            throw new IllegalArgumentException("requestTimeout must be 0..65535 s: " + requestTimeout);
        }
        if (maxBackground < 0 || maxBackground > 65535) throw new IllegalArgumentException("maxBackground: " + maxBackground);
        if (blockDevice != null) {
            if (!blockDevice.startsWith("/") || blockDevice.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("blockDevice must be an absolute path: '" + blockDevice + "'");
            }
            if (autoUnmount) throw new IllegalArgumentException("a fuseblk mount cannot be made by fusermount3 (autoUnmount)");
        }
        if (blockSize != 0 && (blockSize < 512 || blockSize > 4096 || Integer.bitCount(blockSize) != 1)) {
            throw new IllegalArgumentException("blockSize must be a power of two from 512 to 4096: " + blockSize);
        }
        if (blockSize != 0 && blockDevice == null) throw new IllegalArgumentException("blockSize needs a blockDevice");
        if (maxRead < 0 || (maxRead > 0 && maxRead < MIN_WRITE)) {
            throw new IllegalArgumentException("maxRead must be 0 (no limit) or at least 4096: " + maxRead);
        }
    }

    /** Commas and '=' would inject mount options; NUL would cut the string. */
    private static void checkName(String what, String s) {
        if (s.isEmpty() || s.indexOf(',') >= 0 || s.indexOf('\0') >= 0 || s.indexOf('=') >= 0
                || s.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(what + " must be non-empty without ',', '=', NUL or spaces: '" + s + "'");
        }
    }

    public static MountOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.fsname = fsname; b.subtype = subtype; b.allowOther = allowOther; b.defaultPermissions = defaultPermissions;
        b.readOnly = readOnly; b.maxWrite = maxWrite; b.writebackCache = writebackCache; b.readdirplus = readdirplus;
        b.parallelDirops = parallelDirops; b.entryTimeout = entryTimeout; b.attrTimeout = attrTimeout;
        b.passthrough = passthrough; b.workers = workers; b.handleKillpriv = handleKillpriv;
        b.cacheSymlinks = cacheSymlinks; b.posixAcl = posixAcl; b.requestTimeout = requestTimeout;
        b.maxBackground = maxBackground; b.mountFlags = mountFlags; b.autoUnmount = autoUnmount;
        b.ioUring = ioUring;
        b.idleRingThreads = idleRingThreads;
        b.blockDevice = blockDevice;
        b.blockSize = blockSize;
        b.maxRead = maxRead;
        b.devices = devices;
        b.setuid = setuid;
        return b;
    }

    public static final class Builder {
        private String fsname = "j4l";
        private String subtype;
        private String blockDevice;
        private int blockSize;
        private boolean allowOther;
        private boolean defaultPermissions;
        private boolean readOnly;
        private int maxWrite = MAX_WRITE;
        private boolean writebackCache;
        private Readdirplus readdirplus = Readdirplus.AUTO;
        private boolean parallelDirops = true;
        private Duration entryTimeout = Duration.ofSeconds(1);
        private Duration attrTimeout = Duration.ofSeconds(1);
        private boolean passthrough;
        private int workers = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
        private boolean handleKillpriv;
        private boolean cacheSymlinks = true;
        private boolean posixAcl;
        private Duration requestTimeout = Duration.ZERO;
        private int maxBackground;
        private long mountFlags;
        private boolean autoUnmount;
        private boolean ioUring;
        private boolean idleRingThreads = true;
        private int maxRead;
        private boolean devices;
        private boolean setuid;

        Builder() {}

        public Builder fsname(String v) { fsname = v; return this; }
        public Builder subtype(String v) { subtype = v; return this; }
        public Builder allowOther(boolean v) { allowOther = v; return this; }
        public Builder defaultPermissions(boolean v) { defaultPermissions = v; return this; }
        public Builder readOnly(boolean v) { readOnly = v; return this; }
        public Builder maxWrite(int v) { maxWrite = v; return this; }
        public Builder writebackCache(boolean v) { writebackCache = v; return this; }
        public Builder readdirplus(Readdirplus v) { readdirplus = v; return this; }
        public Builder parallelDirops(boolean v) { parallelDirops = v; return this; }
        public Builder entryTimeout(Duration v) { entryTimeout = v; return this; }
        public Builder attrTimeout(Duration v) { attrTimeout = v; return this; }
        /** Both the entry and the attribute timeout. */
        public Builder timeouts(Duration v) { entryTimeout = v; attrTimeout = v; return this; }
        public Builder passthrough(boolean v) { passthrough = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder handleKillpriv(boolean v) { handleKillpriv = v; return this; }
        public Builder cacheSymlinks(boolean v) { cacheSymlinks = v; return this; }
        public Builder posixAcl(boolean v) { posixAcl = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder maxBackground(int v) { maxBackground = v; return this; }
        public Builder mountFlags(long v) { mountFlags = v; return this; }
        public Builder autoUnmount(boolean v) { autoUnmount = v; return this; }
        public Builder ioUring(boolean v) { ioUring = v; return this; }
        public Builder idleRingThreads(boolean v) { idleRingThreads = v; return this; }
        public Builder blockDevice(String v) { blockDevice = v; return this; }
        public Builder blockSize(int v) { blockSize = v; return this; }
        public Builder maxRead(int v) { maxRead = v; return this; }
        public Builder devices(boolean v) { devices = v; return this; }
        public Builder setuid(boolean v) { setuid = v; return this; }

        public MountOptions build() {
            return new MountOptions(fsname, subtype, allowOther, defaultPermissions, readOnly, maxWrite,
                    writebackCache, readdirplus, parallelDirops, entryTimeout, attrTimeout, passthrough, workers,
                    handleKillpriv, cacheSymlinks, posixAcl, requestTimeout, maxBackground, mountFlags, autoUnmount, ioUring,
                    idleRingThreads, blockDevice, blockSize, maxRead, devices, setuid);
        }
    }
}
