package dev.j4l.fuse.protocol;

import static dev.j4l.kernel.abi.FuseAbi.*;

import dev.j4l.kernel.ErrnoException;

/**
 * Every request opcode of FUSE 7.45 ({@code enum fuse_opcode}) and what the engine needs to know about it:
 * the number; the smallest body the kernel sends with it (checked once, before decoding, for every request);
 * the decoder that turns the body into a typed {@link FuseRequest}; the shape of a successful reply; and what
 * an ENOSYS answer means to the kernel. This is the one opcode table: reading a request, checking it,
 * decoding it and shaping its reply all go through it. Unknown numbers decode to null and are answered ENOSYS.
 */
public enum FuseOpcode {
    LOOKUP(1, 2, FuseRequest.Lookup::decode, Reply.ENTRY, "error to the caller"),
    FORGET(2, FORGET_IN, FuseRequest.Forget::decode, Reply.NONE, "-"),
    GETATTR(3, GETATTR_IN, FuseRequest.Getattr::decode, Reply.ATTR, "error to the caller"),
    SETATTR(4, SETATTR_IN, FuseRequest.Setattr::decode, Reply.ATTR, "error to the caller"),
    READLINK(5, 0, FuseRequest.Bodiless::decode, Reply.DATA, "error to the caller"),
    SYMLINK(6, 3, FuseRequest.Symlink::decode, Reply.ENTRY, "error to the caller"),
    MKNOD(8, MKNOD_IN + 2, FuseRequest.Mknod::decode, Reply.ENTRY, "error to the caller"),
    MKDIR(9, MKDIR_IN + 2, FuseRequest.Mkdir::decode, Reply.ENTRY, "error to the caller"),
    UNLINK(10, 2, FuseRequest.Named::decode, Reply.EMPTY, "error to the caller"),
    RMDIR(11, 2, FuseRequest.Named::decode, Reply.EMPTY, "error to the caller"),
    RENAME(12, RENAME_IN + 4, FuseRequest.Rename::decode, Reply.EMPTY, "error to the caller"),
    LINK(13, LINK_IN + 2, FuseRequest.Link::decode, Reply.ENTRY, "error to the caller"),
    OPEN(14, OPEN_IN, FuseRequest.Open::decode, Reply.OPEN, "error (or 'no open needed' with NO_OPEN_SUPPORT)"),
    READ(15, RW_IN, FuseRequest.Read::decode, Reply.DATA, "error to the caller"),
    WRITE(16, RW_IN, FuseRequest.Write::decode, Reply.WRITTEN, "error to the caller"),
    STATFS(17, 0, FuseRequest.Bodiless::decode, Reply.STATFS, "error to the caller"),
    RELEASE(18, RELEASE_IN, FuseRequest.Release::decode, Reply.EMPTY, "ignored"),
    FSYNC(20, FSYNC_IN, FuseRequest.Fsync::decode, Reply.EMPTY, "success, never sent again"),
    SETXATTR(21, SETXATTR_IN_COMPAT + 2, FuseRequest.Setxattr::decode, Reply.EMPTY, "EOPNOTSUPP from then on"),
    GETXATTR(22, GETXATTR_IN + 2, FuseRequest.Getxattr::decode, Reply.XATTR, "EOPNOTSUPP from then on"),
    LISTXATTR(23, GETXATTR_IN, FuseRequest.Listxattr::decode, Reply.XATTR_NAMES, "EOPNOTSUPP from then on"),
    REMOVEXATTR(24, 2, FuseRequest.Named::decode, Reply.EMPTY, "EOPNOTSUPP from then on"),
    FLUSH(25, FLUSH_IN, FuseRequest.Flush::decode, Reply.EMPTY, "success, never sent again"),
    // Kernels before 7.36 send the 16-byte fuse_init_in; INIT is decoded before anything is negotiated.
    INIT(26, INIT_IN_COMPAT, FuseRequest.Init::decode, Reply.INIT, "connection fails"),
    OPENDIR(27, OPEN_IN, FuseRequest.Open::decode, Reply.OPEN,
            "error (or 'no opendir needed' with NO_OPENDIR_SUPPORT)"),
    READDIR(28, RW_IN, FuseRequest.Readdir::decode, Reply.DIRENTS, "error to the caller"),
    RELEASEDIR(29, RELEASE_IN, FuseRequest.Release::decode, Reply.EMPTY, "ignored"),
    FSYNCDIR(30, FSYNC_IN, FuseRequest.Fsync::decode, Reply.EMPTY, "success, never sent again"),
    GETLK(31, LK_IN, FuseRequest.Lock::decode, Reply.LOCK, "only sent with POSIX_LOCKS negotiated"),
    SETLK(32, LK_IN, FuseRequest.Lock::decode, Reply.EMPTY, "only sent with POSIX_LOCKS/FLOCK_LOCKS negotiated"),
    SETLKW(33, LK_IN, FuseRequest.Lock::decode, Reply.EMPTY, "only sent with POSIX_LOCKS/FLOCK_LOCKS negotiated"),
    ACCESS(34, ACCESS_IN, FuseRequest.Access::decode, Reply.EMPTY, "success from then on"),
    CREATE(35, CREATE_IN + 2, FuseRequest.Create::decode, Reply.CREATED, "kernel uses MKNOD + OPEN from then on"),
    INTERRUPT(36, INTERRUPT_IN, FuseRequest.Interrupt::decode, Reply.NONE, "interrupts disabled for the connection"),
    BMAP(37, BMAP_IN, FuseRequest.Bmap::decode, Reply.BLOCK, "never sent again (fuseblk only)"),
    DESTROY(38, 0, FuseRequest.Bodiless::decode, Reply.EMPTY, "-"),
    IOCTL(39, IOCTL_IN, FuseRequest.Ioctl::decode, Reply.IOCTL, "error to the caller"),
    POLL(40, POLL_IN, FuseRequest.Poll::decode, Reply.POLL, "always ready from then on"),
    NOTIFY_REPLY(41, RETRIEVE_IN, FuseRequest.RetrieveReply::decode, Reply.NONE, "-"),
    BATCH_FORGET(42, BATCH_FORGET_IN, FuseRequest.BatchForget::decode, Reply.NONE, "-"),
    FALLOCATE(43, FALLOCATE_IN, FuseRequest.Fallocate::decode, Reply.EMPTY, "EOPNOTSUPP from then on"),
    READDIRPLUS(44, RW_IN, FuseRequest.Readdir::decode, Reply.DIRENTS, "error to the caller"),
    RENAME2(45, RENAME2_IN + 4, FuseRequest.Rename::decode2, Reply.EMPTY, "EINVAL for flagged renames from then on"),
    LSEEK(46, LSEEK_IN, FuseRequest.Lseek::decode, Reply.OFFSET, "generic lseek from then on"),
    COPY_FILE_RANGE(47, COPY_FILE_RANGE_IN, FuseRequest.CopyFileRange::decode, Reply.WRITTEN,
            "generic copy from then on"),
    SETUPMAPPING(48, 0, FuseRequest.Bodiless::decode, Reply.EMPTY, "DAX only"),
    REMOVEMAPPING(49, 0, FuseRequest.Bodiless::decode, Reply.EMPTY, "DAX only"),
    SYNCFS(50, SYNCFS_IN, FuseRequest.Bodiless::decode, Reply.EMPTY, "never sent again"),
    TMPFILE(51, CREATE_IN, FuseRequest.Create::decodeTmpfile, Reply.CREATED, "never sent again"),
    STATX(52, STATX_IN, FuseRequest.Statx::decode, Reply.STATX, "served from GETATTR from then on"),
    COPY_FILE_RANGE_64(53, COPY_FILE_RANGE_IN, FuseRequest.CopyFileRange::decode, Reply.COPIED,
            "32-bit COPY_FILE_RANGE from then on"),
    // The first request on a /dev/cuse channel, in place of INIT.
    CUSE_INIT(4096, CUSE_INIT_IN, FuseRequest.CuseInit::decode, Reply.CUSE_INIT, "no device is created");

