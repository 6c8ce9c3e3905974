package dev.j4l.block.nbd;

import dev.j4l.kernel.Errno;

/**
 * The NBD protocol's numbers (the protocol document of the NBD project, "proto.md"): magics, handshake and
 * transmission flags, options and their replies, commands, command flags, and the error values, all
 * big-endian on the wire.
 */
final class NbdProtocol {
    private NbdProtocol() {}

    static final long NBDMAGIC = 0x4e42444d41474943L;
    static final long IHAVEOPT = 0x49484156454f5054L;
    static final long REP_MAGIC = 0x3e889045565a9L;
    static final int REQUEST_MAGIC = 0x25609513;
    static final int SIMPLE_REPLY_MAGIC = 0x67446698;

    // Handshake flags (server) and client flags
    static final short FLAG_FIXED_NEWSTYLE = 1;
    static final short FLAG_NO_ZEROES = 1 << 1;
    static final int FLAG_C_FIXED_NEWSTYLE = 1;
    static final int FLAG_C_NO_ZEROES = 1 << 1;

    // Options
    static final int OPT_EXPORT_NAME = 1, OPT_ABORT = 2, OPT_LIST = 3, OPT_INFO = 6, OPT_GO = 7;
    /** Longest option payload read; a longer one closes the connection (a client's export name is small). */
    static final int MAX_OPTION = 64 * 1024;

    // Option replies
    static final int REP_ACK = 1, REP_SERVER = 2, REP_INFO = 3;
    static final int REP_ERR_UNSUP = 0x80000001, REP_ERR_POLICY = 0x80000002, REP_ERR_INVALID = 0x80000003,
            REP_ERR_UNKNOWN = 0x80000006;
    static final short INFO_EXPORT = 0, INFO_BLOCK_SIZE = 3;

    // Transmission flags
    static final short TFLAG_HAS_FLAGS = 1, TFLAG_READ_ONLY = 1 << 1, TFLAG_SEND_FLUSH = 1 << 2,
            TFLAG_SEND_FUA = 1 << 3, TFLAG_SEND_TRIM = 1 << 5, TFLAG_SEND_WRITE_ZEROES = 1 << 6,
            TFLAG_CAN_MULTI_CONN = 1 << 8;

    // Commands and command flags
    static final int CMD_READ = 0, CMD_WRITE = 1, CMD_DISC = 2, CMD_FLUSH = 3, CMD_TRIM = 4, CMD_WRITE_ZEROES = 6;
    static final int CMD_FLAG_FUA = 1, CMD_FLAG_NO_HOLE = 1 << 1;
    /** The largest read or write payload served (what NBD_INFO_BLOCK_SIZE advertises as the maximum). */
    static final int MAX_PAYLOAD = 32 << 20;

    // Errors on the wire: NBD carries Linux errno values (anything else is sent as EIO), so they are Errno's.
    static final int EPERM = Errno.EPERM.number(), EIO = Errno.EIO.number(), ENOMEM = Errno.ENOMEM.number(),
            EINVAL = Errno.EINVAL.number(), ENOSPC = Errno.ENOSPC.number(), EOVERFLOW = Errno.EOVERFLOW.number(),
            ESHUTDOWN = Errno.ESHUTDOWN.number();
}
