package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.*;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.BackingId;
import dev.j4l.fuse.Created;
import dev.j4l.fuse.Entry;
import dev.j4l.fuse.FileLock;
import dev.j4l.fuse.IoctlResult;
import dev.j4l.fuse.Opened;
import dev.j4l.fuse.StatFs;
import dev.j4l.fuse.Statx;
import dev.j4l.fuse.inode.HandleTable;
import dev.j4l.fuse.inode.InodeTable;
import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.fuse.protocol.Negotiated;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileNames;
import dev.j4l.kernel.NativeBuffer;
import java.util.List;

/**
 * Turns the driver's typed answers into reply payloads (after the 16-byte out-header), registering nodes and
 * handles as it goes. What it registered is noted in an {@link Undo} so a reply the kernel refused can be
 * taken back.
 */
final class ReplyEncoder<N, H> {
    /** What an encoded reply gave the kernel, to take back if the write fails. */
    static final class Undo {
        long nodeid;
        long fh;
        boolean dir;

        void clear() {
            nodeid = 0;
            fh = 0;
        }
    }

    private static final byte[] EMPTY = new byte[0];

    private final InodeTable<N> inodes;
    private final HandleTable<H> handles;
    private final long entryTimeoutNanos;
    private final long attrTimeoutNanos;
    private volatile Negotiated negotiated;

    /** Whose backing ids this encoder may put into replies. */
    private final FuseSession<?, ?> session;

    ReplyEncoder(FuseSession<?, ?> session, InodeTable<N> inodes, HandleTable<H> handles, long entryTimeoutNanos,
            long attrTimeoutNanos) {
        this.session = session;
        this.inodes = inodes;
        this.handles = handles;
        this.entryTimeoutNanos = entryTimeoutNanos;
        this.attrTimeoutNanos = attrTimeoutNanos;
    }

    void negotiated(Negotiated n) {
        this.negotiated = n;
    }

    Negotiated negotiated() {
        return negotiated;
    }

    long attrTimeoutNanos() {
        return attrTimeoutNanos;
    }

    /** Reply payload size a value needs (for deferred replies, which get their own buffer). */
    int sizeHint(Object value) {
        return switch (value) {
            case byte[] b -> b.length + 64;
            case NativeBuffer b -> (int) Math.min(Integer.MAX_VALUE - 64, b.size()) + 64;
            case String s -> s.length() * 3 + 64;
            case List<?> l -> l.stream().mapToInt(x -> String.valueOf(x).length() * 3 + 1).sum() + 64;
            case IoctlResult r -> r.out().length + 64;
            case null, default -> STATX_OUT + 64;
        };
    }

    /**
     * Encodes the answer {@code value} to {@code op} at {@code b[16..]} and returns the payload length.
     *
     * @param size the size the kernel asked for (READ, GETXATTR, LISTXATTR, IOCTL out, LISTXATTR)
     */
    @SuppressWarnings("unchecked")
    int encode(FuseOpcode op, Object value, NativeBuffer b, int size, Undo undo) throws ErrnoException {
        return encode(op, value, b, size, undo, -1);
    }

