package dev.j4l.fuse.session;

import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.OwnedFd;
import java.lang.System.Logger.Level;
import java.util.concurrent.locks.LockSupport;

/**
 * A request loop on a {@code /dev/fuse} descriptor: a platform thread (a blocking read in a downcall would
 * pin a virtual thread's carrier anyway) that reads one request, serves it through its
 * {@link RequestHandler}, and replies on the same descriptor — one read and one write per request.
 */
final class DevFuseReader implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");

    /**
     * How long the reader of an io_uring session waits after a FORGET before reading again. The kernel wakes a
     * blocked reader for every FORGET it queues: one wake-up per unlinked or evicted inode. While nobody is
     * blocked in read(2) the kernel only queues them, and the next read takes them all as one BATCH_FORGET
     * (measured in BENCHMARKS.md, "FORGET gathering").
     */
    static final long FORGET_GATHER_NS = 300_000L;

    private final FuseSession<?, ?> session;
    private final OwnedFd fd;
    private final RequestHandler<?, ?> handler;
    private final DevFuseChannel channel;
    final String name;

    DevFuseReader(FuseSession<?, ?> session, OwnedFd fd, RequestHandler<?, ?> handler, String name) {
        this.session = session;
        this.fd = fd;
        this.handler = handler;
        this.channel = new DevFuseChannel(fd);
        this.name = name;
    }

    @Override
    public void run() {
        int why = 0;
        try {
            while (true) {
                int n = FuseDevice.read(fd, handler.requestBuffer());
                if (n >= 0) {
                    FuseOpcode op = handler.serve(n, channel);
                    // On io_uring this reader sees nothing but FORGET, INTERRUPT and notification replies.
                    if ((op == FuseOpcode.FORGET || op == FuseOpcode.BATCH_FORGET) && session.rings.count() > 0) {
                        LockSupport.parkNanos(FORGET_GATHER_NS);
                    }
                    continue;
                }
                int errno = -n;
                if (errno == Errno.EINTR.number() || errno == Errno.ENOENT.number()
                        || errno == Errno.EAGAIN.number()) {
                    continue; // interrupted read, or a request interrupted before we got it
                }
                why = errno;
                break;
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "FUSE reader " + name + " stopped by an internal error", t);
            why = Errno.EIO.number();
        } finally {
            session.readerEnded(this, why);
        }
    }
}
