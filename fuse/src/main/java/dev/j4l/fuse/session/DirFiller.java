package dev.j4l.fuse.session;

import static dev.j4l.fuse.protocol.Wire.*;

import dev.j4l.fuse.DirectoryFiller;
import dev.j4l.fuse.Entry;
import dev.j4l.fuse.FileMode;
import dev.j4l.kernel.NativeBuffer;
import java.nio.charset.StandardCharsets;

/** Packs dirents (or direntplus records) into a worker's reply buffer; reused for every READDIR. */
final class DirFiller<N> implements DirectoryFiller<N> {
    private final NativeBuffer out;
    private final ReplyEncoder<N, ?> encoder;
    private boolean plus;
    private int limit;
    private int pos;
    private boolean valid;
    private boolean full;

    DirFiller(NativeBuffer out, ReplyEncoder<N, ?> encoder) {
        this.out = out;
        this.encoder = encoder;
    }

    void open(boolean plus, int size) {
        this.plus = plus;
        this.limit = OUT_HEADER + (int) Math.min(size, out.size() - OUT_HEADER);
        this.pos = OUT_HEADER;
        this.valid = true;
        this.full = false;
    }

    /** Ends the call; returns the payload length. */
    int close() {
        valid = false;
        return pos - OUT_HEADER;
    }

    @Override
    public boolean plus() {
        return plus;
    }

    @Override
    public boolean add(String name, long ino, int mode, long nextOffset) {
        byte[] n = checkName(name);
        int rec = align8((plus ? DIRENTPLUS : DIRENT) + n.length);
        if (full || pos + rec > limit) {
            full = true;
            return false;
        }
        int d = pos;
        if (plus) {
            out.fill(pos, ENTRY_OUT, (byte) 0); // node id 0: listed, not instantiated
            out.putLong(pos + ENTRY_ATTR + ATTR_INO, ino);
            out.putInt(pos + ENTRY_ATTR + ATTR_MODE, mode & FileMode.S_IFMT);
            d = pos + ENTRY_OUT;
        }
        putDirent(d, ino == 0 ? nextOffset : ino, nextOffset, n, FileMode.direntType(mode), rec - (d - pos));
        pos += rec;
        return true;
    }

    @Override
    public boolean add(String name, Entry<N> entry, long nextOffset) {
        if (entry.isNegative()) throw new IllegalArgumentException("readdir entry '" + name + "' has no node");
        byte[] n = checkName(name);
        int rec = align8((plus ? DIRENTPLUS : DIRENT) + n.length);
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
                ReplyEncoder.putAttr(out, pos + ENTRY_ATTR, entry.attr(), entry.attr().ino());
            } else {
                encoder.putEntry(out, pos, entry, null);
            }
            ino = out.getLong(pos + ENTRY_ATTR + ATTR_INO);
            d = pos + ENTRY_OUT;
        } else {
            ino = entry.attr().ino();
            d = pos;
        }
        putDirent(d, ino == 0 ? nextOffset : ino, nextOffset, n, FileMode.direntType(entry.attr().mode()),
                rec - (d - pos));
        pos += rec;
        return true;
    }

    private void putDirent(int d, long ino, long off, byte[] name, int type, int recRest) {
        out.putLong(d, ino);
        out.putLong(d + 8, off);
        out.putInt(d + 16, name.length);
        out.putInt(d + 20, type);
        out.put(d + DIRENT, name, 0, name.length);
        int pad = recRest - DIRENT - name.length;
        if (pad > 0) out.fill(d + DIRENT + name.length, pad, (byte) 0);
    }

    private byte[] checkName(String name) {
        if (!valid) throw new IllegalStateException("DirectoryFiller used after its readdir call returned");
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length == 0 || n.length > NAME_MAX || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid directory entry name '" + name + "'");
        }
        return n;
    }

    /** Node ids a READDIRPLUS reply of {@code length} payload bytes instantiated (to take back on failure). */
    static void forEachNode(NativeBuffer b, int length, java.util.function.LongConsumer action) {
        int p = OUT_HEADER;
        int end = OUT_HEADER + length;
        while (p + DIRENTPLUS <= end) {
            long nodeid = b.getLong(p + ENTRY_NODEID);
            int namelen = b.getInt(p + ENTRY_OUT + 16);
            if (nodeid != 0) action.accept(nodeid);
            p += align8(DIRENTPLUS + namelen);
        }
    }
}
