package dev.j4l.block.nbd;

import dev.j4l.block.Allocation;
import dev.j4l.kernel.Errno;

/**
 * The NBD protocol's numbers (the protocol document of the NBD project, "proto.md"): magics, handshake and
 * transmission flags, options and their replies, commands, command flags, structured reply chunks, the
 * {@code base:allocation} metadata context, and the error values, all big-endian on the wire.
 */
final class NbdProtocol {
    private NbdProtocol() {}

    static final long NBDMAGIC = 0x4e42444d41474943L;
    static final long IHAVEOPT = 0x49484156454f5054L;
    static final long REP_MAGIC = 0x3e889045565a9L;
    static final int REQUEST_MAGIC = 0x25609513;
    static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

    // Handshake flags (server) and client flags
    static final short FLAG_FIXED_NEWSTYLE = 1;
    static final short FLAG_NO_ZEROES = 1 << 1;
    static final int FLAG_C_FIXED_NEWSTYLE = 1;
    static final int FLAG_C_NO_ZEROES = 1 << 1;

    // Options
    static final int OPT_EXPORT_NAME = 1, OPT_ABORT = 2, OPT_LIST = 3, OPT_INFO = 6, OPT_GO = 7,
            OPT_STRUCTURED_REPLY = 8, OPT_LIST_META_CONTEXT = 9, OPT_SET_META_CONTEXT = 10;
    /** Longest option payload read; a longer one closes the connection (a client's export name is small). */
    static final int MAX_OPTION = 64 * 1024;

    // Option replies
    static final int REP_ACK = 1, REP_SERVER = 2, REP_INFO = 3, REP_META_CONTEXT = 4;
    static final int REP_ERR_UNSUP = 0x80000001, REP_ERR_POLICY = 0x80000002, REP_ERR_INVALID = 0x80000003,
            REP_ERR_UNKNOWN = 0x80000006;
    static final short INFO_EXPORT = 0, INFO_BLOCK_SIZE = 3;

    // Transmission flags
    static final short TFLAG_HAS_FLAGS = 1, TFLAG_READ_ONLY = 1 << 1, TFLAG_SEND_FLUSH = 1 << 2,
            TFLAG_SEND_FUA = 1 << 3, TFLAG_SEND_TRIM = 1 << 5, TFLAG_SEND_WRITE_ZEROES = 1 << 6,
            TFLAG_SEND_DF = 1 << 7, TFLAG_CAN_MULTI_CONN = 1 << 8;

    // Commands and command flags
    static final int CMD_READ = 0, CMD_WRITE = 1, CMD_DISC = 2, CMD_FLUSH = 3, CMD_TRIM = 4, CMD_WRITE_ZEROES = 6,
            CMD_BLOCK_STATUS = 7;
    static final int CMD_FLAG_FUA = 1, CMD_FLAG_NO_HOLE = 1 << 1, CMD_FLAG_DF = 1 << 2, CMD_FLAG_REQ_ONE = 1 << 3;
    /** The largest read or write payload served (what NBD_INFO_BLOCK_SIZE advertises as the maximum). */
    static final int MAX_PAYLOAD = 32 << 20;

    // Structured reply chunks: flags and types
    static final short REPLY_FLAG_DONE = 1;
    static final short REPLY_TYPE_NONE = 0, REPLY_TYPE_OFFSET_DATA = 1, REPLY_TYPE_OFFSET_HOLE = 2,
            REPLY_TYPE_BLOCK_STATUS = 5, REPLY_TYPE_ERROR = (short) 0x8001, REPLY_TYPE_ERROR_OFFSET = (short) 0x8002;

    // Metadata contexts: the one served, and the id it gets when selected
    static final String BASE_NAMESPACE = "base:", BASE_ALLOCATION = "base:allocation";
    static final int ALLOCATION_CONTEXT_ID = 1;
    static final int STATE_HOLE = 1, STATE_ZERO = 1 << 1;

    /** The {@code base:allocation} status flags of an allocation. */
    static int state(Allocation a) {
        return switch (a) {
            case DATA -> 0;
            case ZERO -> STATE_ZERO;
            case HOLE -> STATE_HOLE | STATE_ZERO;
        };
    }

    // Errors on the wire: NBD carries Linux errno values (anything else is sent as EIO), so they are Errno's.
    static final int EPERM = Errno.EPERM.number(), EIO = Errno.EIO.number(), ENOMEM = Errno.ENOMEM.number(),
            EINVAL = Errno.EINVAL.number(), ENOSPC = Errno.ENOSPC.number(), EOVERFLOW = Errno.EOVERFLOW.number(),
            ESHUTDOWN = Errno.ESHUTDOWN.number();

    /** The error NBD carries for an errno; anything it has no value for is EIO. */
    static int wire(Errno e) {
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
}