    /** The shape of a successful reply's payload (after the out-header). */
    public enum Reply {
        /** The kernel expects no reply at all (writing one fails). */
        NONE,
        /** Header only. */
        EMPTY,
        /** {@code fuse_entry_out}: instantiates a node. */
        ENTRY,
        /** {@code fuse_attr_out}. */
        ATTR,
        /** {@code fuse_open_out}. */
        OPEN,
        /** {@code fuse_entry_out} + {@code fuse_open_out}: instantiates a node. */
        CREATED,
        /** Bytes, at most the size asked for (READ, READLINK). */
        DATA,
        /** Dirents or direntplus records. */
        DIRENTS,
        /** {@code fuse_write_out}: a byte count (WRITE, COPY_FILE_RANGE). */
        WRITTEN,
        /** {@code fuse_copy_file_range_out}: a 64-bit byte count. */
        COPIED,
        /** {@code fuse_kstatfs}. */
        STATFS,
        /** An xattr value, or its size when asked with size 0. */
        XATTR,
        /** NUL-separated xattr names, or their size when asked with size 0. */
        XATTR_NAMES,
        /** {@code fuse_lk_out}. */
        LOCK,
        /** {@code fuse_ioctl_out} + output bytes. */
        IOCTL,
        /** {@code fuse_poll_out}. */
        POLL,
        /** {@code fuse_lseek_out}. */
        OFFSET,
        /** {@code fuse_bmap_out}. */
        BLOCK,
        /** {@code fuse_statx_out}. */
        STATX,
        /** {@code fuse_init_out}, written by the INIT handshake. */
        INIT,
        /** {@code cuse_init_out} and the device info, written by the CUSE_INIT handshake. */
        CUSE_INIT
    }

