package dev.j4l.fuse.session;

import static dev.j4l.kernel.Fs.PATH_MAX;
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
import dev.j4l.kernel.abi.FuseAbi.InitFlags;
import java.util.List;

/**
 * Writes the driver's typed answers as reply payloads (after the out-header), one method per reply shape,
 * registering nodes and handles as it goes. What it registered is noted in an {@link Undo}, so a reply the
 * kernel refused can be taken back. Each method returns the payload length.
 */
final class ReplyBuilder<N, H> {
    /** What an encoded reply gave the kernel, to take back if the reply is not delivered. */
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

    private final FuseSession<N, H> session;
    private final InodeTable<N> inodes;
    private final HandleTable<H> handles;
    private final long entryTimeoutNanos;
    private final long attrTimeoutNanos;

    ReplyBuilder(FuseSession<N, H> session) {
        this.session = session;
        this.inodes = session.inodes;
        this.handles = session.handles;
        this.entryTimeoutNanos = session.options.entryTimeout().toNanos();
        this.attrTimeoutNanos = session.options.attrTimeout().toNanos();
    }

    private Negotiated negotiated() {
        return session.negotiated();
    }

    /**
     * Encodes an answer given later through {@link dev.j4l.fuse.Deferred#complete}: the one place where an
     * untyped answer meets the reply shape of its opcode (a wrong type is a driver bug, answered EIO).
     */
    @SuppressWarnings("unchecked")
    int answer(FuseOpcode op, long nodeid, Object value, NativeBuffer b, int size, Undo undo) throws ErrnoException {
        return switch (op.reply()) {
            case NONE, EMPTY, INIT, CUSE_INIT -> 0;
            case ENTRY -> entry(op, b, (Entry<N>) value, undo);
            case ATTR -> attr(b, (Attr) value, -1, nodeid);
            case OPEN -> open(b, OUT_HEADER, (Opened<H>) value, undo, op == FuseOpcode.OPENDIR);
            case CREATED -> created(b, (Created<N, H>) value, undo);
            case DATA -> op == FuseOpcode.READLINK ? link(b, value) : data(b, value, size);
            case DIRENTS -> throw new IllegalStateException(op + " cannot be answered later");
            case WRITTEN -> written(b, value instanceof Integer i ? i : (Long) value);
            case COPIED -> copied(b, (Long) value);
            case STATFS -> statfs(b, (StatFs) value);
            case XATTR -> xattr(b, (byte[]) value, size);
            case XATTR_NAMES -> xattrNames(b, (List<String>) value, size);
            case LOCK -> lock(b, (FileLock) value);
            case IOCTL -> ioctl(b, (IoctlResult) value, size);
            case POLL -> poll(b, (Integer) value);
            case OFFSET -> offset(b, (Long) value);
            case BLOCK -> block(b, (Long) value);
            case STATX -> statx(b, (Statx) value, -1, nodeid);
        };
    }

    /** Payload room a later answer needs (it gets a buffer of its own). */
    static int sizeHint(Object value) {
        return switch (value) {
            case byte[] b -> b.length + 64;
            case NativeBuffer b -> (int) Math.min(Integer.MAX_VALUE - 64, b.size()) + 64;
            case String s -> s.length() * 3 + 64;
            case List<?> l -> l.stream().mapToInt(x -> String.valueOf(x).length() * 3 + 1).sum() + 64;
            case IoctlResult r -> (r.out() == null ? 0 : r.out().length) + IOCTL_OUT + 64;
            case null, default -> STATX_OUT + 64;
        };
    }

    int entry(FuseOpcode op, NativeBuffer b, Entry<N> e, Undo undo) throws ErrnoException {
        if (e == null) throw new IllegalStateException(op + " answered null");
        if (e.isNegative()) {
            if (op != FuseOpcode.LOOKUP) throw new IllegalStateException(op + " answered a negative entry");
            // A negative entry without a timeout caches nothing: that is plain ENOENT.
            if (e.entryTimeoutNanos() <= 0) throw new ErrnoException(Errno.ENOENT);
        }
        return putEntry(b, OUT_HEADER, e, undo);
    }

