package dev.j4l.block.nbd;

import static dev.j4l.block.nbd.NbdProtocol.*;

import dev.j4l.block.BlockDriver;
import dev.j4l.block.transport.BlockOp;
import dev.j4l.block.transport.DriverCall;
import dev.j4l.block.transport.LentData;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.NativeBuffer;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One client: the handshake, then requests served one at a time into one buffer allocated on first need (so a
 * connection's memory is bounded by {@link NbdProtocol#MAX_PAYLOAD}), answered with simple replies.
 */
final class NbdConnection {
    private static final System.Logger LOG = System.getLogger("dev.j4l.block");
    private static final int REQUEST = 28;

    private final NbdServer server;
    private final BlockDriver driver;
    private final SocketChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(32);
    /** Page-aligned, so drivers can read and write it with O_DIRECT. */
    private NativeBuffer data = NativeBuffer.allocate(0, 4096);
    private ByteBuffer dataView = data.asByteBuffer();
    private boolean noZeroes;
    /** Set once the client chose the export; the handshake timer leaves the connection alone from then on. */
    private volatile boolean transmitting;

    NbdConnection(NbdServer server, SocketChannel channel) {
        this.server = server;
        this.driver = server.driver();
        this.channel = channel;
    }

    boolean inTransmission() {
        return transmitting;
    }

    void run() {
        try {
            if (handshake()) {
                transmitting = true;
                transmission();
            }
        } catch (EOFException e) {
            LOG.log(Level.DEBUG, "NBD client left");
        } catch (ProtocolViolation e) {
            LOG.log(Level.WARNING, "NBD client dropped: " + e.getMessage());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "NBD connection ended: " + e.getMessage());
        }
    }

    /** What the protocol says ends a connection (no reply can be framed). */
    private static final class ProtocolViolation extends IOException {
        private static final long serialVersionUID = 1L;

        ProtocolViolation(String why) {
            super(why);
        }
    }

    // ---- handshake (fixed newstyle)

    /** True when the client chose the export and transmission begins. */
    private boolean handshake() throws IOException {
        header.clear();
        header.putLong(NBDMAGIC).putLong(IHAVEOPT).putShort((short) (FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES)).flip();
        write(header);
        int clientFlags = readInt();
        if ((clientFlags & ~(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES)) != 0) {
            throw new ProtocolViolation("unknown client flags " + Integer.toHexString(clientFlags));
        }
        noZeroes = (clientFlags & FLAG_C_NO_ZEROES) != 0;
        while (true) {
            if (readLong() != IHAVEOPT) throw new ProtocolViolation("bad option magic");
            int option = readInt();
            int length = readInt();
            if (length < 0 || length > MAX_OPTION) throw new ProtocolViolation("option of " + length + " bytes");
            byte[] payload = new byte[length];
            readFully(ByteBuffer.wrap(payload));
            switch (option) {
                case OPT_EXPORT_NAME -> {
                    String asked = new String(payload, StandardCharsets.UTF_8);
                    // An empty name asks for the default export, which is the one there is.
                    if (!asked.isEmpty() && !server.exportName().equals(asked)) {
                        throw new ProtocolViolation("no export named '" + new String(payload, StandardCharsets.UTF_8) + "'");
                    }
                    ByteBuffer b = ByteBuffer.allocate(10 + (noZeroes ? 0 : 124));
                    b.putLong(driver.size()).putShort(transmissionFlags()).position(b.limit()).flip();
                    write(b);
                    return true;
                }
                case OPT_ABORT -> {
                    optionReply(option, REP_ACK, null);
                    return false;
                }
                case OPT_LIST -> {
                    if (length != 0) {
                        optionReply(option, REP_ERR_INVALID, null);
                        continue;
                    }
                    byte[] name = server.exportName().getBytes(StandardCharsets.UTF_8);
                    optionReply(option, REP_SERVER, ByteBuffer.allocate(4 + name.length).putInt(name.length).put(name).flip());
                    optionReply(option, REP_ACK, null);
                }
                case OPT_INFO, OPT_GO -> {
                    if (infoOrGo(option, ByteBuffer.wrap(payload)) && option == OPT_GO) return true;
                }
                default -> optionReply(option, REP_ERR_UNSUP, null);
            }
        }
    }

    /** NBD_OPT_INFO/GO: true when the export was named correctly and its information sent. */
    private boolean infoOrGo(int option, ByteBuffer p) throws IOException {
        if (p.remaining() < 6) {
            optionReply(option, REP_ERR_INVALID, null);
            return false;
        }
        int nameLength = p.getInt();
        if (nameLength < 0 || nameLength > p.remaining() - 2) {
            optionReply(option, REP_ERR_INVALID, null);
            return false;
        }
        byte[] name = new byte[nameLength];
        p.get(name);
        int requests = Short.toUnsignedInt(p.getShort());
        if (p.remaining() != requests * 2) {
            optionReply(option, REP_ERR_INVALID, null);
            return false;
        }
        String n = new String(name, StandardCharsets.UTF_8);
        if (!n.isEmpty() && !n.equals(server.exportName())) {
            optionReply(option, REP_ERR_UNKNOWN, null);
            return false;
        }
        optionReply(option, REP_INFO, ByteBuffer.allocate(12).putShort(INFO_EXPORT).putLong(driver.size())
                .putShort(transmissionFlags()).flip());
        // Always said, asked or not: requests must be aligned to the driver's block size.
        int bs = driver.blockSize();
        optionReply(option, REP_INFO, ByteBuffer.allocate(14).putShort(INFO_BLOCK_SIZE).putInt(bs)
                .putInt(Math.max(bs, 4096)).putInt(MAX_PAYLOAD).flip());
        optionReply(option, REP_ACK, null);
        return true;
    }

    private short transmissionFlags() {
        int f = TFLAG_HAS_FLAGS | TFLAG_SEND_FLUSH | TFLAG_SEND_FUA | TFLAG_SEND_WRITE_ZEROES | TFLAG_CAN_MULTI_CONN;
        if (driver.readOnly()) f |= TFLAG_READ_ONLY;
        if (driver.canDiscard()) f |= TFLAG_SEND_TRIM;
        return (short) f;
    }

    private void optionReply(int option, int type, ByteBuffer body) throws IOException {
        header.clear();
        header.putLong(REP_MAGIC).putInt(option).putInt(type).putInt(body == null ? 0 : body.remaining()).flip();
        write(header);
        if (body != null) write(body);
    }

    // ---- transmission

    private void transmission() throws IOException {
        while (true) {
            header.clear().limit(REQUEST);
            readFully(header);
            header.flip();
            if (header.getInt() != REQUEST_MAGIC) throw new ProtocolViolation("bad request magic");
            int flags = Short.toUnsignedInt(header.getShort());
            int type = Short.toUnsignedInt(header.getShort());
            long cookie = header.getLong();
            long offset = header.getLong();
            long length = Integer.toUnsignedLong(header.getInt());
            if (type == CMD_WRITE) {
                // The data follows the header whatever the answer: read it all, or the stream is lost.
                if (length > MAX_PAYLOAD) throw new ProtocolViolation("write of " + length + " bytes");
                readData((int) length);
            }
            if (type == CMD_DISC) {
                try {
                    driver.flush();
                } catch (ErrnoException | RuntimeException e) {
                    LOG.log(Level.WARNING, "NBD flush at disconnect failed: " + e);
                }
                return;
            }
            int error = serve(type, flags, offset, length);
            header.clear();
            header.putInt(SIMPLE_REPLY_MAGIC).putInt(error).putLong(cookie).flip();
            write(header);
            if (type == CMD_READ && error == 0) {
                dataView.clear().limit((int) length);
                write(dataView);
            }
        }
    }

    /** Serves one request; returns the NBD error (0 on success). */
    private int serve(int type, int flags, long offset, long length) {
        // FUA goes with any command; NO_HOLE only with WRITE_ZEROES; anything else was never negotiated.
        int allowed = CMD_FLAG_FUA | (type == CMD_WRITE_ZEROES ? CMD_FLAG_NO_HOLE : 0);
        if ((flags & ~allowed) != 0) return EINVAL;
        BlockOp op = switch (type) {
            case CMD_READ -> BlockOp.READ;
            case CMD_WRITE -> BlockOp.WRITE;
            case CMD_FLUSH -> BlockOp.FLUSH;
            case CMD_TRIM -> BlockOp.DISCARD;
            case CMD_WRITE_ZEROES -> BlockOp.WRITE_ZEROES;
            default -> null;
        };
        if (op == null) return EINVAL;
        if (op == BlockOp.READ && length > MAX_PAYLOAD) return EINVAL;
        LentData lent = null;
        if (op == BlockOp.READ || op == BlockOp.WRITE) {
            if (DriverCall.check(driver, op, offset, length) == null && op == BlockOp.READ) {
                ensure((int) length);
                // The buffer held the last request: a driver that reads its window, or leaves part of it
                // unfilled, must see zeroes, never another request's bytes.
                data.fill(0, length, (byte) 0);
            }
            lent = new LentData(data, (int) Math.min(length, data.size()));
        }
        try {
            Errno e = DriverCall.call(driver, op, offset, length, (flags & CMD_FLAG_FUA) != 0,
                    (flags & CMD_FLAG_NO_HOLE) != 0, lent);
            return e == null ? 0 : wire(e);
        } finally {
            if (lent != null) lent.close();
        }
    }

    /** The errno values NBD carries; anything else is EIO. */
    private static int wire(Errno e) {
        return switch (e) {
            case EPERM, EROFS -> EPERM;
            case ENOMEM -> ENOMEM;
            case EINVAL -> EINVAL;
            case ENOSPC, EDQUOT, EFBIG -> ENOSPC;
            case EOVERFLOW -> EOVERFLOW;
            // NBD keeps ENOTSUP for fast zeroing: an operation the driver does not do is an invalid request.
            case EOPNOTSUPP -> EINVAL;
            case ESHUTDOWN -> ESHUTDOWN;
            default -> EIO;
        };
    }

    // ---- I/O

    private void ensure(int length) {
        if (data.size() < length) {
            data = NativeBuffer.allocate(Math.max(length, Math.min(MAX_PAYLOAD, Math.max(data.size() * 2, 1 << 16))), 4096);
            dataView = data.asByteBuffer();
        }
    }

    private void readData(int length) throws IOException {
        ensure(length);
        dataView.clear().limit(length);
        readFully(dataView);
    }

    private int readInt() throws IOException {
        header.clear().limit(4);
        readFully(header);
        return header.getInt(0);
    }

    private long readLong() throws IOException {
        header.clear().limit(8);
        readFully(header);
        return header.getLong(0);
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) throw new EOFException();
        }
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) channel.write(b);
    }
}
