package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.IN_GID;
import static dev.j4l.kernel.abi.FuseAbi.IN_HEADER;
import static dev.j4l.kernel.abi.FuseAbi.IN_LEN;
import static dev.j4l.kernel.abi.FuseAbi.IN_NODEID;
import static dev.j4l.kernel.abi.FuseAbi.IN_OPCODE;
import static dev.j4l.kernel.abi.FuseAbi.IN_PID;
import static dev.j4l.kernel.abi.FuseAbi.IN_TOTAL_EXTLEN;
import static dev.j4l.kernel.abi.FuseAbi.IN_UID;
import static dev.j4l.kernel.abi.FuseAbi.IN_UNIQUE;
import static dev.j4l.kernel.abi.FuseAbi.OUT_HEADER;
import static dev.j4l.kernel.abi.FuseAbi.ROOT_ID;
import static dev.j4l.kernel.abi.FuseAbi.RW_IN;

import dev.j4l.fuse.FuseCapability;
import dev.j4l.fuse.inode.InodeTable;
import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.fuse.protocol.FuseRequest;
import dev.j4l.fuse.protocol.Negotiated;
import dev.j4l.fuse.protocol.RequestReader;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.NativeMemoryLimitException;
import java.lang.System.Logger.Level;

/**
 * The request pipeline, the same whichever transport brought the request: check the message against the
 * opcode table, decode it, let the session answer what is the connection's business (INIT, FORGET,
 * INTERRUPT, NOTIFY_REPLY), call the driver through the {@link Dispatcher}, and send the reply through the
 * {@link ReplyChannel} it was given — taking back the nodes and handles of a reply the kernel did not take.
 * Owns one request buffer and one reply buffer, allocated once; used by one thread at a time.
 */
final class RequestHandler<N, H> {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");

    private final FuseSession<N, H> session;
    private final InodeTable<N> inodes;
    private final NativeBuffer in;
    private final NativeBuffer out;
    private final RequestReader reader;
    private final Dispatcher<N, H> dispatcher;
    private final ReplyBuilder.Undo undo = new ReplyBuilder.Undo();
    /** The driver call in progress, for INTERRUPT (read from other threads). */
    volatile CallContext current;
    private FuseOpcode op;
    private long unique;

    RequestHandler(FuseSession<N, H> session, int inSize, int outSize) {
        this.session = session;
        this.inodes = session.inodes;
        // Placed so that a WRITE's data (after the in-header and write_in) and a reply's payload (after the
        // out-header) start on a page: a driver can hand them to a descriptor opened O_DIRECT as they are.
        int page = Negotiated.PAGE;
        this.in = NativeBuffer.allocate(inSize + page, page).slice(page - IN_HEADER - RW_IN, inSize);
        this.out = NativeBuffer.allocate(outSize + page, page).slice(page - OUT_HEADER, outSize);
        this.reader = new RequestReader(in);
        this.dispatcher = new Dispatcher<>(session, in, out);
    }

    /** Where a transport puts the request. */
    NativeBuffer requestBuffer() {
        return in;
    }

    /** The reply buffer (out-header, then payload); a ring entry registers its tail as the payload buffer. */
    NativeBuffer replyBuffer() {
        return out;
    }

    /**
     * Serves the {@code n}-byte request in the request buffer; the reply (if the opcode has one) goes to
     * {@code channel}. Returns the opcode served, or null for one FUSE 7.45 does not define.
     */
    FuseOpcode serve(int n, ReplyChannel channel) {
        op = null;
        unique = in.getLong(IN_UNIQUE);
        try {
            handle(n, channel);
        } catch (RuntimeException | Error e) {
            // A framework bug on one request must not stop the filesystem: answer it and go on.
            LOG.log(Level.ERROR, "FUSE internal error on " + op + " (request " + unique + ")", e);
            if (op != null && op.reply() != FuseOpcode.Reply.NONE) error(channel, Errno.EIO.number());
        }
        return op;
    }