    /** fuse_attr_out for node {@code nodeid}, whose number stands in for an inode number of 0. */
    int attr(NativeBuffer b, Attr a, long timeout, long nodeid) {
        if (a == null) throw new IllegalStateException("getattr/setattr answered null");
        long t = timeout < 0 ? attrTimeoutNanos : timeout;
        putTime(b, OUT_HEADER + ATTR_OUT_VALID, OUT_HEADER + ATTR_OUT_VALID_NSEC, t);
        b.putInt(OUT_HEADER + ATTR_OUT_DUMMY, 0);
        putAttr(b, OUT_HEADER + ATTR_OUT_ATTR, a, nodeid);
        return negotiated().attrOutSize();
    }

    int created(NativeBuffer b, Created<N, H> c, Undo undo) {
        if (c == null) throw new IllegalStateException("create answered null");
        int n = putEntry(b, OUT_HEADER, c.entry(), undo);
        return n + open(b, OUT_HEADER + n, c.opened(), undo, false);
    }

    /** READLINK: a String (escapes turned back into bytes, see FileNames) or the target's bytes. */
    int link(NativeBuffer b, Object value) throws ErrnoException {
        if (value instanceof byte[] t) {
            if (t.length > PATH_MAX - 1) throw new ErrnoException(Errno.ENAMETOOLONG, "symlink target");
            b.put(OUT_HEADER, t, 0, t.length);
            return t.length;
        }
        String target = (String) value;
        if (target == null) throw new IllegalStateException("readlink answered null");
        // The kernel reads the target into one page and keeps it NUL-terminated.
        if (FileNames.encodedLength(target) > PATH_MAX - 1) {
            throw new ErrnoException(Errno.ENAMETOOLONG, "symlink target");
        }
        return FileNames.encode(target, b, OUT_HEADER);
    }

    /** A later READ answer: at most {@code size} bytes of a byte[] or NativeBuffer. */
    static int data(NativeBuffer b, Object value, int size) {
        switch (value) {
            case null -> {
                return 0;
            }
            case byte[] bytes -> {
                int n = Math.min(bytes.length, size);
                b.put(OUT_HEADER, bytes, 0, n);
                return n;
            }
            case NativeBuffer nb -> {
                int n = (int) Math.min(nb.size(), size);
                b.copyFrom(OUT_HEADER, nb, 0, n);
                return n;
            }
            default -> throw new IllegalStateException("a deferred READ answers byte[] or NativeBuffer, not "
                    + value.getClass().getName());
        }
    }

    static int written(NativeBuffer b, long n) {
        b.putInt(OUT_HEADER + WRITE_OUT_SIZE, (int) Math.min(n, 0xffffffffL));
        b.putInt(OUT_HEADER + 4, 0);
        return WRITE_OUT;
    }

    static int copied(NativeBuffer b, long n) {
        b.putLong(OUT_HEADER + CFR_OUT_BYTES_COPIED, n);
        return COPY_FILE_RANGE_OUT;
    }

    int statfs(NativeBuffer b, StatFs value) {
        StatFs s = value == null ? StatFs.EMPTY : value;
        int p = OUT_HEADER;
        b.fill(p, STATFS_OUT, (byte) 0);
        b.putLong(p + STATFS_BLOCKS, s.blocks());
        b.putLong(p + STATFS_BFREE, s.bfree());
        b.putLong(p + STATFS_BAVAIL, s.bavail());
        b.putLong(p + STATFS_FILES, s.files());
        b.putLong(p + STATFS_FFREE, s.ffree());
        b.putInt(p + STATFS_BSIZE, s.bsize());
        b.putInt(p + STATFS_NAMELEN, s.namelen());
        b.putInt(p + STATFS_FRSIZE, s.frsize());
        return negotiated().statfsOutSize();
    }

    static int xattr(NativeBuffer b, byte[] value, int size) throws ErrnoException {
        byte[] v = value == null ? EMPTY : value;
        return sized(b, v, v.length, size);
    }

    static int xattrNames(NativeBuffer b, List<String> value, int size) throws ErrnoException {
        List<String> names = value == null ? List.of() : value;
        int total = 0;
        for (String s : names) total += FileNames.encodedLength(s) + 1;
        if (size == 0) return sized(b, null, total, 0);
        if (total > size) throw new ErrnoException(Errno.ERANGE);
        int off = OUT_HEADER;
        for (String s : names) {
            int n = FileNames.encode(s, b, off);
            b.putByte(off + n, (byte) 0);
            off += n + 1;
        }
        return total;
    }

