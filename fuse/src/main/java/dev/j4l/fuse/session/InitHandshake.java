package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.*;

import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.protocol.FuseRequest;
import dev.j4l.fuse.protocol.Negotiated;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.ProcFiles;
import dev.j4l.kernel.abi.FuseAbi.InitFlags;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The INIT exchange: checks the kernel's protocol version, decides the capabilities and limits
 * ({@link Negotiated}), makes the io_uring queues when io_uring is on offer, lets the driver initialize, and
 * answers with {@code fuse_init_out}. Whoever mounted waits here for the outcome.
 */
final class InitHandshake {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");

    private final FuseSession<?, ?> session;
    private final MountOptions options;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile String failure;
    private volatile boolean abandoned;

    InitHandshake(FuseSession<?, ?> session) {
        this.session = session;
        this.options = session.options;
    }

    /** A later INIT (from a mount made only to wake a reader a failed mount left blocked) is refused. */
    void abandon() {
        abandoned = true;
    }

    /** Waits for INIT to be answered; false on timeout. Throws if INIT failed. */
    boolean await(Duration timeout) throws IOException {
        try {
            boolean ok = done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (failure != null) throw new IOException(failure);
            return ok;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for FUSE INIT", e);
        }
    }

    /** The session ended: nobody waits for an INIT any more. */
    void release() {
        done.countDown();
    }

    void answer(FuseRequest.Init init, long unique, ReplyChannel channel, NativeBuffer out) {
        boolean finished = true;
        try {
            finished = negotiate(init, unique, channel, out);
        } finally {
            if (finished) done.countDown();
        }
    }

    /** False when the kernel will send INIT again (it offered a newer major). */
    private boolean negotiate(FuseRequest.Init init, long unique, ReplyChannel channel, NativeBuffer out) {
        int major = init.major();
        int minor = init.minor();
        if (major > KERNEL_VERSION) {
            // Tell the kernel our major; it sends INIT again with it.
            out.fill(OUT_HEADER, INIT_OUT, (byte) 0);
            out.putInt(OUT_HEADER + INIT_MAJOR, KERNEL_VERSION);
            out.putInt(OUT_HEADER + INIT_MINOR, KERNEL_MINOR);
            channel.reply(unique, 0, out, INIT_OUT);
            return false;
        }
        if (major < KERNEL_VERSION || minor < MIN_MINOR) {
            fail(channel, out, unique, Errno.EPROTO,
                    "kernel FUSE protocol " + major + "." + minor + " is older than 7." + MIN_MINOR, null);
            return true;
        }
        if (abandoned) {
            // A connection mounted only to release a reader stuck after a failed mount: refuse it.
            channel.reply(unique, -Errno.ENODEV.number(), out, 0);
            return true;
        }
        long offered = init.offered();
        Negotiated n = Negotiated.negotiate(minor, init.maxReadahead(), offered, options, session.capabilities,
                maxPagesLimit());
        if (n.has(InitFlags.OVER_IO_URING) && !session.rings.prepare(n)) {
            n = Negotiated.negotiate(minor, init.maxReadahead(), offered & ~InitFlags.OVER_IO_URING, options,
                    session.capabilities, maxPagesLimit());
        }
        Negotiated negotiated = n;
        session.negotiated(n);
        LOG.log(Level.DEBUG, () -> "FUSE INIT " + session.label + ": " + negotiated.describe());
        if (options.passthrough() && !n.has(InitFlags.PASSTHROUGH)) {
            session.passthroughUnavailable(options.writebackCache()
                    ? "writeback cache is on (the kernel allows only one)"
                    : "the kernel did not offer it (needs Linux 6.9+ with CONFIG_FUSE_PASSTHROUGH)");
        }
        try {
            session.initDriver();
        } catch (Throwable t) {
            fail(channel, out, unique, Errno.EIO, "driver init failed: " + t, t);
            return true;
        }
        int p = OUT_HEADER;
        out.fill(p, INIT_OUT, (byte) 0);
        out.putInt(p + INIT_MAJOR, KERNEL_VERSION);
        out.putInt(p + INIT_MINOR, n.minor());
        out.putInt(p + INIT_MAX_READAHEAD, n.maxReadahead());
        out.putInt(p + INIT_FLAGS, (int) n.flags());
        out.putShort(p + INITO_MAX_BACKGROUND, (short) n.maxBackground());
        out.putShort(p + INITO_CONGESTION, (short) n.congestionThreshold());
        out.putInt(p + INITO_MAX_WRITE, n.maxWrite());
        out.putInt(p + INITO_TIME_GRAN, 1);
        out.putShort(p + INITO_MAX_PAGES, (short) n.maxPages());
        out.putInt(p + INITO_FLAGS2, (int) (n.flags() >>> 32));
        out.putInt(p + INITO_MAX_STACK_DEPTH, n.maxStackDepth());
        out.putShort(p + INITO_REQUEST_TIMEOUT, (short) n.requestTimeoutSeconds());
        int refused = channel.reply(unique, 0, out, n.initOutSize());
        if (refused != 0) {
            failure = "the kernel refused the INIT reply: " + Errno.orEio(refused).name();
            session.rings.close();
            LOG.log(Level.ERROR, "FUSE " + failure);
        } else if (n.has(InitFlags.OVER_IO_URING)) {
            // Registration is accepted only once the INIT reply is processed, and every queue must register
            // before the kernel lets any request through.
            session.rings.start();
        } else if (options.ioUring() && (offered & InitFlags.OVER_IO_URING) == 0) {
            // Asked for "when offered": not being offered is the kernel's default (enable_uring=N), not a fault.
            LOG.log(Level.INFO, "FUSE io_uring not offered by the kernel for " + session.label
                    + " (needs Linux 6.14+ and /sys/module/fuse/parameters/enable_uring = Y); using /dev/fuse");
        }
        return true;
    }

