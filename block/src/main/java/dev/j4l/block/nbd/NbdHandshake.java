package dev.j4l.block.nbd;

import static dev.j4l.block.nbd.NbdProtocol.*;

import dev.j4l.block.BlockDriver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The fixed newstyle handshake with one client: the options it may send before choosing the export
 * ({@code EXPORT_NAME}, {@code GO}, {@code INFO}, {@code LIST}, {@code ABORT}, {@code STRUCTURED_REPLY},
 * {@code LIST_META_CONTEXT}, {@code SET_META_CONTEXT}; any other is answered {@code NBD_REP_ERR_UNSUP}), and
 * what they settled for transmission.
 */
final class NbdHandshake {
    /** What the client chose: structured replies, and whether {@code base:allocation} was selected. */
    record Negotiated(boolean structured, boolean allocationContext) {}

    private final BlockDriver driver;
    private final String exportName;
    private final NbdInput in;
    private final NbdOutput out;
    private final ByteBuffer header = ByteBuffer.allocate(20);
    private boolean noZeroes;
    private boolean structured;
    private boolean allocationContext;

    NbdHandshake(BlockDriver driver, String exportName, NbdInput in, NbdOutput out) {
        this.driver = driver;
        this.exportName = exportName;
        this.in = in;
        this.out = out;
    }

    /** Runs the handshake: what was negotiated once the client chose the export, or null if it gave up. */
    Negotiated run() throws IOException {
        header.clear();
        header.putLong(NBDMAGIC).putLong(IHAVEOPT).putShort((short) (FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES)).flip();
        out.send(header);
        int clientFlags = in.readInt();
        if ((clientFlags & ~(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES)) != 0) {
            throw new ProtocolViolation("unknown client flags " + Integer.toHexString(clientFlags));
        }
        noZeroes = (clientFlags & FLAG_C_NO_ZEROES) != 0;
        while (true) {
            if (in.readLong() != IHAVEOPT) throw new ProtocolViolation("bad option magic");
            int option = in.readInt();
            int length = in.readInt();
            if (length < 0 || length > MAX_OPTION) throw new ProtocolViolation("option of " + length + " bytes");
            byte[] payload = new byte[length];
            in.readFully(payload);
            switch (option) {
                case OPT_EXPORT_NAME -> {
                    String asked = new String(payload, StandardCharsets.UTF_8);
                    if (!isOurs(asked)) throw new ProtocolViolation("no export named '" + asked + "'");
                    ByteBuffer b = ByteBuffer.allocate(10 + (noZeroes ? 0 : 124));
                    b.putLong(driver.size()).putShort(transmissionFlags()).position(b.limit()).flip();
                    out.send(b);
                    return negotiated();
                }
                case OPT_ABORT -> {
                    reply(option, REP_ACK, null);
                    return null;
                }
                case OPT_LIST -> {
                    if (length != 0) {
                        reply(option, REP_ERR_INVALID, null);
                        continue;
                    }
                    byte[] name = exportName.getBytes(StandardCharsets.UTF_8);
                    reply(option, REP_SERVER, ByteBuffer.allocate(4 + name.length).putInt(name.length).put(name).flip());
                    reply(option, REP_ACK, null);
                }
                case OPT_INFO, OPT_GO -> {
                    if (infoOrGo(option, ByteBuffer.wrap(payload)) && option == OPT_GO) return negotiated();
                }
                case OPT_STRUCTURED_REPLY -> {
                    if (length != 0) {
                        reply(option, REP_ERR_INVALID, null);
                        continue;
                    }
                    structured = true;
                    reply(option, REP_ACK, null);
                }
                case OPT_LIST_META_CONTEXT, OPT_SET_META_CONTEXT -> metaContext(option, ByteBuffer.wrap(payload));
                default -> reply(option, REP_ERR_UNSUP, null);
            }
        }
    }

    private Negotiated negotiated() {
        return new Negotiated(structured, structured && allocationContext);
    }

    /** An empty name asks for the default export, which is the one there is. */
    private boolean isOurs(String name) {
        return name.isEmpty() || name.equals(exportName);
    }

