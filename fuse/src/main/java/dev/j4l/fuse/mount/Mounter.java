package dev.j4l.fuse.mount;

import dev.j4l.fuse.MountOptions;
import dev.j4l.kernel.Capabilities;
import dev.j4l.kernel.ChildProcess;
import dev.j4l.kernel.Credentials;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.Sockets;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.MountTable;
import dev.j4l.kernel.Mounts;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The mount lifecycle, in one place: checking the mountpoint (and cleaning a stale mount left by a dead
 * daemon), opening {@code /dev/fuse}, mount(2), unmount (lazily when busy), and aborting a connection through
 * the fusectl filesystem. Every failure names the path and the reason.
 */
public final class Mounter {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");
    private static final String FUSECTL = "/sys/fs/fuse/connections";

    private Mounter() {}

    /**
     * Validates {@code mountpoint} and returns it as an absolute path string. A FUSE mount left there by a
     * daemon that died (every access fails with ENOTCONN) is unmounted with a warning; a live mount is an
     * error.
     */
    public static String prepare(Path mountpoint) throws IOException {
        Path abs = mountpoint.toAbsolutePath().normalize();
        String target = abs.toString();
        Optional<MountTable.Mount> existing = MountTable.at(target);
        if (existing.isPresent()) {
            MountTable.Mount m = existing.get();
            if (m.isFuse() && isDisconnected(target)) {
                LOG.log(Level.WARNING, "cleaning up stale FUSE mount at " + target + " (" + m.fsType()
                        + ", its daemon is gone: Transport endpoint is not connected)");
                try {
                    Mounts.unmount(target, Mounts.MNT_DETACH);
                } catch (KernelException e) {
                    throw new IOException("mountpoint " + target + " holds a stale FUSE mount that cannot be removed: "
                            + e.getMessage(), e);
                }
            } else {
                throw new IOException("mountpoint " + target + " is already mounted (" + m.fsType() + " from "
                        + m.source() + ")");
            }
        }
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("mountpoint " + target + " does not exist");
        }
        if (!Files.isDirectory(abs)) throw new IOException("mountpoint " + target + " is not a directory");
        return target;
    }

    /** True when the FUSE mount at {@code target} answers ENOTCONN: its connection is gone. */
    static boolean isDisconnected(String target) {
        try (OwnedFd _ = Fs.open(target, Fs.O_RDONLY | Fs.O_DIRECTORY)) {
            return false;
        } catch (KernelException e) {
            return e.errno() == Errno.ENOTCONN || e.errno() == Errno.ECONNABORTED;
        }
    }

    /** Opens {@code /dev/fuse} with a message saying why it failed. */
    public static OwnedFd openDevice() throws IOException {
        try {
            return FuseDevice.open();
        } catch (KernelException e) {
            String why = switch (e.errno()) {
                case ENOENT -> "/dev/fuse does not exist (is the fuse module loaded? try: modprobe fuse)";
                case EACCES, EPERM -> "/dev/fuse is not permitted for this user";
                case ENODEV, ENXIO -> "the kernel has no FUSE support";
                default -> "cannot open /dev/fuse: " + e.getMessage();
            };
            throw new IOException(why, e);
        }
    }

    /** The mount(2) data string: everything but {@code fd=}. */
    static String data(MountOptions o, int uid, int gid) {
        StringBuilder d = new StringBuilder("rootmode=40000,user_id=").append(uid).append(",group_id=").append(gid);
        if (o.defaultPermissions()) d.append(",default_permissions");
        if (o.allowOther()) d.append(",allow_other");
        if (o.blockSize() != 0) d.append(",blksize=").append(o.blockSize());
        if (o.maxRead() != 0) d.append(",max_read=").append(o.maxRead());
        return d.toString();
    }

    public static long flags(MountOptions o) {
        return (o.setuid() ? 0 : Mounts.MS_NOSUID) | (o.devices() ? 0 : Mounts.MS_NODEV)
                | (o.readOnly() ? Mounts.MS_RDONLY : 0) | o.mountFlags();
    }

    public static String fstype(MountOptions o) {
        String base = o.blockDevice() == null ? "fuse" : "fuseblk";
        return o.subtype() == null ? base : base + "." + o.subtype();
    }

    /** The mount's source: a fuseblk mount's is its block device, which the kernel opens. */
    static String source(MountOptions o) {
        return o.blockDevice() == null ? o.fsname() : o.blockDevice();
    }

    /**
     * mount(2) of the connection behind {@code dev} at {@code target}. With FUSE_DEV_IOC_SYNC_INIT enabled this
     * blocks until INIT is answered, so a worker must already be reading {@code dev}.
     */
    public static void mount(OwnedFd dev, String target, MountOptions o) throws IOException {
        try {
            FuseDevice.mount(dev, source(o), target, fstype(o), flags(o), data(o, Credentials.uid(), Credentials.gid()));
        } catch (KernelException e) {
            String why = switch (e.errno()) {
                case EPERM -> "not permitted (mount(2) needs CAP_SYS_ADMIN)";
                case ENOENT -> "mountpoint does not exist";
                case ENOTDIR -> "mountpoint is not a directory";
                case ENODEV -> "the kernel does not know filesystem type " + fstype(o);
                case ENOTBLK -> o.blockDevice() + " is not a block device";
                case EBUSY -> o.blockDevice() != null ? o.blockDevice() + " is in use" : "busy";
                case EINVAL -> "the kernel refused the mount options (see dmesg)";
                default -> e.errno().name() + " (" + e.errno().description() + ")";
            };
            throw new IOException("cannot mount " + fstype(o) + " at " + target + ": " + why, e);
        }
    }

    /**
     * After a failed mount(2) on a descriptor in sync-init mode, the reader started for INIT stays blocked in
     * read(2) until the descriptor is mounted; closing it does not wake it. Mounting it once on a scratch
     * directory does: the (abandoned) session refuses that INIT, the kernel fails the mount and ends the
     * connection, and the reader returns ENODEV.
     */
    public static void releaseSyncInitReader(OwnedFd dev) {
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("j4l-fuse-release");
            FuseDevice.mount(dev, "j4l-release", scratch.toString(), "fuse", Mounts.MS_NOSUID | Mounts.MS_NODEV,
                    "rootmode=40000,user_id=" + Credentials.uid() + ",group_id=" + Credentials.gid());
            unmount(scratch.toString()); // only reached if the kernel mounted it anyway
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "releasing the sync-init reader: " + e.getMessage());
        } finally {
            if (scratch != null) {
                try {
                    Files.deleteIfExists(scratch);
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, () -> "cannot delete " + e.getMessage());
                }
            }
        }
    }

    /** True when this process may mount(2) itself (CAP_SYS_ADMIN); otherwise fusermount3 mounts for it. */
    public static boolean privileged() {
        try {
            return Capabilities.has(Capabilities.CAP_SYS_ADMIN);
        } catch (KernelException e) {
            return false;
        }
    }

    /** The fusermount3 binary on PATH (or in /usr/bin, /bin). */
    static String fusermount() throws IOException {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin";
        for (String d : path.split(":")) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, "fusermount3");
            if (Files.isExecutable(p)) return p.toString();
        }
        throw new IOException("fusermount3 is missing: unprivileged mounting needs it (Debian package fuse3)");
    }

    /**
     * A mount made by fusermount3: the {@code /dev/fuse} descriptor, and with {@code auto_unmount} the watchdog
     * (fusermount3 staying alive on the other end of {@code watch}: when this process dies or closes it, the
     * watchdog unmounts lazily).
     */
    public record FusermountResult(OwnedFd device, ChildProcess watchdog, OwnedFd watch) {
        /** Ends the watchdog (after our own unmount) and reaps it. */
        public void release() {
            if (watch == null) return;
            if (watch.isOpen()) watch.close();
            Thread.ofVirtual().start(() -> {
                try {
                    watchdog.waitFor();
                } catch (KernelException e) {
                    LOG.log(Level.DEBUG, () -> "fusermount3 watchdog: " + e.getMessage());
                }
            });
        }
    }

    /**
     * Mount through fusermount3 (setuid root): it opens /dev/fuse, mounts it at {@code target}, and sends the
     * descriptor back over a socket named by {@code _FUSE_COMMFD} (SCM_RIGHTS). With
     * {@link MountOptions#autoUnmount()} it then stays alive and unmounts when this process goes away.
     */
    public static FusermountResult mountWithFusermount(String target, MountOptions o) throws IOException {
        String helper = fusermount();
        Path dev = Path.of(FuseDevice.PATH);
        if (!privileged() && !(Files.isReadable(dev) && Files.isWritable(dev))) {
            // fusermount3 opens the device with the caller's own rights.
            throw new IOException("cannot mount at " + target + ": " + FuseDevice.PATH + " is not accessible to uid "
                    + Credentials.uid() + " (Debian makes it mode 0666; here it is not), and mount(2) needs CAP_SYS_ADMIN");
        }
        StringBuilder opts = new StringBuilder("fsname=").append(o.fsname());
        if (o.subtype() != null) opts.append(",subtype=").append(o.subtype());
        if (o.setuid() || o.devices()) {
            throw new IOException("cannot mount at " + target + " with " + (o.setuid() ? "suid" : "dev")
                    + ": fusermount3 allows neither; mount as root (CAP_SYS_ADMIN)");
        }
        opts.append(",nosuid,nodev");
        if (o.maxRead() != 0) opts.append(",max_read=").append(o.maxRead());
        if (o.readOnly()) opts.append(",ro");
        if (o.defaultPermissions()) opts.append(",default_permissions");
        if (o.allowOther()) opts.append(",allow_other");
        if (o.autoUnmount()) opts.append(",auto_unmount");
        Sockets.Pair pair = null;
        boolean keepWatch = false;
        try {
            pair = Sockets.pair(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC);
            ChildProcess child = ChildProcess.spawn(List.of(helper, "-o", opts.toString(), "--", target),
                    Map.of("_FUSE_COMMFD", "3", "PATH", "/usr/bin:/bin"), Map.of(3, pair.second()));
            pair.second().close(); // the child holds its copy; EOF on ours means it is gone
            NativeBuffer buf = NativeBuffer.allocate(16);
            Sockets.Received got = Sockets.receiveWithFds(pair.first(), buf, 0, 1, 1, Sockets.MSG_CMSG_CLOEXEC);
            if (got.fds().isEmpty()) {
                int status = child.waitFor();
                throw new IOException("cannot mount at " + target + ": fusermount3 failed (exit status " + status
                        + "; its message is on stderr)");
            }
            if (o.autoUnmount()) {
                keepWatch = true;
                return new FusermountResult(got.fds().get(0), child, pair.first());
            }
            child.waitFor();
            return new FusermountResult(got.fds().get(0), null, null);
        } catch (KernelException e) {
            throw new IOException("cannot mount at " + target + " through fusermount3: " + e.getMessage(), e);
        } finally {
            if (pair != null) {
                if (pair.second().isOpen()) pair.second().close();
                if (!keepWatch && pair.first().isOpen()) pair.first().close();
            }
        }
    }

    /** Unprivileged unmount: {@code fusermount3 -u}, lazily ({@code -z}) when busy. Returns true if lazy. */
    public static boolean unmountWithFusermount(String target) throws IOException {
        String helper = fusermount();
        if (runQuietly(helper, "-u", "-q", "--", target) == 0) return false;
        if (MountTable.at(target).isEmpty()) return false;
        int s = runQuietly(helper, "-u", "-z", "-q", "--", target);
        if (s != 0) throw new IOException("cannot unmount " + target + ": fusermount3 -u -z exited " + s);
        LOG.log(Level.INFO, "FUSE mount " + target + " is busy; detached lazily (it ends when the last file closes)");
        return true;
    }

    private static int runQuietly(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + cmd[0], e);
        }
    }

    /**
     * Unmounts {@code target}: a plain unmount, or a lazy one (MNT_DETACH) when files are still open there.
     * Returns true if it had to be lazy; a mount that is already gone is not an error.
     */
    public static boolean unmount(String target) throws IOException {
        try {
            Mounts.unmount(target, 0);
            return false;
        } catch (KernelException e) {
            if (e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT) return false; // not mounted any more
            if (e.errno() != Errno.EBUSY) throw new IOException("cannot unmount " + target + ": " + e.getMessage(), e);
        }
        try {
            Mounts.unmount(target, Mounts.MNT_DETACH);
            LOG.log(Level.INFO, "FUSE mount " + target + " is busy; detached lazily (it ends when the last file closes)");
            return true;
        } catch (KernelException e) {
            if (e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT) return false;
            throw new IOException("cannot unmount " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Aborts the FUSE connection with device minor {@code connection} by writing to its fusectl
     * {@code abort} file, mounting fusectl at /sys/fs/fuse/connections first if needed.
     */
    public static void abort(int connection) throws IOException {
        Path abort = Path.of(FUSECTL, Integer.toString(connection), "abort");
        ensureFusectl();
        if (!Files.exists(abort)) throw new IOException("no FUSE connection " + connection + " under " + FUSECTL);
        Files.writeString(abort, "1");
    }

    /** Mounts fusectl at /sys/fs/fuse/connections unless it is there already. */
    public static void ensureFusectl() throws IOException {
        if (MountTable.read().stream().anyMatch(m -> m.fsType().equals("fusectl"))) return;
        try {
            Mounts.mount("fusectl", FUSECTL, "fusectl", 0, null);
        } catch (KernelException e) {
            if (e.errno() != Errno.EBUSY) throw new IOException("cannot mount fusectl at " + FUSECTL + ": " + e.getMessage(), e);
        }
    }
}
