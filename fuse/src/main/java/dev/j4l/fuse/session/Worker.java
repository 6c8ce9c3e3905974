package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.*;

import dev.j4l.fuse.FileLock;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.PollHandle;
import dev.j4l.fuse.SetAttr;
import dev.j4l.fuse.inode.HandleTable;
import dev.j4l.fuse.inode.InodeTable;
import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.fuse.protocol.Negotiated;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileNames;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.lang.System.Logger.Level;
import java.util.concurrent.locks.LockSupport;

/**
 * One request loop: a platform thread that reads a request from its own {@code /dev/fuse} descriptor, calls
 * the driver, and writes the reply to the same descriptor — one read and one write per request, into buffers
 * allocated once.
 */
final class Worker<N, H> implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");

    final FuseSession<N, H> session;
    final OwnedFd fd;
    final String name;
    private final FuseFilesystem<N, H> fs;
    private final InodeTable<N> inodes;
    private final HandleTable<H> handles;
    private final ReplyEncoder<N, H> encoder;
    private final NativeBuffer in;
    private final NativeBuffer out;
    /**
     * The data view of the request being served (WRITE, IOCTL), if any. Views lent to the driver (this, the
     * READ sink, the readdir filler, the Request) are made for one call and closed when it returns: the buffers
     * behind them are this worker's and hold the next request soon after.
     */
    private RequestData data;
    private final ReplyEncoder.Undo undo = new ReplyEncoder.Undo();
    /** Room for the longest name or symlink target, copied out of the request to decode. */
    private final byte[] nameBytes = new byte[PATH_MAX];
    /** A readdir filler's room for one name's bytes. */
    private final byte[] direntName = new byte[NAME_MAX];
    /** The request being served, for INTERRUPT (read from other threads). */
    volatile RequestContext ctx;
    /** Set while serving a request that came through an io_uring entry. */
    private RingQueue ring;
    private int ringEntry;
    private int bodyEnd;
    private int nameEnd;
    private long unique;
    private FuseOpcode op;

    Worker(FuseSession<N, H> session, OwnedFd fd, String name, int inSize, int outSize) {
        this.session = session;
        this.fd = fd;
        this.name = name;
        this.fs = session.fs;
        this.inodes = session.inodes;
        this.handles = session.handles;
        this.encoder = session.encoder;
        // Placed so that a WRITE's data (after the in-header and write_in) and a reply's payload (after the
        // out-header) start on a page: a driver can hand them to a descriptor opened O_DIRECT as they are.
        int page = Negotiated.PAGE;
        this.in = NativeBuffer.allocate(inSize + page, page).slice(page - IN_HEADER - RW_IN, inSize);
        this.out = NativeBuffer.allocate(outSize + page, page).slice(page - OUT_HEADER, outSize);
    }

    @Override
    public void run() {
        int why = 0;
        try {
            while (true) {
                int n = FuseDevice.read(fd, in);
                if (n >= 0) {
                    try {
                        handle(n);
                    } catch (RuntimeException | Error e) {
                        // A framework bug on one request must not stop the filesystem: answer it and go on.
                        LOG.log(Level.ERROR, "FUSE internal error on " + op + " (request " + unique + ")", e);
                        if (op != null && op.reply() != FuseOpcode.Reply.NONE) replyError(Errno.EIO.number());
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
            LOG.log(Level.ERROR, "FUSE worker " + name + " stopped by an internal error", t);
            why = Errno.EIO.number();
        } finally {
            session.workerEnded(this, why);
        }
    }

    /**
     * How long the {@code /dev/fuse} reader of an io_uring session waits after a FORGET before reading again.
     * The kernel wakes a blocked reader for every FORGET it queues: one wake-up per unlinked or evicted inode,
     * on the CPU of the process that dropped it. While nobody is blocked in read(2) the kernel only queues
     * them, and the next read takes them all as one BATCH_FORGET. Measured on the 2-CPU VM, unlinking 10,000
     * files from Java after a listing: 21,500/s without the pause, 26,000/s with it.
     */
    static final long FORGET_GATHER_NS = 300_000L;

    /** On an io_uring session (where this reader sees nothing but FORGET, INTERRUPT and notification replies). */
    private void gatherForgets() {
        if (session.ringQueues() > 0) LockSupport.parkNanos(FORGET_GATHER_NS);
    }

    /** The reply buffer (out-header, then payload); a ring registers its tail as an entry's payload buffer. */
    NativeBuffer replyBuffer() {
        return out;
    }

    /** The request buffer a ring copies its request into. */
    NativeBuffer requestBuffer() {
        return in;
    }

    /** Serves one request a {@link RingQueue} copied into the request buffer; the reply goes back to the ring. */
    void serveRing(RingQueue queue, int entry, int n) {
        ring = queue;
        ringEntry = entry;
        try {
            handle(n);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "FUSE internal error on " + op + " (request " + unique + ")", e);
            replyError(Errno.EIO.number());
        }
    }

    RingQueue ring() {
        return ring;
    }

    int ringEntry() {
        return ringEntry;
    }

    private void handle(int n) {
        int len = in.getInt(IN_LEN);
        unique = in.getLong(IN_UNIQUE);
        int opcode = in.getInt(IN_OPCODE);
        long nodeid = in.getLong(IN_NODEID);
        int extlen = (in.getShort(IN_TOTAL_EXTLEN) & 0xffff) * 8;
        bodyEnd = Math.min(len, n) - extlen;
        op = FuseOpcode.of(opcode);
        if (op == null) {
            replyError(Errno.ENOSYS.number());
            return;
        }
        switch (op) {
            case INIT -> {
                session.init(this, in, out);
                return;
            }
            case FORGET -> {
                inodes.forget(nodeid, in.getLong(IN_HEADER));
                gatherForgets();
                return;
            }
            case BATCH_FORGET -> {
                int count = in.getInt(IN_HEADER);
                int p = IN_HEADER + 8;
                for (int i = 0; i < count && p + FORGET_ONE <= bodyEnd; i++, p += FORGET_ONE) {
                    inodes.forget(in.getLong(p), in.getLong(p + 8));
                }
                gatherForgets();
                return;
            }
            case INTERRUPT -> {
                if (!session.interrupt(in.getLong(IN_HEADER))) replyError(Errno.EAGAIN.number());
                return;
            }
            case NOTIFY_REPLY -> {
                session.notifyReply(unique, in, bodyEnd);
                return;
            }
            default -> { }
        }
        N node = inodes.node(nodeid);
        if (node == null && op != FuseOpcode.DESTROY) {
            LOG.log(Level.WARNING, () -> "FUSE " + op + " for unknown node " + nodeid + " (request " + unique + ")");
            replyError(Errno.ESTALE.number());
            return;
        }
        RequestContext c = new RequestContext(this, Thread.currentThread());
        ctx = c;
        c.begin(unique, op, nodeid, in.getInt(IN_UID), in.getInt(IN_GID), in.getInt(IN_PID));
        undo.clear();
        int payload = -1;
        try {
            payload = dispatch(c, node, nodeid);
        } catch (ErrnoException e) {
            payload = -e.errno().number();
        } catch (dev.j4l.kernel.NativeMemoryLimitException e) {
            LOG.log(Level.WARNING, "FUSE driver got no native memory in " + op + " (node " + nodeid + ", request "
                    + unique + "): " + e.getMessage());
            payload = -Errno.ENOMEM.number();
        } catch (OutOfMemoryError e) {
            LOG.log(Level.ERROR, "FUSE driver ran out of memory in " + op + " (node " + nodeid + ", request "
                    + unique + ")", e);
            payload = -Errno.ENOMEM.number();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "FUSE driver failed in " + op + " (node " + nodeid + ", request " + unique
                    + "); answering EIO", t);
            payload = -Errno.EIO.number();
        } finally {
            c.end();
            if (data != null) {
                data.close();
                data = null;
            }
        }
        DeferredReply<?> d = c.deferred;
        c.deferred = null; // the driver owns it now; if it drops it, the cleaner answers
        if (d != null) {
            // The driver answers later; an error it threw before answering is the answer.
            if (payload < 0) d.fail(Errno.orEio(-payload));
            return;
        }
        if (payload >= 0) {
            send(OUT_HEADER + payload, 0);
        } else {
            takeBack(0);
            replyError(-payload);
        }
    }

    /** Calls the driver and encodes its answer; returns the payload length (or throws). */
    private int dispatch(RequestContext c, N node, long nodeid) throws ErrnoException {
        final int b = IN_HEADER;
        Negotiated neg = encoder.negotiated();
        Object v;
        switch (op) {
            case LOOKUP -> v = fs.lookup(c, node, name(b));
            case GETATTR -> {
                H h = null;
                if (neg.minor() >= 9 && (in.getInt(b + GETATTR_FLAGS) & GETATTR_FH_VALID) != 0) {
                    h = handles.get(in.getLong(b + GETATTR_FH));
                }
                v = fs.getattr(c, node, h);
            }
            case SETATTR -> {
                int valid = in.getInt(b + SETATTR_VALID);
                H h = (valid & SetAttr.FATTR_FH) != 0 ? handles.get(in.getLong(b + SETATTR_FH)) : null;
                SetAttr.TimeChange at = time(valid, SetAttr.FATTR_ATIME, SetAttr.FATTR_ATIME_NOW,
                        in.getLong(b + SETATTR_ATIME), in.getInt(b + SETATTR_ATIMENSEC));
                SetAttr.TimeChange mt = time(valid, SetAttr.FATTR_MTIME, SetAttr.FATTR_MTIME_NOW,
                        in.getLong(b + SETATTR_MTIME), in.getInt(b + SETATTR_MTIMENSEC));
                long ct = in.getLong(b + SETATTR_CTIME) * 1_000_000_000L + in.getInt(b + SETATTR_CTIMENSEC);
                SetAttr s = new SetAttr(valid, in.getInt(b + SETATTR_MODE), in.getInt(b + SETATTR_UID),
                        in.getInt(b + SETATTR_GID), in.getLong(b + SETATTR_SIZE), at, mt, ct,
                        in.getLong(b + SETATTR_LOCK_OWNER));
                v = fs.setattr(c, node, h, s);
            }
            case READLINK -> v = fs.readlink(c, node);
            case SYMLINK -> {
                String n = name(b);
                v = fs.symlink(c, node, n, symlinkTarget(nameEnd));
            }
            case MKNOD -> {
                int mode = in.getInt(b);
                int rdev = in.getInt(b + 4);
                if (neg.minor() >= 12) c.umask = in.getInt(b + 8);
                v = fs.mknod(c, node, name(b + neg.mknodInSize()), mode, rdev);
            }
            case MKDIR -> {
                c.umask = in.getInt(b + 4);
                v = fs.mkdir(c, node, name(b + MKDIR_IN), in.getInt(b));
            }
            case UNLINK -> {
                fs.unlink(c, node, name(b));
                v = null;
            }
            case RMDIR -> {
                fs.rmdir(c, node, name(b));
                v = null;
            }
            case RENAME, RENAME2 -> {
                long newdir = in.getLong(b);
                int flags = op == FuseOpcode.RENAME2 ? in.getInt(b + 8) : 0;
                N newParent = nodeOrStale(newdir);
                String from = name(b + (op == FuseOpcode.RENAME2 ? RENAME2_IN : RENAME_IN));
                fs.rename(c, node, from, newParent, name(nameEnd), flags);
                v = null;
            }
            case LINK -> {
                N old = nodeOrStale(in.getLong(b));
                v = fs.link(c, old, node, name(b + LINK_IN));
            }
            case OPEN -> v = fs.open(c, node, in.getInt(b));
            case READ -> {
                return read(c, node);
            }
            case WRITE -> {
                return write(c, node, neg);
            }
            case STATFS -> v = fs.statfs(c, node);
            case RELEASE -> {
                HandleTable.Open<H> o = handles.remove(in.getLong(b + RELEASE_FH));
                H h = o == null ? null : o.handle();
                try {
                    if ((in.getInt(b + RELEASE_RELEASE_FLAGS) & RELEASE_FLOCK_UNLOCK) != 0 && session.flock) {
                        fs.flock(c, node, h, in.getLong(b + RELEASE_LOCK_OWNER), FileLock.F_UNLCK, false);
                    }
                    fs.release(c, node, h, in.getInt(b + RELEASE_FLAGS));
                } finally {
                    if (o != null && o.backing() != null) o.backing().close();
                }
                v = null;
            }
            case FSYNC -> {
                fs.fsync(c, node, handles.get(in.getLong(b + FSYNC_FH)), (in.getInt(b + FSYNC_FLAGS) & 1) != 0);
                v = null;
            }
            case SETXATTR -> {
                int size = in.getInt(b);
                int flags = in.getInt(b + 4);
                String n = name(b + neg.setxattrInSize());
                if (nameEnd + size > bodyEnd) throw new ErrnoException(Errno.EINVAL, "short SETXATTR request");
                byte[] value = new byte[size];
                in.get(nameEnd, value, 0, size);
                fs.setxattr(c, node, n, value, flags);
                v = null;
            }
            case GETXATTR -> {
                c.size = in.getInt(b);
                v = fs.getxattr(c, node, name(b + GETXATTR_IN));
            }
            case LISTXATTR -> {
                c.size = in.getInt(b);
                v = fs.listxattr(c, node);
            }
            case REMOVEXATTR -> {
                fs.removexattr(c, node, name(b));
                v = null;
            }
            case FLUSH -> {
                fs.flush(c, node, handles.get(in.getLong(b + FLUSH_FH)), in.getLong(b + FLUSH_LOCK_OWNER));
                v = null;
            }
            case OPENDIR -> v = fs.opendir(c, node, in.getInt(b));
            case READDIR, READDIRPLUS -> {
                H h = handles.get(in.getLong(b + RW_FH));
                DirFiller<N> filler = new DirFiller<>(out, encoder, direntName, op == FuseOpcode.READDIRPLUS,
                        in.getInt(b + RW_SIZE));
                try {
                    fs.readdir(c, node, h, in.getLong(b + RW_OFFSET), filler);
                } catch (ErrnoException | RuntimeException | Error e) {
                    int len = filler.close();
                    if (op == FuseOpcode.READDIRPLUS) DirFiller.forEachNode(out, len, id -> inodes.forget(id, 1));
                    throw e;
                }
                return filler.close();
            }
            case RELEASEDIR -> {
                HandleTable.Open<H> o = handles.remove(in.getLong(b + RELEASE_FH));
                fs.releasedir(c, node, o == null ? null : o.handle());
                v = null;
            }
            case FSYNCDIR -> {
                fs.fsyncdir(c, node, handles.get(in.getLong(b + FSYNC_FH)), (in.getInt(b + FSYNC_FLAGS) & 1) != 0);
                v = null;
            }
            case GETLK -> v = fs.getlk(c, node, handles.get(in.getLong(b + LK_FH)), in.getLong(b + LK_OWNER), lock(b));
            case SETLK, SETLKW -> {
                H h = handles.get(in.getLong(b + LK_FH));
                long owner = in.getLong(b + LK_OWNER);
                boolean sleep = op == FuseOpcode.SETLKW;
                if ((in.getInt(b + LK_FLAGS) & LK_FLOCK) != 0) {
                    fs.flock(c, node, h, owner, in.getInt(b + LK_TYPE), sleep);
                } else {
                    fs.setlk(c, node, h, owner, lock(b), sleep);
                }
                v = null;
            }
            case ACCESS -> {
                fs.access(c, node, in.getInt(b));
                v = null;
            }
            case CREATE -> {
                c.umask = in.getInt(b + 8);
                v = fs.create(c, node, name(b + CREATE_IN), in.getInt(b + 4), in.getInt(b));
            }
            case TMPFILE -> {
                c.umask = in.getInt(b + 8);
                v = fs.tmpfile(c, node, in.getInt(b + 4), in.getInt(b));
            }
            case IOCTL -> {
                int inSize = in.getInt(b + IOCTL_IN_SIZE);
                int outSize = in.getInt(b + IOCTL_OUT_SIZE);
                int start = b + IOCTL_IN;
                if (start + inSize > bodyEnd) throw new ErrnoException(Errno.EINVAL, "short IOCTL request");
                c.size = outSize;
                v = fs.ioctl(c, node, handles.get(in.getLong(b + IOCTL_FH)), in.getInt(b + IOCTL_CMD),
                        in.getLong(b + IOCTL_ARG), in.getInt(b + IOCTL_FLAGS), lendData(start, inSize), outSize);
                if (v == null) throw new IllegalStateException("ioctl answered null");
            }
            case POLL -> {
                PollHandle ph = (in.getInt(b + POLL_FLAGS) & POLL_SCHEDULE_NOTIFY) != 0
                        ? new PollHandle(in.getLong(b + POLL_KH)) : null;
                v = fs.poll(c, node, handles.get(in.getLong(b + POLL_FH)), in.getInt(b + POLL_EVENTS), ph);
            }
            case FALLOCATE -> {
                fs.fallocate(c, node, handles.get(in.getLong(b + FALLOC_FH)), in.getInt(b + FALLOC_MODE),
                        in.getLong(b + FALLOC_OFFSET), in.getLong(b + FALLOC_LENGTH));
                v = null;
            }
            case LSEEK -> v = fs.lseek(c, node, handles.get(in.getLong(b + LSEEK_FH)), in.getLong(b + LSEEK_OFFSET),
                    in.getInt(b + LSEEK_WHENCE));
            case COPY_FILE_RANGE, COPY_FILE_RANGE_64 -> {
                N outNode = nodeOrStale(in.getLong(b + CFR_NODEID_OUT));
                v = fs.copyFileRange(c, node, handles.get(in.getLong(b + CFR_FH_IN)), in.getLong(b + CFR_OFF_IN),
                        outNode, handles.get(in.getLong(b + CFR_FH_OUT)), in.getLong(b + CFR_OFF_OUT),
                        in.getLong(b + CFR_LEN), in.getLong(b + CFR_FLAGS));
            }
            case STATX -> {
                H h = (in.getInt(b + STATX_GETATTR_FLAGS) & GETATTR_FH_VALID) != 0
                        ? handles.get(in.getLong(b + STATX_FH)) : null;
                v = fs.statx(c, node, h, in.getInt(b + STATX_SX_FLAGS), in.getInt(b + STATX_SX_MASK));
                if (v == null) throw new IllegalStateException("statx answered null");
            }
            case DESTROY -> {
                session.destroyRequested();
                v = null;
            }
            default -> throw new ErrnoException(Errno.ENOSYS);
        }
        if (c.deferred != null) return 0;
        return encoder.encode(op, v, out, c.size, undo, c.attrTimeout);
    }

    /** READ, kept small so the JIT can inline it whole: the reply data goes straight into the reply buffer. */
    private int read(RequestContext c, N node) throws ErrnoException {
        final int b = IN_HEADER;
        H h = handles.get(in.getLong(b + RW_FH));
        int size = in.getInt(b + RW_SIZE);
        c.size = size;
        ReadSink sink = new ReadSink(out, OUT_HEADER, size);
        int length;
        try {
            fs.read(c, node, h, in.getLong(b + RW_OFFSET), size, sink);
        } finally {
            length = sink.close();
        }
        return length;
    }

    /** WRITE: the data is a window of the request buffer; the count is encoded unboxed. */
    private int write(RequestContext c, N node, Negotiated neg) throws ErrnoException {
        final int b = IN_HEADER;
        H h = handles.get(in.getLong(b + RW_FH));
        int size = in.getInt(b + RW_SIZE);
        int start = b + neg.writeInSize();
        if (start + size > bodyEnd) throw new ErrnoException(Errno.EINVAL, "short WRITE request");
        int written = fs.write(c, node, h, in.getLong(b + RW_OFFSET), lendData(start, size), in.getInt(b + RW_FLAGS));
        if (c.deferred != null) return 0;
        out.putInt(OUT_HEADER, written);
        out.putInt(OUT_HEADER + 4, 0);
        return WRITE_OUT;
    }

    /** A view of {@code [start, start+size)} of the request for this call only; closed when the call returns. */
    private RequestData lendData(int start, int size) {
        data = new RequestData(in, start, size);
        return data;
    }

    private FileLock lock(int b) {
        return new FileLock(in.getLong(b + LK_START), in.getLong(b + LK_END), in.getInt(b + LK_TYPE),
                in.getInt(b + LK_PID));
    }

    private static SetAttr.TimeChange time(int valid, int setBit, int nowBit, long sec, int nsec) {
        if ((valid & nowBit) != 0) return SetAttr.TimeChange.NOW;
        if ((valid & setBit) != 0) return new SetAttr.TimeChange.At(sec * 1_000_000_000L + nsec);
        return SetAttr.TimeChange.OMIT;
    }

    private N nodeOrStale(long nodeid) throws ErrnoException {
        N n = inodes.node(nodeid);
        if (n == null) throw new ErrnoException(Errno.ESTALE, "unknown node " + nodeid);
        return n;
    }

    /** The NUL-terminated name at {@code off}; sets {@link #nameEnd} past its NUL. */
    private String name(int off) throws ErrnoException {
        long nul = in.indexOf((byte) 0, off, bodyEnd);
        if (nul < 0) throw new ErrnoException(Errno.EINVAL, "unterminated name in " + op);
        int len = (int) (nul - off);
        nameEnd = (int) nul + 1;
        if (len > NAME_MAX) throw new ErrnoException(Errno.ENAMETOOLONG);
        in.get(off, nameBytes, 0, len);
        // Names are bytes; FileNames escapes what is not UTF-8 so every name reaches the driver and comes back intact.
        return FileNames.decode(nameBytes, 0, len);
    }

    /**
     * A SYMLINK target: a path, not a name, so it may be up to PATH_MAX - 1 bytes; it runs to its NUL or to the
     * end of the message body.
     */
    private String symlinkTarget(int off) throws ErrnoException {
        if (off > bodyEnd) throw new ErrnoException(Errno.EINVAL, "SYMLINK without a target");
        long nul = in.indexOf((byte) 0, off, bodyEnd);
        int len = (int) ((nul < 0 ? bodyEnd : nul) - off);
        if (len == 0) throw new ErrnoException(Errno.ENOENT, "empty symlink target");
        if (len > PATH_MAX - 1) throw new ErrnoException(Errno.ENAMETOOLONG);
        in.get(off, nameBytes, 0, len);
        return FileNames.decode(nameBytes, 0, len);
    }

    private void replyError(int errno) {
        out.putInt(OUT_LEN, OUT_HEADER);
        out.putInt(OUT_ERROR, -errno);
        out.putLong(OUT_UNIQUE, unique);
        if (ring != null) {
            ring.commit(ringEntry, out, OUT_HEADER);
            return;
        }
        int r = FuseDevice.write(fd, out, OUT_HEADER);
        if (r < 0) writeFailed(-r, op == null ? "?" : op.name());
    }

    private void send(int length, int error) {
        out.putInt(OUT_LEN, length);
        out.putInt(OUT_ERROR, error);
        out.putLong(OUT_UNIQUE, unique);
        if (ring != null) {
            ring.commit(ringEntry, out, length);
            return;
        }
        int r = FuseDevice.write(fd, out, length);
        if (r < 0) {
            takeBack(length - OUT_HEADER);
            writeFailed(-r, op.name());
        }
    }

    /** The kernel did not take the reply: undo the lookups and handles it would have given. */
    private void takeBack(int payload) {
        if (op == FuseOpcode.READDIRPLUS && payload > 0) {
            DirFiller.forEachNode(out, payload, id -> inodes.forget(id, 1));
        }
        if (undo.nodeid != 0) {
            inodes.forget(undo.nodeid, 1);
            undo.nodeid = 0;
        }
        if (undo.fh != 0) {
            session.releaseUnsent(undo.fh, undo.dir);
            undo.fh = 0;
        }
    }

    private void writeFailed(int errno, String what) {
        if (errno == Errno.ENOENT.number()) {
            LOG.log(Level.DEBUG, () -> "FUSE reply to " + what + " " + unique + " dropped: request was interrupted");
        } else if (errno != Errno.ENODEV.number() && errno != Errno.ECONNABORTED.number()) {
            LOG.log(Level.ERROR, "FUSE reply to " + what + " (request " + unique + ") refused by the kernel: "
                    + Errno.orEio(errno).name());
        }
    }
}