    /** Size 0 asks for the length only (fuse_getxattr_out); otherwise the bytes, if they fit. */
    private static int sized(NativeBuffer b, byte[] v, int length, int size) throws ErrnoException {
        if (size == 0) {
            b.putInt(OUT_HEADER + GETXATTR_OUT_SIZE, length);
            b.putInt(OUT_HEADER + 4, 0);
            return GETXATTR_OUT;
        }
        if (length > size) throw new ErrnoException(Errno.ERANGE);
        b.put(OUT_HEADER, v, 0, length);
        return length;
    }

    static int lock(NativeBuffer b, FileLock l) {
        if (l == null) throw new IllegalStateException("getlk answered null");
        b.putLong(OUT_HEADER + FILE_LOCK_START, l.start());
        b.putLong(OUT_HEADER + FILE_LOCK_END, l.end() == FileLock.TO_END ? -1L : l.end());
        b.putInt(OUT_HEADER + FILE_LOCK_TYPE, l.type());
        b.putInt(OUT_HEADER + FILE_LOCK_PID, l.pid());
        return LK_OUT;
    }

    static int ioctl(NativeBuffer b, IoctlResult r, int size) throws ErrnoException {
        if (r == null) throw new IllegalStateException("ioctl answered null");
        byte[] out = r.out() == null ? EMPTY : r.out();
        if (out.length > size) throw new ErrnoException(Errno.EINVAL, "ioctl answered more bytes than asked");
        b.fill(OUT_HEADER, IOCTL_OUT, (byte) 0);
        b.putInt(OUT_HEADER + IOCTL_OUT_RESULT, r.result());
        b.put(OUT_HEADER + IOCTL_OUT, out, 0, out.length);
        return IOCTL_OUT + out.length;
    }

    /** An ioctl answered in place: its result, the {@code length} output bytes already after fuse_ioctl_out. */
    static int ioctlAnswered(NativeBuffer b, int result, int length) {
        b.fill(OUT_HEADER, IOCTL_OUT, (byte) 0);
        b.putInt(OUT_HEADER + IOCTL_OUT_RESULT, result);
        return IOCTL_OUT + length;
    }

    /**
     * An unrestricted ioctl sent back for its data: the kernel copies {@code in} bytes from the caller's argument
     * {@code arg} into the retried request, and takes up to {@code out} bytes of its answer back to {@code arg}.
     */
    static int ioctlRetry(NativeBuffer b, long arg, int in, int out) {
        b.fill(OUT_HEADER, IOCTL_OUT, (byte) 0);
        b.putInt(OUT_HEADER + IOCTL_OUT_FLAGS, IOCTL_RETRY);
        int p = OUT_HEADER + IOCTL_OUT;
        if (in > 0) {
            b.putLong(p + IOCTL_IOVEC_BASE, arg);
            b.putLong(p + IOCTL_IOVEC_LEN, in);
            p += IOCTL_IOVEC;
        }
        if (out > 0) {
            b.putLong(p + IOCTL_IOVEC_BASE, arg);
            b.putLong(p + IOCTL_IOVEC_LEN, out);
            p += IOCTL_IOVEC;
        }
        b.putInt(OUT_HEADER + IOCTL_OUT_IN_IOVS, in > 0 ? 1 : 0);
        b.putInt(OUT_HEADER + IOCTL_OUT_OUT_IOVS, out > 0 ? 1 : 0);
        return p - OUT_HEADER;
    }

    static int poll(NativeBuffer b, int revents) {
        b.putInt(OUT_HEADER + POLL_OUT_REVENTS, revents);
        b.putInt(OUT_HEADER + 4, 0);
        return POLL_OUT;
    }

    static int offset(NativeBuffer b, long offset) {
        b.putLong(OUT_HEADER + LSEEK_OUT_OFFSET, offset);
        return LSEEK_OUT;
    }

    static int block(NativeBuffer b, long block) {
        b.putLong(OUT_HEADER + BMAP_OUT_BLOCK, block);
        return BMAP_OUT;
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
        putTime(b, off + ENTRY_VALID, off + ENTRY_VALID_NSEC, ev);
        putTime(b, off + ENTRY_ATTR_VALID, off + ENTRY_ATTR_VALID_NSEC, av);
        if (e.attr() != null) {
            putAttr(b, off + ENTRY_ATTR, e.attr(), nodeid);
        } else {
            b.fill(off + ENTRY_ATTR, ATTR_SIZE, (byte) 0);
        }
        return negotiated().entryOutSize();
    }

