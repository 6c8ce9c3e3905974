package dev.j4l.fuse.session;

import dev.j4l.kernel.DirectoryReader;

import static dev.j4l.kernel.abi.FuseAbi.*;

import dev.j4l.fuse.DirectoryFiller;
import dev.j4l.fuse.Entry;
import dev.j4l.fuse.FileMode;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.FileNames;

/**
 * Packs dirents (or direntplus records) into a worker's reply buffer, lent to the driver for one READDIR call:
 * usable only on the worker's thread and only until the call returns (then {@link IllegalStateException}; on
 * another thread {@link WrongThreadException}).
 */
final class DirentWriter<N> implements DirectoryFiller<N> {
    private final NativeBuffer out;
    private final ReplyBuilder<N, ?> encoder;
    private final boolean plus;
    private final int limit;
    private final Thread owner = Thread.currentThread();
    private int pos;
    /** Cleared when the call returns; read by other threads only to fail them with the clearer message. */
    private volatile boolean valid = true;
    private boolean full;
    /** The current entry's name bytes (names are at most NAME_MAX bytes): the worker's, used on its thread only. */
    private final byte[] name;

    DirentWriter(NativeBuffer out, ReplyBuilder<N, ?> encoder, byte[] nameRoom, boolean plus, int size) {
        this.out = out;
        this.encoder = encoder;
        this.name = nameRoom;
        this.plus = plus;
        this.limit = OUT_HEADER + (int) Math.max(0, Math.min(size, out.size() - OUT_HEADER));
        this.pos = OUT_HEADER;
    }

    private void checkLive() {
        if (!valid) throw new IllegalStateException("DirectoryFiller used after its readdir call returned");
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("DirectoryFiller used off its readdir call's thread");
        }
    }

    /** Ends the call; returns the payload length. */
    int close() {
        valid = false;
        return pos - OUT_HEADER;
    }

    @Override
    public boolean plus() {
        checkLive();
        return plus;
    }

    @Override
    public boolean add(String name, long ino, int mode, long nextOffset) {
        int n = checkName(name);
        int at = addUnattributed(n, ino, mode, nextOffset);
        if (at < 0) return false;
        out.put(at, this.name, 0, n);
        return true;
    }

    @Override
    public boolean add(DirectoryReader dir) {
        checkLive();
        // The reader's buffer is the driver's, so its records can say anything: the length is checked (it places
        // the record); the bytes are the kernel's getdents names, or the driver's own listing if it forged them.
        int n = dir.nameLength();
        if (n <= 0 || n > NAME_MAX) throw new IllegalArgumentException("invalid directory entry name length " + n);
        int at = addUnattributed(n, dir.inode(), dir.type() << 12, dir.offset());
        if (at < 0) return false;
        dir.copyName(out, at);
        return true;
    }

    /**
     * Appends a record without attributes (in plus mode: node id 0, listed but not instantiated) for a name of
     * {@code n} bytes, everything but the name's bytes; returns where they go, or -1 when the record does not fit.
     */
    private int addUnattributed(int n, long ino, int mode, long nextOffset) {
        int rec = align8((plus ? DIRENTPLUS : DIRENT) + n);
        if (full || pos + rec > limit) {
            full = true;
            return -1;
        }
        int d = pos;
        if (plus) {
            out.fill(pos, ENTRY_OUT, (byte) 0);
            out.putLong(pos + ENTRY_ATTR + ATTR_INO, ino);
            out.putInt(pos + ENTRY_ATTR + ATTR_MODE, mode & FileMode.S_IFMT);
            d = pos + ENTRY_OUT;
        }
        putDirentHeader(d, ino == 0 ? nextOffset : ino, nextOffset, n, FileMode.direntType(mode), rec - (d - pos));
        pos += rec;
        return d + DIRENT;
    }

    @Override
    public boolean add(String name, Entry<N> entry, long nextOffset) {
        if (entry.isNegative()) throw new IllegalArgumentException("readdir entry '" + name + "' has no node");
        int n = checkName(name);
        int rec = align8((plus ? DIRENTPLUS : DIRENT) + n);
        if (full || pos + rec > limit) {
            full = true;
            return false;
        }
        long ino;
        int d;
        if (plus) {
            boolean dots = name.equals(".") || name.equals("..");
            if (dots) {
                // The kernel does not count "." and ".." as lookups; send them without instantiating.
                out.fill(pos, ENTRY_OUT, (byte) 0);
                ReplyBuilder.putAttr(out, pos + ENTRY_ATTR, entry.attr(), entry.attr().ino());
            } else {
                encoder.putEntry(out, pos, entry, null);
            }
            ino = out.getLong(pos + ENTRY_ATTR + ATTR_INO);
            d = pos + ENTRY_OUT;
        } else {
            ino = entry.attr().ino();
            d = pos;
        }
        putDirentHeader(d, ino == 0 ? nextOffset : ino, nextOffset, n, FileMode.direntType(entry.attr().mode()),
                rec - (d - pos));
        out.put(d + DIRENT, this.name, 0, n);
        pos += rec;
        return true;
    }

    /** Writes a dirent's fields and the padding after its {@code n}-byte name; the name's bytes are the caller's. */
    private void putDirentHeader(int d, long ino, long off, int n, int type, int recRest) {
        out.putLong(d + DIRENT_INO, ino);
        out.putLong(d + DIRENT_OFF, off);
        out.putInt(d + DIRENT_NAMELEN, n);
        out.putInt(d + DIRENT_TYPE, type);
        int pad = recRest - DIRENT - n;
        if (pad > 0) out.fill(d + DIRENT + n, pad, (byte) 0);
    }

    /** Encodes {@code name} (see {@link FileNames}) into {@link #name}; returns its length in bytes. */
    private int checkName(String name) {
        checkLive();
        int n = FileNames.encodedLength(name);
        if (n == 0 || n > NAME_MAX || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid directory entry name '" + name + "'");
        }
        FileNames.encode(name, this.name, 0);
        return n;
    }

    /** Node ids a READDIRPLUS reply of {@code length} payload bytes instantiated (to take back on failure). */
    static void forEachNode(NativeBuffer b, int length, java.util.function.LongConsumer action) {
        int p = OUT_HEADER;
        int end = OUT_HEADER + length;
        while (p + DIRENTPLUS <= end) {
            long nodeid = b.getLong(p + ENTRY_NODEID);
            int namelen = b.getInt(p + ENTRY_OUT + DIRENT_NAMELEN);
            if (nodeid != 0) action.accept(nodeid);
            p += align8(DIRENTPLUS + namelen);
        }
    }
}
