package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.NAME_MAX;
import static dev.j4l.kernel.abi.FuseAbi.OUT_HEADER;
import static dev.j4l.kernel.abi.FuseAbi.RELEASE_FLOCK_UNLOCK;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.Created;
import dev.j4l.fuse.Entry;
import dev.j4l.fuse.FileLock;
import dev.j4l.fuse.IoctlResult;
import dev.j4l.fuse.Opened;
import dev.j4l.fuse.StatFs;
import dev.j4l.fuse.Statx;
import dev.j4l.fuse.FuseCapability;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.PollHandle;
import dev.j4l.fuse.inode.HandleTable;
import dev.j4l.fuse.inode.InodeTable;
import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.fuse.protocol.FuseRequest;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.NativeBuffer;
import java.util.List;

/**
 * Calls the driver with a decoded request and hands its typed answer to the {@link ReplyBuilder}; returns the
 * reply's payload length. It maps the kernel's node ids and file handles to the driver's objects, and lends
 * the driver the views a call needs (the READ sink, the readdir filler, WRITE's and IOCTL's data), each closed
 * when the call returns. One per request loop: the views are windows of that loop's buffers.
 */
final class Dispatcher<N, H> {
    private final FuseSession<N, H> session;
    private final FuseFilesystem<N, H> fs;
    private final InodeTable<N> inodes;
    private final HandleTable<H> handles;
    private final ReplyBuilder<N, H> reply;
    private final NativeBuffer in;
    private final NativeBuffer out;
    /** A readdir filler's room for one name's bytes. */
    private final byte[] direntName = new byte[NAME_MAX];
    /** The request data lent for the current call (WRITE, IOCTL), closed when it returns. */
    private RequestPayload payload;

    Dispatcher(FuseSession<N, H> session, NativeBuffer in, NativeBuffer out) {
        this.session = session;
        this.fs = session.fs;
        this.inodes = session.inodes;
        this.handles = session.handles;
        this.reply = session.replies;
        this.in = in;
        this.out = out;
    }

    /** Closes what the last call was lent; the handler calls it once the driver returned. */
    void endCall() {
        if (payload != null) {
            payload.close();
            payload = null;
        }
    }

