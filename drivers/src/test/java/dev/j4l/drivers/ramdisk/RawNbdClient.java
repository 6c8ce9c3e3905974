package dev.j4l.drivers.ramdisk;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A client that speaks NBD by hand, for what real clients never send. */
final class RawNbdClient implements AutoCloseable {
    static final long IHAVEOPT = 0x49484156454f5054L;
    static final int REQUEST_MAGIC = 0x25609513, SIMPLE_MAGIC = 0x67446698, STRUCTURED_MAGIC = 0x668e33ef;
    static final int OPT_GO = 7, OPT_STRUCTURED_REPLY = 8, OPT_LIST_META_CONTEXT = 9, OPT_SET_META_CONTEXT = 10;
    static final int READ = 0, WRITE = 1, WRITE_ZEROES = 6, BLOCK_STATUS = 7;
    static final int FLAG_NO_HOLE = 1 << 1, FLAG_DF = 1 << 2, FLAG_REQ_ONE = 1 << 3;
    static final int CHUNK_NONE = 0, CHUNK_DATA = 1, CHUNK_HOLE = 2, CHUNK_BLOCK_STATUS = 5, CHUNK_ERROR = 0x8001,
            CHUNK_ERROR_OFFSET = 0x8002;

    final SocketChannel ch;

    RawNbdClient(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
    }

    ByteBuffer read(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) if (ch.read(b) < 0) throw new EOFException("closed after " + b.position());
        return b.flip();
    }

    /** Sends what was put in {@code b} (from 0 to its position). */
    void send(ByteBuffer b) throws IOException {
        b.flip();
        while (b.hasRemaining()) ch.write(b);
    }

    /** An option reply: its type and payload. */
    record OptionReply(int type, ByteBuffer payload) {}

    /** Reads the greeting and sends the client flags (fixed newstyle, no zeroes). */
    void greet() throws IOException {
        read(18); // NBDMAGIC, IHAVEOPT, handshake flags
        send(ByteBuffer.allocate(4).putInt(3));
    }

    void option(int option, ByteBuffer payload) throws IOException {
        payload.flip();
        send(ByteBuffer.allocate(16 + payload.remaining()).putLong(IHAVEOPT).putInt(option).putInt(payload.remaining())
                .put(payload));
    }

    /** Option replies up to the final one (an ACK or an error). */
    List<OptionReply> replies() throws IOException {
        List<OptionReply> all = new ArrayList<>();
        while (true) {
            ByteBuffer h = read(20);
            h.getLong();
            h.getInt();
            int type = h.getInt();
            int len = h.getInt();
            OptionReply r = new OptionReply(type, read(len));
            all.add(r);
            if (type == 1 || type < 0) return all;
        }
    }

    /** A meta context option's payload: the export name and the queries. */
    static ByteBuffer metaQuery(String export, String... queries) {
        byte[] n = export.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4096).putInt(n.length).put(n).putInt(queries.length);
        for (String q : queries) {
            byte[] qb = q.getBytes(StandardCharsets.UTF_8);
            b.putInt(qb.length).put(qb);
        }
        return b;
    }

    /** NBD_OPT_GO for {@code name}; throws with the error type if refused. */
    void go(String name) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        option(OPT_GO, ByteBuffer.allocate(4 + n.length + 2).putInt(n.length).put(n).putShort((short) 0));
        List<OptionReply> r = replies();
        int last = r.getLast().type();
        if (last != 1) throw new IOException("option error " + Integer.toHexString(last));
    }

    /** The simple handshake: greeting, then GO. */
    RawNbdClient simple(String name) throws IOException {
        greet();
        go(name);
        return this;
    }

    /** Structured replies (and base:allocation when {@code allocation}), then GO. */
    RawNbdClient structured(String name, boolean allocation) throws IOException {
        greet();
        option(OPT_STRUCTURED_REPLY, ByteBuffer.allocate(0));
        if (replies().getLast().type() != 1) throw new IOException("structured replies refused");
        if (allocation) {
            option(OPT_SET_META_CONTEXT, metaQuery(name, "base:allocation"));
            if (replies().getLast().type() != 1) throw new IOException("base:allocation refused");
        }
        go(name);
        return this;
    }

    void sendRequest(int type, int flags, long cookie, long offset, int length, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(28 + (payload == null ? 0 : payload.length));
        b.putInt(REQUEST_MAGIC).putShort((short) flags).putShort((short) type).putLong(cookie).putLong(offset).putInt(length);
        if (payload != null) b.put(payload);
        send(b);
    }

    /** Sends a request and reads its simple reply (and a read's data); returns the error. */
    int request(int type, int flags, long offset, int length, byte[] payload) throws IOException {
        sendRequest(type, flags, 77, offset, length, payload);
        ByteBuffer r = read(16);
        if (r.getInt() != SIMPLE_MAGIC) throw new IOException("not a simple reply");
        int error = r.getInt();
        if (r.getLong() != 77) throw new IOException("wrong cookie");
        if (type == READ && error == 0) read(length);
        return error;
    }

    int request(int type, long offset, int length, byte[] payload) throws IOException {
        return request(type, 0, offset, length, payload);
    }

    /** One structured reply chunk. */
    record Chunk(int flags, int type, long cookie, ByteBuffer payload) {
        boolean done() {
            return (flags & 1) != 0;
        }

        /** An error chunk's error value. */
        int error() {
            return payload.getInt(0);
        }
    }

    Chunk chunk() throws IOException {
        ByteBuffer h = read(20);
        int magic = h.getInt();
        if (magic != STRUCTURED_MAGIC) throw new IOException("not a structured reply: " + Integer.toHexString(magic));
        int flags = Short.toUnsignedInt(h.getShort());
        int type = Short.toUnsignedInt(h.getShort());
        long cookie = h.getLong();
        int len = h.getInt();
        return new Chunk(flags, type, cookie, read(len));
    }

    /** Every chunk of the next reply, up to the one marked done. */
    List<Chunk> structuredReply() throws IOException {
        List<Chunk> all = new ArrayList<>();
        Chunk c;
        do {
            c = chunk();
            all.add(c);
        } while (!c.done());
        return all;
    }

    /** Whether the server closes the connection (reading and dropping whatever comes first). */
    boolean closedByServer() {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        try {
            while (true) {
                b.clear();
                if (ch.read(b) < 0) return true;
            }
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