    /** Turns a request body (at least {@link #minBody} bytes) into its typed request. */
    @FunctionalInterface
    public interface Decoder {
        FuseRequest decode(RequestReader body) throws ErrnoException;
    }

    private static final FuseOpcode[] BY_NUMBER = new FuseOpcode[64];

    static {
        for (FuseOpcode o : values()) if (o.number < BY_NUMBER.length) BY_NUMBER[o.number] = o;
    }

    private final int number;
    private final int minBody;
    private final Decoder decoder;
    private final Reply reply;
    private final String enosys;

    FuseOpcode(int number, int minBody, Decoder decoder, Reply reply, String enosys) {
        this.number = number;
        this.minBody = minBody;
        this.decoder = decoder;
        this.reply = reply;
        this.enosys = enosys;
    }

    public int number() {
        return number;
    }

    /**
     * The smallest body (bytes after the in-header) the kernel sends with this opcode to a connection of minor
     * 7.12 or later: the fixed struct, plus one byte and a NUL per name it carries.
     */
    public int minBody() {
        return minBody;
    }

    public Reply reply() {
        return reply;
    }

    /** Decodes a body already checked against {@link #minBody}. */
    public FuseRequest decode(RequestReader body) throws ErrnoException {
        return decoder.decode(body);
    }

    /** What the kernel does with an ENOSYS answer (fs/fuse no_* flags). */
    public String enosysMeaning() {
        return enosys;
    }

    /** True when a successful reply carries an entry the kernel counts as a lookup. */
    public boolean countsLookup() {
        return reply == Reply.ENTRY || reply == Reply.CREATED || this == READDIRPLUS;
    }

    /** The opcode with this number, or null for numbers FUSE 7.45 does not define. */
    public static FuseOpcode of(int number) {
        if (number >= 0 && number < BY_NUMBER.length) return BY_NUMBER[number];
        return number == CUSE_INIT.number ? CUSE_INIT : null;
    }
}