    int dispatch(CallContext c, FuseOpcode op, N node, FuseRequest request, ReplyBuilder.Undo undo)
            throws ErrnoException {
        return switch (request) {
            case FuseRequest.Lookup q -> entry(c, op, fs.lookup(c, node, q.name()), undo);
            case FuseRequest.Getattr q -> attr(c, fs.getattr(c, node, handle(q.fh())), c.attrTimeout);
            case FuseRequest.Setattr q -> attr(c, fs.setattr(c, node, handle(q.fh()), q.changes()),
                    c.attrTimeout);
            case FuseRequest.Symlink q -> entry(c, op, fs.symlink(c, node, q.name(), q.target()), undo);
            case FuseRequest.Mknod q -> {
                c.umask = q.umask();
                yield entry(c, op, fs.mknod(c, node, q.name(), q.mode(), q.rdev()), undo);
            }
            case FuseRequest.Mkdir q -> {
                c.umask = q.umask();
                yield entry(c, op, fs.mkdir(c, node, q.name(), q.mode()), undo);
            }
            case FuseRequest.Named q -> {
                switch (op) {
                    case UNLINK -> fs.unlink(c, node, q.name());
                    case RMDIR -> fs.rmdir(c, node, q.name());
                    default -> fs.removexattr(c, node, q.name());
                }
                yield 0;
            }
            case FuseRequest.Rename q -> {
                fs.rename(c, node, q.name(), nodeOrStale(q.newDir()), q.newName(), q.flags());
                yield 0;
            }
            case FuseRequest.Link q -> entry(c, op, fs.link(c, nodeOrStale(q.oldNodeid()), node, q.newName()),
                    undo);
            case FuseRequest.Open q -> op == FuseOpcode.OPEN
                    ? open(c, fs.open(c, node, q.flags()), undo, false)
                    : open(c, fs.opendir(c, node, q.flags()), undo, true);
            case FuseRequest.Read q -> read(c, node, q);
            case FuseRequest.Write q -> {
                c.fileFlags = q.fileFlags();
                payload = new RequestPayload(in, q.dataAt(), q.size());
                int written = fs.write(c, node, handle(q.fh()), q.offset(), payload, q.writeFlags());
                yield written(c, written);
            }
            case FuseRequest.Release q -> {
                HandleTable.Open<H> o = handles.remove(q.fh());
                H h = o == null ? null : o.handle();
                try {
                    if (op == FuseOpcode.RELEASEDIR) {
                        fs.releasedir(c, node, h);
                    } else {
                        if ((q.releaseFlags() & RELEASE_FLOCK_UNLOCK) != 0 && session.has(FuseCapability.FLOCK_LOCKS)) {
                            fs.flock(c, node, h, q.lockOwner(), FileLock.F_UNLCK, false);
                        }
                        fs.release(c, node, h, q.flags());
                    }
                } finally {
                    if (o != null && o.backing() != null) o.backing().close();
                }
                yield 0;
            }
            case FuseRequest.Fsync q -> {
                if (op == FuseOpcode.FSYNCDIR) fs.fsyncdir(c, node, handle(q.fh()), q.datasync());
                else fs.fsync(c, node, handle(q.fh()), q.datasync());
                yield 0;
            }
            case FuseRequest.Flush q -> {
                fs.flush(c, node, handle(q.fh()), q.lockOwner());
                yield 0;
            }
            case FuseRequest.Setxattr q -> {
                fs.setxattr(c, node, q.name(), q.value(), q.flags());
                yield 0;
            }
            case FuseRequest.Getxattr q -> {
                c.size = q.size();
                yield xattr(c, fs.getxattr(c, node, q.name()), q.size());
            }
            case FuseRequest.Listxattr q -> {
                c.size = q.size();
                yield xattrNames(c, fs.listxattr(c, node), q.size());
            }
            case FuseRequest.Readdir q -> readdir(c, op, node, q);
            case FuseRequest.Lock q -> lock(c, op, node, q);
            case FuseRequest.Access q -> {
                fs.access(c, node, q.mask());
                yield 0;
            }
            case FuseRequest.Create q -> {
                c.umask = q.umask();
                yield created(c, op == FuseOpcode.CREATE ? fs.create(c, node, q.name(), q.mode(), q.flags())
                        : fs.tmpfile(c, node, q.mode(), q.flags()), undo);
            }
            case FuseRequest.Ioctl q -> {
                c.size = q.outSize();
                payload = new RequestPayload(in, q.dataAt(), q.inSize());
                if (session.cuseIoctls != null) yield cuseIoctl(c, q);
                yield ioctl(c, fs.ioctl(c, node, handle(q.fh()), q.cmd(), q.arg(), q.flags(), payload,
                        q.outSize()), q.outSize());
            }
            case FuseRequest.Poll q -> poll(c, fs.poll(c, node, handle(q.fh()), q.events(),
                    q.kh() != 0 ? new PollHandle(q.kh()) : null));
            case FuseRequest.Fallocate q -> {
                fs.fallocate(c, node, handle(q.fh()), q.mode(), q.offset(), q.length());
                yield 0;
            }
            case FuseRequest.Lseek q -> offset(c, fs.lseek(c, node, handle(q.fh()), q.offset(),
                    q.whence()));
            case FuseRequest.CopyFileRange q -> {
                long n = fs.copyFileRange(c, node, handle(q.fhIn()), q.offIn(), nodeOrStale(q.nodeidOut()),
                        handle(q.fhOut()), q.offOut(), q.length(), q.flags());
                yield op == FuseOpcode.COPY_FILE_RANGE ? written(c, n) : copied(c, n);
            }
            case FuseRequest.Bmap q -> block(c, fs.bmap(c, node, q.block(), q.blocksize()));
            case FuseRequest.Statx q -> statx(c, fs.statx(c, node, handle(q.fh()), q.flags(), q.mask()),
                    c.attrTimeout);
            case FuseRequest.Bodiless q -> switch (op) {
                case READLINK -> link(c, fs.readlink(c, node));
                case STATFS -> statfs(c, fs.statfs(c, node));
                case SYNCFS -> {
                    fs.syncfs(c, node);
                    yield 0;
                }
                case DESTROY -> {
                    session.destroyRequested();
                    yield 0;
                }
                default -> throw new ErrnoException(Errno.ENOSYS);
            };
            // Answered by the session before a driver call is made.
            case FuseRequest.Init q -> throw new IllegalStateException("INIT is not a driver call");
            case FuseRequest.CuseInit q -> throw new IllegalStateException("CUSE_INIT is not a driver call");
            case FuseRequest.Forget q -> throw new IllegalStateException("FORGET is not a driver call");
            case FuseRequest.BatchForget q -> throw new IllegalStateException("BATCH_FORGET is not a driver call");
            case FuseRequest.Interrupt q -> throw new IllegalStateException("INTERRUPT is not a driver call");
            case FuseRequest.RetrieveReply q -> throw new IllegalStateException("NOTIFY_REPLY is not a driver call");
        };
    }

    /** READ, kept small so the JIT can inline it whole: the data goes straight into the reply buffer. */
    private int read(CallContext c, N node, FuseRequest.Read q) throws ErrnoException {
        c.size = q.size();
        c.fileFlags = q.fileFlags();
        ReadReplySink sink = new ReadReplySink(out, OUT_HEADER, q.size());
        int length;
        try {
            fs.read(c, node, handle(q.fh()), q.offset(), q.size(), sink);
        } finally {
            length = sink.close();
        }
        return length;
    }