    /** @param attrTimeout the driver's attribute timeout for this reply, or negative for the mount's */
    int encode(FuseOpcode op, Object value, NativeBuffer b, int size, Undo undo, long attrTimeout)
            throws ErrnoException {
        final int p = OUT_HEADER;
        switch (op) {
            case LOOKUP, MKNOD, MKDIR, SYMLINK, LINK -> {
                Entry<N> e = (Entry<N>) value;
                if (e == null) throw new IllegalStateException(op + " answered null");
                if (e.isNegative()) {
                    if (op != FuseOpcode.LOOKUP) throw new IllegalStateException(op + " answered a negative entry");
                    if (e.entryTimeoutNanos() <= 0) throw new ErrnoException(Errno.ENOENT);
                }
                return putEntry(b, p, e, undo);
            }
            case GETATTR, SETATTR -> {
                Attr a = (Attr) value;
                if (a == null) throw new IllegalStateException(op + " answered null");
                return putAttrOut(b, p, a, 0, attrTimeout);
            }
            case READLINK -> {
                if (value instanceof byte[] t) {
                    if (t.length > PATH_MAX - 1) throw new ErrnoException(Errno.ENAMETOOLONG, "symlink target");
                    b.put(p, t, 0, t.length);
                    return t.length;
                }
                String target = (String) value;
                if (target == null) throw new IllegalStateException(op + " answered null");
                int n = FileNames.encodedLength(target);
                // The kernel reads the target into one page and keeps it NUL-terminated.
                if (n > PATH_MAX - 1) throw new ErrnoException(Errno.ENAMETOOLONG, "symlink target");
                return FileNames.encode(target, b, p);
            }
            case OPEN, OPENDIR -> {
                return putOpen(b, p, (Opened<H>) value, undo, op == FuseOpcode.OPENDIR);
            }
            case CREATE, TMPFILE -> {
                Created<N, H> c = (Created<N, H>) value;
                if (c == null) throw new IllegalStateException(op + " answered null");
                int n = putEntry(b, p, c.entry(), undo);
                return n + putOpen(b, p + n, c.opened(), undo, false);
            }
            case READ -> {
                // Synchronous reads have already filled the sink; this is the deferred path.
                return putData(b, p, value, size);
            }
            case WRITE -> {
                int written = (Integer) value;
                b.putInt(p, written);
                b.putInt(p + 4, 0);
                return WRITE_OUT;
            }
            case STATFS -> {
                StatFs s = value == null ? StatFs.EMPTY : (StatFs) value;
                b.putLong(p, s.blocks());
                b.putLong(p + 8, s.bfree());
                b.putLong(p + 16, s.bavail());
                b.putLong(p + 24, s.files());
                b.putLong(p + 32, s.ffree());
                b.putInt(p + 40, s.bsize());
                b.putInt(p + 44, s.namelen());
                b.putInt(p + 48, s.frsize());
                b.fill(p + 52, STATFS_OUT - 52, (byte) 0);
                return negotiated.statfsOutSize();
            }
            case GETXATTR -> {
                byte[] v = value == null ? EMPTY : (byte[]) value;
                return putSized(b, p, v, v.length, size);
            }
            case LISTXATTR -> {
                List<String> names = value == null ? List.of() : (List<String>) value;
                int total = 0;
                for (String s : names) total += FileNames.encodedLength(s) + 1;
                if (size == 0) return putSized(b, p, null, total, 0);
                if (total > size) throw new ErrnoException(Errno.ERANGE);
                int off = p;
                for (String s : names) {
                    int n = FileNames.encode(s, b, off);
                    b.putByte(off + n, (byte) 0);
                    off += n + 1;
                }
                return total;
            }
            case GETLK -> {
                FileLock l = (FileLock) value;
                b.putLong(p, l.start());
                b.putLong(p + 8, l.end() == FileLock.TO_END ? -1L : l.end());
                b.putInt(p + 16, l.type());
                b.putInt(p + 20, l.pid());
                return LK_OUT;
            }
            case IOCTL -> {
                IoctlResult r = (IoctlResult) value;
                byte[] out = r.out() == null ? EMPTY : r.out();
                if (out.length > size) throw new ErrnoException(Errno.EINVAL, "ioctl answered more bytes than asked");
                b.putInt(p, r.result());
                b.putInt(p + 4, 0);
                b.putInt(p + 8, 0);
                b.putInt(p + 12, 0);
                b.put(p + IOCTL_OUT, out, 0, out.length);
                return IOCTL_OUT + out.length;
            }
            case POLL -> {
                b.putInt(p, (Integer) value);
                b.putInt(p + 4, 0);
                return POLL_OUT;
            }
            case LSEEK -> {
                b.putLong(p, (Long) value);
                return LSEEK_OUT;
            }
            case COPY_FILE_RANGE -> {
                long n = (Long) value;
                b.putInt(p, (int) Math.min(n, 0xffffffffL));
                b.putInt(p + 4, 0);
                return WRITE_OUT;
            }
            case COPY_FILE_RANGE_64 -> {
                b.putLong(p, (Long) value);
                return 8;
            }
            case STATX -> {
                return putStatx(b, p, (Statx) value, attrTimeout);
            }
            default -> {
                return 0;
            }
        }
    }