    /** CUSE_INIT: the handshake of a CUSE channel, naming the device the kernel is to create. */
    void answerCuse(FuseRequest.CuseInit init, long unique, ReplyChannel channel, NativeBuffer out) {
        try {
            negotiateCuse(init, unique, channel, out);
        } finally {
            done.countDown();
        }
    }

    private void negotiateCuse(FuseRequest.CuseInit init, long unique, ReplyChannel channel, NativeBuffer out) {
        if (init.major() != KERNEL_VERSION || init.minor() < MIN_MINOR) {
            fail(channel, out, unique, Errno.EPROTO, "kernel CUSE protocol " + init.major() + "." + init.minor()
                    + " is not 7." + MIN_MINOR + " or newer", null);
            return;
        }
        if (abandoned) {
            channel.reply(unique, -Errno.ENODEV.number(), out, 0);
            return;
        }
        Negotiated n = Negotiated.cuse(init.minor(), options);
        session.negotiated(n);
        LOG.log(Level.DEBUG, () -> "CUSE_INIT " + session.cuseDevname + ": " + n.describe());
        try {
            session.initDriver();
        } catch (Throwable t) {
            fail(channel, out, unique, Errno.EIO, "driver init failed: " + t, t);
            return;
        }
        // The device info: "KEY=VALUE" strings, each NUL-terminated; the kernel reads DEVNAME only.
        byte[] info = ("DEVNAME=" + session.cuseDevname + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (info.length > CUSE_INIT_INFO_MAX) {
            fail(channel, out, unique, Errno.EINVAL, "CUSE device name too long", null);
            return;
        }
        int p = OUT_HEADER;
        out.fill(p, CUSE_INIT_OUT, (byte) 0);
        out.putInt(p + CUSE_MAJOR, KERNEL_VERSION);
        out.putInt(p + CUSE_MINOR, n.minor());
        // Unrestricted ioctls only for a server that fetches their data itself (IoctlCall.retry).
        out.putInt(p + CUSE_FLAGS, session.cuseIoctls != null ? CUSE_UNRESTRICTED_IOCTL : 0);
        out.putInt(p + CUSEO_MAX_READ, n.maxWrite());
        out.putInt(p + CUSEO_MAX_WRITE, n.maxWrite());
        // dev_major 0: the kernel allocates a dynamic major and minor for the device.
        out.put(p + CUSE_INIT_OUT, info, 0, info.length);
        int refused = channel.reply(unique, 0, out, CUSE_INIT_OUT + info.length);
        if (refused != 0) {
            failure = "the kernel refused the CUSE_INIT reply: " + Errno.orEio(refused).name();
            LOG.log(Level.ERROR, "CUSE " + failure);
        }
    }

    private void fail(ReplyChannel channel, NativeBuffer out, long unique, Errno errno, String why, Throwable t) {
        failure = why;
        LOG.log(Level.ERROR, "FUSE INIT refused: " + why, t);
        channel.reply(unique, -errno.number(), out, 0);
    }

    private static int maxPagesLimit() {
        try {
            return (int) ProcFiles.readLong(Path.of("/proc/sys/fs/fuse/max_pages_limit"));
        } catch (IOException | NumberFormatException e) {
            return 256;
        }
    }
}