    /** NBD_OPT_INFO/GO: true when the export was named correctly and its information sent. */
    private boolean infoOrGo(int option, ByteBuffer p) throws IOException {
        String name = string(p);
        if (name == null || p.remaining() < 2) {
            reply(option, REP_ERR_INVALID, null);
            return false;
        }
        int requests = Short.toUnsignedInt(p.getShort());
        if (p.remaining() != requests * 2) {
            reply(option, REP_ERR_INVALID, null);
            return false;
        }
        if (!isOurs(name)) {
            reply(option, REP_ERR_UNKNOWN, null);
            return false;
        }
        reply(option, REP_INFO, ByteBuffer.allocate(12).putShort(INFO_EXPORT).putLong(driver.size())
                .putShort(transmissionFlags()).flip());
        // Always said, asked or not: requests must be aligned to the driver's block size.
        int bs = driver.blockSize();
        // Preferred: the physical block size, and at least a page (what clients' caches work in).
        reply(option, REP_INFO, ByteBuffer.allocate(14).putShort(INFO_BLOCK_SIZE).putInt(bs)
                .putInt(Math.max(driver.physicalBlockSize(), 4096)).putInt(MAX_PAYLOAD).flip());
        reply(option, REP_ACK, null);
        return true;
    }

    /**
     * NBD_OPT_LIST_META_CONTEXT / SET_META_CONTEXT: the one context served is {@code base:allocation}. LIST with
     * no query, or the query {@code base:}, lists it; SET selects it when asked by its name, and replaces any
     * earlier selection even when it fails. Both need structured replies first.
     */
    private void metaContext(int option, ByteBuffer p) throws IOException {
        boolean set = option == OPT_SET_META_CONTEXT;
        if (set) allocationContext = false;
        if (!structured) {
            reply(option, REP_ERR_INVALID, null);
            return;
        }
        String name = string(p);
        if (name == null || p.remaining() < 4) {
            reply(option, REP_ERR_INVALID, null);
            return;
        }
        int queries = p.getInt();
        if (queries < 0 || queries > p.remaining() / 4) {
            reply(option, REP_ERR_INVALID, null);
            return;
        }
        boolean match = queries == 0 && !set; // no query lists all; selects none
        for (int i = 0; i < queries; i++) {
            String q = string(p);
            if (q == null) {
                reply(option, REP_ERR_INVALID, null);
                return;
            }
            // Queries of other namespaces, and leaves of base: we do not serve, are ignored, as the protocol says.
            if (q.equals(BASE_ALLOCATION) || (!set && q.equals(BASE_NAMESPACE))) match = true;
        }
        if (p.hasRemaining()) {
            reply(option, REP_ERR_INVALID, null);
            return;
        }
        if (!isOurs(name)) {
            reply(option, REP_ERR_UNKNOWN, null);
            return;
        }
        if (match) {
            byte[] context = BASE_ALLOCATION.getBytes(StandardCharsets.US_ASCII);
            // LIST's ids are reserved (zero); SET's is the id block status replies carry.
            reply(option, REP_META_CONTEXT, ByteBuffer.allocate(4 + context.length)
                    .putInt(set ? ALLOCATION_CONTEXT_ID : 0).put(context).flip());
            if (set) allocationContext = true;
        }
        reply(option, REP_ACK, null);
    }

    /** A 32-bit length and that many bytes of UTF-8, or null when the payload does not hold them. */
    private static String string(ByteBuffer p) {
        if (p.remaining() < 4) return null;
        int n = p.getInt();
        if (n < 0 || n > p.remaining()) return null;
        byte[] b = new byte[n];
        p.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private short transmissionFlags() {
        int f = TFLAG_HAS_FLAGS | TFLAG_SEND_FLUSH | TFLAG_SEND_FUA | TFLAG_SEND_WRITE_ZEROES | TFLAG_CAN_MULTI_CONN;
        if (driver.readOnly()) f |= TFLAG_READ_ONLY;
        if (driver.canDiscard()) f |= TFLAG_SEND_TRIM;
        // Reads are answered in one content chunk on request only where chunks are possible at all.
        if (structured) f |= TFLAG_SEND_DF;
        return (short) f;
    }

    private void reply(int option, int type, ByteBuffer body) throws IOException {
        header.clear();
        header.putLong(REP_MAGIC).putInt(option).putInt(type).putInt(body == null ? 0 : body.remaining()).flip();
        out.send(header);
        if (body != null) out.send(body);
    }
}