    private static int putSized(NativeBuffer b, int p, byte[] v, int length, int size) throws ErrnoException {
        if (size == 0) {
            b.putInt(p, length);
            b.putInt(p + 4, 0);
            return GETXATTR_OUT;
        }
        if (length > size) throw new ErrnoException(Errno.ERANGE);
        b.put(p, v, 0, length);
        return length;
    }

    private static int putData(NativeBuffer b, int p, Object value, int size) {
        switch (value) {
            case null -> {
                return 0;
            }
            case byte[] bytes -> {
                int n = Math.min(bytes.length, size);
                b.put(p, bytes, 0, n);
                return n;
            }
            case NativeBuffer nb -> {
                int n = (int) Math.min(nb.size(), size);
                b.copyFrom(p, nb, 0, n);
                return n;
            }
            default -> throw new IllegalStateException("a deferred READ answers byte[] or NativeBuffer, not "
                    + value.getClass().getName());
        }
    }

    /** fuse_entry_out at {@code off}; counts a lookup for a positive entry. */
    int putEntry(NativeBuffer b, int off, Entry<N> e, Undo undo) {
        long nodeid = 0;
        long generation = 0;
        if (!e.isNegative()) {
            nodeid = inodes.lookup(e.node());
            generation = inodes.generation(nodeid);
            if (undo != null) undo.nodeid = nodeid;
        }
        b.putLong(off + ENTRY_NODEID, nodeid);
        b.putLong(off + ENTRY_GENERATION, generation);
        long ev = e.entryTimeoutNanos() < 0 ? entryTimeoutNanos : e.entryTimeoutNanos();
        long av = e.attrTimeoutNanos() < 0 ? attrTimeoutNanos : e.attrTimeoutNanos();
        b.putLong(off + ENTRY_VALID, ev / 1_000_000_000L);
        b.putLong(off + ENTRY_ATTR_VALID, av / 1_000_000_000L);
        b.putInt(off + ENTRY_VALID_NSEC, (int) (ev % 1_000_000_000L));
        b.putInt(off + ENTRY_ATTR_VALID_NSEC, (int) (av % 1_000_000_000L));
        if (e.attr() != null) {
            putAttr(b, off + ENTRY_ATTR, e.attr(), nodeid);
        } else {
            b.fill(off + ENTRY_ATTR, ATTR_SIZE, (byte) 0);
        }
        return negotiated.entryOutSize();
    }

    int putAttrOut(NativeBuffer b, int off, Attr a, long nodeid, long timeout) {
        long t = timeout < 0 ? attrTimeoutNanos : timeout;
        b.putLong(off + ATTR_OUT_VALID, t / 1_000_000_000L);
        b.putInt(off + ATTR_OUT_VALID_NSEC, (int) (t % 1_000_000_000L));
        b.putInt(off + 12, 0);
        putAttr(b, off + ATTR_OUT_ATTR, a, nodeid);
        return negotiated.attrOutSize();
    }