    /** A CUSE session's IOCTL, answered in place by its server. */
    private int cuseIoctl(CallContext c, FuseRequest.Ioctl q) throws ErrnoException {
        IoctlCall call = new IoctlCall(q, payload, out);
        int length;
        try {
            session.cuseIoctls.ioctl(c, handle(q.fh()), call);
        } finally {
            length = call.close();
        }
        if (c.deferred != null) return 0;
        if (length < 0) throw new IllegalStateException("IOCTL " + Integer.toHexString(q.cmd()) + " was not answered");
        return length;
    }

    private int readdir(CallContext c, FuseOpcode op, N node, FuseRequest.Readdir q) throws ErrnoException {
        boolean plus = op == FuseOpcode.READDIRPLUS;
        DirentWriter<N> filler = new DirentWriter<>(out, reply, direntName, plus, q.size());
        try {
            fs.readdir(c, node, handle(q.fh()), q.offset(), filler);
        } catch (ErrnoException | RuntimeException | Error e) {
            int len = filler.close();
            // The entries already written counted lookups the kernel will never see.
            if (plus) DirentWriter.forEachNode(out, len, id -> inodes.forget(id, 1));
            throw e;
        }
        return filler.close();
    }

    private int lock(CallContext c, FuseOpcode op, N node, FuseRequest.Lock q) throws ErrnoException {
        H h = handle(q.fh());
        if (op == FuseOpcode.GETLK) return lock(c, fs.getlk(c, node, h, q.owner(), q.lock()));
        boolean sleep = op == FuseOpcode.SETLKW;
        if (q.flock()) fs.flock(c, node, h, q.owner(), q.lock().type(), sleep);
        else fs.setlk(c, node, h, q.owner(), q.lock(), sleep);
        return 0;
    }

    // The driver's answer becomes the reply unless the call deferred it: then what the method returned is
    // ignored (the answer comes through the Deferred), and nothing is registered for it.

    private int entry(CallContext c, FuseOpcode op, Entry<N> e, ReplyBuilder.Undo undo) throws ErrnoException {
        return c.deferred != null ? 0 : reply.entry(op, out, e, undo);
    }

    private int attr(CallContext c, Attr a, long timeout) {
        return c.deferred != null ? 0 : reply.attr(out, a, timeout, c.nodeid);
    }

    private int open(CallContext c, Opened<H> o, ReplyBuilder.Undo undo, boolean dir) {
        return c.deferred != null ? 0 : reply.open(out, OUT_HEADER, o, undo, dir);
    }

    private int created(CallContext c, Created<N, H> created, ReplyBuilder.Undo undo) {
        return c.deferred != null ? 0 : reply.created(out, created, undo);
    }

    private int statx(CallContext c, Statx s, long timeout) {
        return c.deferred != null ? 0 : reply.statx(out, s, timeout, c.nodeid);
    }

    private int link(CallContext c, String target) throws ErrnoException {
        return c.deferred != null ? 0 : reply.link(out, target);
    }

    private int statfs(CallContext c, StatFs s) {
        return c.deferred != null ? 0 : reply.statfs(out, s);
    }

    private int xattr(CallContext c, byte[] value, int size) throws ErrnoException {
        return c.deferred != null ? 0 : ReplyBuilder.xattr(out, value, size);
    }

    private int xattrNames(CallContext c, List<String> names, int size) throws ErrnoException {
        return c.deferred != null ? 0 : ReplyBuilder.xattrNames(out, names, size);
    }

    private int ioctl(CallContext c, IoctlResult r, int size) throws ErrnoException {
        return c.deferred != null ? 0 : ReplyBuilder.ioctl(out, r, size);
    }

    private int poll(CallContext c, int revents) {
        return c.deferred != null ? 0 : ReplyBuilder.poll(out, revents);
    }

    private int offset(CallContext c, long offset) {
        return c.deferred != null ? 0 : ReplyBuilder.offset(out, offset);
    }

    private int block(CallContext c, long block) {
        return c.deferred != null ? 0 : ReplyBuilder.block(out, block);
    }

    private int lock(CallContext c, FileLock l) {
        return c.deferred != null ? 0 : ReplyBuilder.lock(out, l);
    }

    private int written(CallContext c, long n) {
        return c.deferred != null ? 0 : ReplyBuilder.written(out, n);
    }

    private int copied(CallContext c, long n) {
        return c.deferred != null ? 0 : ReplyBuilder.copied(out, n);
    }

    private H handle(long fh) {
        return fh == 0 ? null : handles.get(fh);
    }

    private N nodeOrStale(long nodeid) throws ErrnoException {
        N n = inodes.node(nodeid);
        if (n == null) throw new ErrnoException(Errno.ESTALE, "unknown node " + nodeid);
        return n;
    }
}
