package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.*;

import dev.j4l.fuse.FuseNotifier;
import dev.j4l.fuse.PollHandle;
import dev.j4l.fuse.protocol.Negotiated;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileNames;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.abi.FuseAbi.InitFlags;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends notifications through the session's {@code /dev/fuse} channel (notifications never travel on
 * io_uring), from the caller's thread, holding no framework lock. RETRIEVE answers come back as NOTIFY_REPLY
 * requests and complete the matching future.
 */
final class DevFuseNotifier<N> implements FuseNotifier<N> {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");

    private final FuseSession<N, ?> session;
    private final DevFuseChannel channel;
    private final AtomicLong retrieveIds = new AtomicLong(1);
    private final ConcurrentHashMap<Long, CompletableFuture<byte[]>> retrieves = new ConcurrentHashMap<>();

    DevFuseNotifier(FuseSession<N, ?> session, DevFuseChannel channel) {
        this.session = session;
        this.channel = channel;
    }

    @Override
    public boolean invalidateInode(N node, long offset, long length) {
        long id = session.inodes.nodeidOf(node);
        if (id == 0) return false;
        NativeBuffer b = NativeBuffer.allocate(OUT_HEADER + NOTIFY_INVAL_INODE_OUT);
        b.putLong(OUT_HEADER + NOTIFY_INVAL_INODE_INO, id);
        b.putLong(OUT_HEADER + NOTIFY_INVAL_INODE_OFF, offset);
        b.putLong(OUT_HEADER + NOTIFY_INVAL_INODE_LEN, length);
        return send(NOTIFY_INVAL_INODE, b) == 0;
    }

    @Override
    public boolean invalidateEntry(N parent, String name) {
        return entry(parent, name, 0);
    }

    @Override
    public boolean expireEntry(N parent, String name) {
        Negotiated n = session.negotiated();
        boolean expireOnly = n != null && (n.offered() & InitFlags.HAS_EXPIRE_ONLY) != 0;
        return entry(parent, name, expireOnly ? EXPIRE_ONLY : 0);
    }

    private boolean entry(N parent, String name, int flags) {
        long id = session.inodes.nodeidOf(parent);
        if (id == 0) return false;
        byte[] nb = FileNames.encode(name);
        NativeBuffer b = message(NOTIFY_INVAL_ENTRY_OUT, nb, 1);
        b.putLong(OUT_HEADER + NOTIFY_INVAL_ENTRY_PARENT, id);
        b.putInt(OUT_HEADER + NOTIFY_INVAL_ENTRY_NAMELEN, nb.length);
        b.putInt(OUT_HEADER + NOTIFY_INVAL_ENTRY_FLAGS, flags);
        return send(NOTIFY_INVAL_ENTRY, b) == 0;
    }

    @Override
    public boolean delete(N parent, N child, String name) {
        long p = session.inodes.nodeidOf(parent);
        long c = session.inodes.nodeidOf(child);
        if (p == 0) return false;
        if (c == 0) return invalidateEntry(parent, name);
        byte[] nb = FileNames.encode(name);
        NativeBuffer b = message(NOTIFY_DELETE_OUT, nb, 1);
        b.putLong(OUT_HEADER + NOTIFY_DELETE_PARENT, p);
        b.putLong(OUT_HEADER + NOTIFY_DELETE_CHILD, c);
        b.putInt(OUT_HEADER + NOTIFY_DELETE_NAMELEN, nb.length);
        return send(NOTIFY_DELETE, b) == 0;
    }

    @Override
    public boolean store(N node, long offset, byte[] data) {
        long id = session.inodes.nodeidOf(node);
        if (id == 0) return false;
        NativeBuffer b = message(NOTIFY_STORE_OUT, data, 0);
        b.putLong(OUT_HEADER + NOTIFY_STORE_NODEID, id);
        b.putLong(OUT_HEADER + NOTIFY_STORE_OFFSET, offset);
        b.putInt(OUT_HEADER + NOTIFY_STORE_SIZE, data.length);
        return send(NOTIFY_STORE, b) == 0;
    }