    private void handle(int n, ReplyChannel channel) {
        int extlen = (in.getShort(IN_TOTAL_EXTLEN) & 0xffff) * 8;
        int bodyEnd = Math.min(in.getInt(IN_LEN), n) - extlen;
        op = FuseOpcode.of(in.getInt(IN_OPCODE));
        if (op == null) {
            error(channel, Errno.ENOSYS.number());
            return;
        }
        if (bodyEnd - IN_HEADER < op.minBody()) {
            LOG.log(Level.WARNING, "FUSE " + op + " request " + unique + " is " + (bodyEnd - IN_HEADER)
                    + " bytes, shorter than its " + op.minBody() + "-byte minimum; answering EINVAL");
            if (op.reply() != FuseOpcode.Reply.NONE) error(channel, Errno.EINVAL.number());
            return;
        }
        Negotiated negotiated = session.negotiated();
        reader.reset(bodyEnd, negotiated == null ? 0 : negotiated.minor(), negotiated == null ? 0 : negotiated.flags());
        FuseRequest request;
        try {
            request = op.decode(reader);
        } catch (ErrnoException e) {
            if (op.reply() != FuseOpcode.Reply.NONE) error(channel, e.errno().number());
            return;
        }
        // CUSE requests name no node (node id 0): the session serves them as the root.
        long nodeid = session.isCuse() && in.getLong(IN_NODEID) == 0 ? ROOT_ID : in.getLong(IN_NODEID);
        switch (request) {
            case FuseRequest.Init init -> {
                if (session.isCuse()) error(channel, Errno.EPROTO.number());
                else session.handshake.answer(init, unique, channel, out);
                return;
            }
            case FuseRequest.CuseInit init -> {
                if (session.isCuse()) session.handshake.answerCuse(init, unique, channel, out);
                else error(channel, Errno.ENOSYS.number());
                return;
            }
            case FuseRequest.Forget f -> {
                inodes.forget(nodeid, f.nlookup());
                return;
            }
            case FuseRequest.BatchForget b -> {
                for (int i = 0; i < b.count(); i++) {
                    inodes.forget(FuseRequest.BatchForget.nodeid(reader, i), FuseRequest.BatchForget.nlookup(reader, i));
                }
                return;
            }
            case FuseRequest.Interrupt i -> {
                // EAGAIN: not (yet) being served here; the kernel sends the INTERRUPT again later.
                if (!session.inFlight.interrupt(i.target())) error(channel, Errno.EAGAIN.number());
                return;
            }
            case FuseRequest.RetrieveReply r -> {
                session.notifier.retrieved(unique, in, r.dataAt(), r.size());
                return;
            }
            default -> { }
        }
        N node = inodes.node(nodeid);
        if (node == null && request instanceof FuseRequest.Lookup l && (l.name().equals(".") || l.name().equals(".."))
                && session.has(FuseCapability.EXPORT)) {
            // A file handle naming a node the kernel forgot (open_by_handle_at): the driver may still have it.
            node = inodes.remembered(nodeid);
        }
        if (node == null && op != FuseOpcode.DESTROY) {
            LOG.log(Level.WARNING, () -> "FUSE " + op + " for unknown node " + nodeid + " (request " + unique + ")");
            error(channel, Errno.ESTALE.number());
            return;
        }
        call(channel, request, node, nodeid);
    }

    /** Calls the driver and answers, now or (when the driver deferred) later. */
    private void call(ReplyChannel channel, FuseRequest request, N node, long nodeid) {
        CallContext c = new CallContext(this, channel, Thread.currentThread());
        current = c;
        c.begin(unique, op, nodeid, in.getInt(IN_UID), in.getInt(IN_GID), in.getInt(IN_PID));
        undo.clear();
        int payload;
        try {
            payload = dispatcher.dispatch(c, op, node, request, undo);
        } catch (ErrnoException e) {
            payload = -e.errno().number();
            if (e.errno() == Errno.ENOSYS) session.unimplemented(op);
        } catch (NativeMemoryLimitException e) {
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
            dispatcher.endCall();
        }
        DetachedReply<?> d = c.deferred;
        c.deferred = null; // the driver owns it now; if it drops it, the cleaner answers
        if (d != null) {
            // The driver answers later; an error it threw before answering is the answer.
            if (payload < 0) d.fail(Errno.orEio(-payload));
            return;
        }
        if (payload < 0) {
            takeBack(0);
            error(channel, -payload);
            return;
        }
        int refused = channel.reply(unique, 0, out, payload);
        if (refused != 0) {
            takeBack(payload);
            session.replyRefused(op, unique, refused);
        }
    }

    private void error(ReplyChannel channel, int errno) {
        int refused = channel.reply(unique, -errno, out, 0);
        if (refused != 0) session.replyRefused(op, unique, refused);
    }

    /** The kernel did not take the reply: undo the lookups and handles it would have given. */
    private void takeBack(int payload) {
        if (op == FuseOpcode.READDIRPLUS && payload > 0) {
            DirentWriter.forEachNode(out, payload, id -> inodes.forget(id, 1));
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

    /** A reply for the current request that the driver will give later, through {@code channel}. */
    DetachedReply<?> detach(CallContext c, ReplyChannel channel) {
        return session.inFlight.detach(session, channel.detached(), c);
    }
}
