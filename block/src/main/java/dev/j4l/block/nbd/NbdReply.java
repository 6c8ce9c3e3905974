package dev.j4l.block.nbd;

import static dev.j4l.block.nbd.NbdProtocol.*;

import dev.j4l.block.transport.ExtentList;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One reply being put together: a simple reply, or the chunks of a structured one, as a list of buffers the
 * connection sends in one go. Belongs to a request slot and is reused, so encoding allocates nothing (but for
 * error messages, and the data views of a read answered in several data chunks).
 */
final class NbdReply {
    /** Chunk headers one reply may hold: a read's runs, or an error. */
    static final int MAX_CHUNKS = 17;
    /** Longest error message sent (the protocol allows 4096; ours are short). */
    private static final int MAX_MESSAGE = 200;

    /** Fixed-size headers: 20 bytes of chunk header and up to 12 of payload (offset, hole size). */
    private final ByteBuffer[] heads = new ByteBuffer[MAX_CHUNKS];
    private final ByteBuffer status;
    private final ByteBuffer error = ByteBuffer.allocate(20 + 6 + MAX_MESSAGE + 8);
    private final ByteBuffer[] parts = new ByteBuffer[2 * MAX_CHUNKS];
    private int count;
    private int headsUsed;

    NbdReply(int maxExtents) {
        for (int i = 0; i < heads.length; i++) heads[i] = ByteBuffer.allocate(32);
        status = ByteBuffer.allocate(20 + 4 + 8 * maxExtents);
    }

    void clear() {
        count = 0;
        headsUsed = 0;
    }

    ByteBuffer[] parts() {
        return parts;
    }

    int count() {
        return count;
    }

    private ByteBuffer head() {
        return heads[headsUsed++].clear();
    }

    private void add(ByteBuffer b) {
        parts[count++] = b;
    }

    /** A simple reply; {@code data} (null when there is none) follows it. */
    void simple(long cookie, int error, ByteBuffer data) {
        add(head().putInt(SIMPLE_REPLY_MAGIC).putInt(error).putLong(cookie).flip());
        if (data != null) add(data);
    }

    private static ByteBuffer chunk(ByteBuffer b, boolean done, short type, long cookie, int length) {
        return b.putInt(STRUCTURED_REPLY_MAGIC).putShort(done ? REPLY_FLAG_DONE : 0).putShort(type).putLong(cookie)
                .putInt(length);
    }

    /** NBD_REPLY_TYPE_NONE: success, nothing to say. */
    void none(long cookie) {
        add(chunk(head(), true, REPLY_TYPE_NONE, cookie, 0).flip());
    }

    /** NBD_REPLY_TYPE_OFFSET_DATA: {@code data} (its remaining bytes) is the device's at {@code offset}. */
    void data(long cookie, long offset, ByteBuffer data, boolean done) {
        add(chunk(head(), done, REPLY_TYPE_OFFSET_DATA, cookie, 8 + data.remaining()).putLong(offset).flip());
        add(data);
    }

    /** NBD_REPLY_TYPE_OFFSET_HOLE: {@code length} bytes at {@code offset} read as zeroes. */
    void hole(long cookie, long offset, int length, boolean done) {
        add(chunk(head(), done, REPLY_TYPE_OFFSET_HOLE, cookie, 12).putLong(offset).putInt(length).flip());
    }

    /** NBD_REPLY_TYPE_BLOCK_STATUS for {@code base:allocation}: the extents, the final chunk. */
    void blockStatus(long cookie, ExtentList extents) {
        int n = extents.count();
        ByteBuffer b = chunk(status.clear(), true, REPLY_TYPE_BLOCK_STATUS, cookie, 4 + 8 * n).putInt(ALLOCATION_CONTEXT_ID);
        for (int i = 0; i < n; i++) b.putInt((int) extents.length(i)).putInt(state(extents.allocation(i)));
        add(b.flip());
    }

    /**
     * NBD_REPLY_TYPE_ERROR, or with {@code offset} (not negative) NBD_REPLY_TYPE_ERROR_OFFSET: the request failed
     * (at that offset), {@code message} says why to a person. The final chunk.
     */
    void error(long cookie, int error, String message, long offset) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(m.length, MAX_MESSAGE);
        boolean at = offset >= 0;
        ByteBuffer b = chunk(this.error.clear(), true, at ? REPLY_TYPE_ERROR_OFFSET : REPLY_TYPE_ERROR, cookie,
                6 + n + (at ? 8 : 0)).putInt(error).putShort((short) n).put(m, 0, n);
        if (at) b.putLong(offset);
        add(b.flip());
    }
}