    @Override
    public CompletableFuture<byte[]> retrieve(N node, long offset, int size) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        long id = session.inodes.nodeidOf(node);
        if (id == 0) {
            f.completeExceptionally(new ErrnoException(Errno.ENOENT, "the kernel does not hold this node"));
            return f;
        }
        long unique = retrieveIds.getAndIncrement();
        retrieves.put(unique, f);
        NativeBuffer b = NativeBuffer.allocate(OUT_HEADER + NOTIFY_RETRIEVE_OUT);
        b.putLong(OUT_HEADER + NOTIFY_RETRIEVE_UNIQUE, unique);
        b.putLong(OUT_HEADER + NOTIFY_RETRIEVE_NODEID, id);
        b.putLong(OUT_HEADER + NOTIFY_RETRIEVE_OFFSET, offset);
        b.putInt(OUT_HEADER + NOTIFY_RETRIEVE_SIZE, size);
        int err = send(NOTIFY_RETRIEVE, b);
        if (err != 0) {
            retrieves.remove(unique);
            f.completeExceptionally(new ErrnoException(Errno.orEio(err), "NOTIFY_RETRIEVE refused"));
        }
        return f;
    }

    /** The kernel's NOTIFY_REPLY to a RETRIEVE: {@code size} bytes at {@code dataAt} of {@code in}. */
    void retrieved(long unique, NativeBuffer in, int dataAt, int size) {
        CompletableFuture<byte[]> f = retrieves.remove(unique);
        if (f == null) {
            LOG.log(Level.DEBUG, () -> "NOTIFY_REPLY for unknown retrieve " + unique);
            return;
        }
        byte[] data = new byte[size];
        in.get(dataAt, data, 0, size);
        f.complete(data);
    }

    void failPending() {
        retrieves.values().forEach(f -> f.completeExceptionally(new ErrnoException(Errno.ENOTCONN, "session ended")));
        retrieves.clear();
    }

    @Override
    public boolean pollWakeup(PollHandle handle) {
        NativeBuffer b = NativeBuffer.allocate(OUT_HEADER + NOTIFY_POLL_OUT);
        b.putLong(OUT_HEADER + NOTIFY_POLL_KH, handle.kernelHandle());
        return send(NOTIFY_POLL, b) == 0;
    }

    @Override
    public boolean resendPending() {
        return send(NOTIFY_RESEND, NativeBuffer.allocate(OUT_HEADER)) == 0;
    }

    @Override
    public boolean newEpoch() {
        return send(NOTIFY_INC_EPOCH, NativeBuffer.allocate(OUT_HEADER)) == 0;
    }

    @Override
    public boolean prune(Collection<N> nodes) {
        long[] ids = new long[nodes.size()];
        int count = 0;
        for (N n : nodes) {
            long id = session.inodes.nodeidOf(n);
            if (id != 0 && count < ids.length) ids[count++] = id;
        }
        if (count == 0) return true;
        int body = NOTIFY_PRUNE_OUT + count * 8;
        NativeBuffer b = NativeBuffer.allocate(OUT_HEADER + body);
        b.putInt(OUT_HEADER + NOTIFY_PRUNE_COUNT, count);
        for (int i = 0; i < count; i++) b.putLong(OUT_HEADER + NOTIFY_PRUNE_OUT + i * 8, ids[i]);
        return send(NOTIFY_PRUNE, b) == 0;
    }

    /** A message of a {@code fixed}-byte struct followed by {@code tail} and {@code pad} zero bytes (a name's NUL). */
    private static NativeBuffer message(int fixed, byte[] tail, int pad) {
        NativeBuffer b = NativeBuffer.allocate(OUT_HEADER + fixed + tail.length + pad);
        b.put(OUT_HEADER + fixed, tail, 0, tail.length);
        return b;
    }

    /** Sends the whole of {@code b} (its body is everything after the out-header); 0 or the positive errno. */
    private int send(int code, NativeBuffer b) {
        if (!session.isServing()) return Errno.ENOTCONN.number();
        int err = channel.notify(code, b, (int) b.size() - OUT_HEADER);
        if (err != 0 && err != Errno.ENOENT.number() && err != Errno.ENODEV.number()) {
            LOG.log(Level.WARNING, "FUSE notification " + code + " refused: " + Errno.orEio(err).name());
        }
        return err;
    }
}