    /** fuse_attr at {@code off}; an attribute without an inode number gets the node id. */
    static void putAttr(NativeBuffer b, int off, Attr a, long nodeid) {
        b.putLong(off + ATTR_INO, a.ino() != 0 ? a.ino() : nodeid);
        b.putLong(off + ATTR_SIZE_F, a.size());
        b.putLong(off + ATTR_BLOCKS, a.blocks());
        putTime(b, off + ATTR_ATIME, off + ATTR_ATIMENSEC, a.atime());
        putTime(b, off + ATTR_MTIME, off + ATTR_MTIMENSEC, a.mtime());
        putTime(b, off + ATTR_CTIME, off + ATTR_CTIMENSEC, a.ctime());
        b.putInt(off + ATTR_MODE, a.mode());
        b.putInt(off + ATTR_NLINK, a.nlink());
        b.putInt(off + ATTR_UID, a.uid());
        b.putInt(off + ATTR_GID, a.gid());
        b.putInt(off + ATTR_RDEV, a.rdev());
        b.putInt(off + ATTR_BLKSIZE, a.blksize());
        b.putInt(off + ATTR_FLAGS, 0);
    }

    /** fuse_open_out at {@code off}: registers the handle (and the backing file, with passthrough). */
    int open(NativeBuffer b, int off, Opened<H> answer, Undo undo, boolean dir) {
        Opened<H> o = answer == null ? Opened.none() : answer;
        BackingId backing = o.backing();
        boolean passthrough = backing != null && negotiated().has(InitFlags.PASSTHROUGH);
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

    /** fuse_statx_out for node {@code nodeid}, whose number stands in for an inode number of 0. */
    int statx(NativeBuffer b, Statx s, long timeout, long nodeid) {
        if (s == null) throw new IllegalStateException("statx answered null");
        long t = timeout < 0 ? attrTimeoutNanos : timeout;
        Attr a = s.attr();
        int p = OUT_HEADER;
        b.fill(p, STATX_OUT, (byte) 0);
        putTime(b, p + STATX_OUT_ATTR_VALID, p + STATX_OUT_ATTR_VALID_NSEC, t);
        int x = p + STATX_STAT;
        b.putInt(x + SX_MASK, s.mask());
        b.putInt(x + SX_BLKSIZE, a.blksize());
        b.putLong(x + SX_ATTRIBUTES, s.attributes());
        b.putInt(x + SX_NLINK, a.nlink());
        b.putInt(x + SX_UID, a.uid());
        b.putInt(x + SX_GID, a.gid());
        b.putShort(x + SX_MODE, (short) a.mode());
        b.putLong(x + SX_INO, a.ino() != 0 ? a.ino() : nodeid);
        b.putLong(x + SX_SIZE_F, a.size());
        b.putLong(x + SX_BLOCKS, a.blocks());
        b.putLong(x + SX_ATTRIBUTES_MASK, s.attributesMask());
        putTime(b, x + SX_ATIME + SX_TIME_SEC, x + SX_ATIME + SX_TIME_NSEC, a.atime());
        putTime(b, x + SX_BTIME + SX_TIME_SEC, x + SX_BTIME + SX_TIME_NSEC, s.btime());
        putTime(b, x + SX_CTIME + SX_TIME_SEC, x + SX_CTIME + SX_TIME_NSEC, a.ctime());
        putTime(b, x + SX_MTIME + SX_TIME_SEC, x + SX_MTIME + SX_TIME_NSEC, a.mtime());
        // The kernel's dev_t encoding: major in bits 8-19, minor in bits 0-7 and 20-31.
        b.putInt(x + SX_RDEV_MAJOR, (a.rdev() >>> 8) & 0xfff);
        b.putInt(x + SX_RDEV_MINOR, (a.rdev() & 0xff) | ((a.rdev() >>> 12) & 0xfff00));
        return STATX_OUT;
    }

    /** A time or timeout in nanoseconds as the kernel's seconds (u64/s64 at {@code sec}) and nanoseconds (u32). */
    private static void putTime(NativeBuffer b, int sec, int nsec, long nanos) {
        b.putLong(sec, Math.floorDiv(nanos, 1_000_000_000L));
        b.putInt(nsec, (int) Math.floorMod(nanos, 1_000_000_000L));
    }
}