    static void putAttr(NativeBuffer b, int off, Attr a, long nodeid) {
        b.putLong(off + ATTR_INO, a.ino() != 0 ? a.ino() : nodeid);
        b.putLong(off + ATTR_SIZE_F, a.size());
        b.putLong(off + ATTR_BLOCKS, a.blocks());
        b.putLong(off + ATTR_ATIME, Math.floorDiv(a.atime(), 1_000_000_000L));
        b.putLong(off + ATTR_MTIME, Math.floorDiv(a.mtime(), 1_000_000_000L));
        b.putLong(off + ATTR_CTIME, Math.floorDiv(a.ctime(), 1_000_000_000L));
        b.putInt(off + ATTR_ATIMENSEC, (int) Math.floorMod(a.atime(), 1_000_000_000L));
        b.putInt(off + ATTR_MTIMENSEC, (int) Math.floorMod(a.mtime(), 1_000_000_000L));
        b.putInt(off + ATTR_CTIMENSEC, (int) Math.floorMod(a.ctime(), 1_000_000_000L));
        b.putInt(off + ATTR_MODE, a.mode());
        b.putInt(off + ATTR_NLINK, a.nlink());
        b.putInt(off + ATTR_UID, a.uid());
        b.putInt(off + ATTR_GID, a.gid());
        b.putInt(off + ATTR_RDEV, a.rdev());
        b.putInt(off + ATTR_BLKSIZE, a.blksize());
        b.putInt(off + ATTR_FLAGS, 0);
    }

    private int putOpen(NativeBuffer b, int off, Opened<H> o, Undo undo, boolean dir) {
        if (o == null) o = Opened.none();
        BackingId backing = o.backing();
        boolean passthrough = backing != null && negotiated.has(dev.j4l.kernel.abi.FuseAbi.InitFlags.PASSTHROUGH);
        int backingId = 0;
        if (passthrough) {
            // A backing id names a file in one connection's table: one of another mount, or closed, would make
            // the kernel open whatever that number names here.
            backingId = ((RegisteredBacking) backing).idFor(session);
            if (backingId < 0) {
                backing.close(); // handed over with the answer, so ours to close
                // A driver bug, answered EIO and logged like any exception the driver throws.
                throw new IllegalArgumentException("open answered with a backing id of another mount, or a closed one");
            }
        }
        long fh = 0;
        if (o.handle() != null || backing != null) {
            fh = handles.add(o.handle(), backing);
            if (undo != null) {
                undo.fh = fh;
                undo.dir = dir;
            }
        }
        int flags = o.flags() & ~Opened.PASSTHROUGH;
        if (passthrough) flags |= Opened.PASSTHROUGH;
        b.putLong(off + OPEN_FH, fh);
        b.putInt(off + OPEN_FLAGS, flags);
        b.putInt(off + OPEN_BACKING_ID, backingId);
        return OPEN_OUT;
    }

    private int putStatx(NativeBuffer b, int p, Statx s, long timeout) {
        long t = timeout < 0 ? attrTimeoutNanos : timeout;
        Attr a = s.attr();
        b.fill(p, STATX_OUT, (byte) 0);
        b.putLong(p, t / 1_000_000_000L);
        b.putInt(p + 8, (int) (t % 1_000_000_000L));
        int x = p + STATX_STAT;
        b.putInt(x, s.mask());
        b.putInt(x + 4, a.blksize());
        b.putLong(x + 8, s.attributes());
        b.putInt(x + 16, a.nlink());
        b.putInt(x + 20, a.uid());
        b.putInt(x + 24, a.gid());
        b.putShort(x + 28, (short) a.mode());
        b.putLong(x + 32, a.ino());
        b.putLong(x + 40, a.size());
        b.putLong(x + 48, a.blocks());
        b.putLong(x + 56, s.attributesMask());
        putTime(b, x + 64, a.atime());
        putTime(b, x + 80, s.btime());
        putTime(b, x + 96, a.ctime());
        putTime(b, x + 112, a.mtime());
        b.putInt(x + 128, (a.rdev() >>> 8) & 0xfff);
        b.putInt(x + 132, (a.rdev() & 0xff) | ((a.rdev() >>> 12) & 0xfff00));
        return STATX_OUT;
    }

    private static void putTime(NativeBuffer b, int off, long nanos) {
        b.putLong(off, Math.floorDiv(nanos, 1_000_000_000L));
        b.putInt(off + 8, (int) Math.floorMod(nanos, 1_000_000_000L));
    }
}
