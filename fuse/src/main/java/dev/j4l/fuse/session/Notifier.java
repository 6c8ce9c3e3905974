package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.*;

import dev.j4l.fuse.FuseNotifier;
import dev.j4l.fuse.PollHandle;
import dev.j4l.kernel.abi.FuseAbi.InitFlags;
import dev.j4l.fuse.protocol.Negotiated;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileNames;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.NativeBuffer;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes notifications ({@code unique} 0, {@code error} = notify code) on the session's descriptor, from the
 * caller's thread, holding no framework lock. RETRIEVE answers come back as NOTIFY_REPLY requests and
 * complete the matching future.
 */
final class Notifier<N> implements FuseNotifier<N> {
    private static final System.Logger LOG = System.getLogger("dev.j4l.fuse");

    private final FuseSession<N, ?> session;
    private final AtomicLong retrieveIds = new AtomicLong(1);
    private final ConcurrentHashMap<Long, CompletableFuture<byte[]>> retrieves = new ConcurrentHashMap<>();

    Notifier(FuseSession<N, ?> session) {
        this.session = session;
    }

    @Override
    public boolean invalidateInode(N node, long offset, long length) {
        long id = session.inodes.nodeidOf(node);
        if (id == 0) return false;
        NativeBuffer b = NativeBuffer.allocate(OUT_HEADER + 24);
        b.putLong(OUT_HEADER, id);
        b.putLong(OUT_HEADER + 8, offset);
        b.putLong(OUT_HEADER + 16, length);
        return send(NOTIFY_INVAL_INODE, b, OUT_HEADER + 24) == 0;
    }

    @Override
    public boolean invalidateEntry(N parent, String name) {
        return entry(parent, name, 0);
    }

    @Override
    public boolean expireEntry(N parent, String name) {
        Negotiated n = session.encoder.negotiated();
        boolean expireOnly = n != null && (n.offered() & InitFlags.HAS_EXPIRE_ONLY) != 0;
        return entry(parent, name, expireOnly ? EXPIRE_ONLY : 0);
    }

    private boolean entry(N parent, String name, int flags) {
        long id = session.inodes.nodeidOf(parent);
        if (id == 0) return false;
        byte[] nb = FileNames.encode(name);
        int len = OUT_HEADER + 16 + nb.length + 1;
        NativeBuffer b = NativeBuffer.allocate(len);
        b.putLong(OUT_HEADER, id);
        b.putInt(OUT_HEADER + 8, nb.length);
        b.putInt(OUT_HEADER + 12, flags);
        b.put(OUT_HEADER + 16, nb, 0, nb.length);
        return send(NOTIFY_INVAL_ENTRY, b, len) == 0;
    }

    @Override
    public boolean delete(N parent, N child, String name) {
        long p = session.inodes.nodeidOf(parent);
        long c = session.inodes.nodeidOf(child);
        if (p == 0) return false;
        if (c == 0) return invalidateEntry(parent, name);
        byte[] nb = FileNames.encode(name);
        int len = OUT_HEADER + 24 + nb.length + 1;
        NativeBuffer b = NativeBuffer.allocate(len);
        b.putLong(OUT_HEADER, p);
        b.putLong(OUT_HEADER + 8, c);
        b.putInt(OUT_HEADER + 16, nb.length);
        b.put(OUT_HEADER + 24, nb, 0, nb.length);
        return send(NOTIFY_DELETE, b, len) == 0;
    }

    @Override
    public boolean store(N node, long offset, byte[] data) {
        long id = session.inodes.nodeidOf(node);
        if (id == 0) return false;
        int len = OUT_HEADER + 24 + data.length;
        NativeBuffer b = NativeBuffer.allocate(len);
        b.putLong(OUT_HEADER, id);
        b.putLong(OUT_HEADER + 8, offset);
        b.putInt(OUT_HEADER + 16, data.length);
        b.put(OUT_HEADER + 24, data, 0, data.length);
        return send(NOTIFY_STORE, b, len) == 0;
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
        NativeBuffer b = NativeBuffer.allocate(OUT_HEADER + 32);
        b.putLong(OUT_HEADER, unique);
        b.putLong(OUT_HEADER + 8, id);
        b.putLong(OUT_HEADER + 16, offset);
        b.putInt(OUT_HEADER + 24, size);
        int err = send(NOTIFY_RETRIEVE, b, OUT_HEADER + 32);
        if (err != 0) {
            retrieves.remove(unique);
            f.completeExceptionally(new ErrnoException(Errno.orEio(err), "NOTIFY_RETRIEVE refused"));
        }
        return f;
    }

    /** The kernel's NOTIFY_REPLY to a RETRIEVE. */
    void retrieved(long unique, NativeBuffer in, int bodyEnd) {
        CompletableFuture<byte[]> f = retrieves.remove(unique);
        if (f == null) {
            LOG.log(Level.DEBUG, () -> "NOTIFY_REPLY for unknown retrieve " + unique);
            return;
        }
        int size = in.getInt(IN_HEADER + RETRIEVE_IN_SIZE);
        int start = IN_HEADER + RETRIEVE_IN;
        size = Math.max(0, Math.min(size, bodyEnd - start));
        byte[] data = new byte[size];
        in.get(start, data, 0, size);
        f.complete(data);
    }

    void failPending() {
        retrieves.values().forEach(f -> f.completeExceptionally(new ErrnoException(Errno.ENOTCONN, "session ended")));
        retrieves.clear();
    }

    @Override
    public boolean pollWakeup(PollHandle handle) {
        NativeBuffer b = NativeBuffer.allocate(OUT_HEADER + 8);
        b.putLong(OUT_HEADER, handle.kernelHandle());
        return send(NOTIFY_POLL, b, OUT_HEADER + 8) == 0;
    }

    /** Returns 0 or the positive errno of a failed write. */
    private int send(int code, NativeBuffer b, int len) {
        if (!session.isServing()) return Errno.ENOTCONN.number();
        b.putInt(OUT_LEN, len);
        b.putInt(OUT_ERROR, code);
        b.putLong(OUT_UNIQUE, 0);
        int r;
        try {
            r = FuseDevice.write(session.device(), b, len);
        } catch (IllegalStateException closed) {
            return Errno.ENOTCONN.number();
        }
        if (r >= 0) return 0;
        if (r != -Errno.ENOENT.number()) {
            LOG.log(Level.WARNING, "FUSE notification " + code + " refused: " + Errno.orEio(-r).name());
        }
        return -r;
    }
}
