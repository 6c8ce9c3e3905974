package dev.j4l.kernel.abi;

import static dev.j4l.kernel.abi.CStruct.CHAR;
import static dev.j4l.kernel.abi.CStruct.S32;
import static dev.j4l.kernel.abi.CStruct.S64;
import static dev.j4l.kernel.abi.CStruct.U16;
import static dev.j4l.kernel.abi.CStruct.U32;
import static dev.j4l.kernel.abi.CStruct.U64;
import static dev.j4l.kernel.abi.CStruct.U8;
import static dev.j4l.kernel.abi.CStruct.array;
import static dev.j4l.kernel.abi.CStruct.f;
import static dev.j4l.kernel.abi.CStruct.off;
import static dev.j4l.kernel.abi.CStruct.size;
import static dev.j4l.kernel.abi.CStruct.struct;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.StructLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link FuseAbi} against {@code include/uapi/linux/fuse.h} of Linux 6.18 (FUSE 7.45): the header's structs
 * transcribed member by member (names and C types as the header spells them, C's natural alignment), its
 * {@code #define}d sizes, enums and flag bits copied as they are written there, and every constant of
 * {@code FuseAbi} checked against them. A constant of {@code FuseAbi} that nothing here checks fails the test.
 */
class FuseAbiTest {
    // ---- the header's structs, in its order

    static final StructLayout fuse_attr = struct("fuse_attr",
            f("ino", U64), f("size", U64), f("blocks", U64), f("atime", U64), f("mtime", U64), f("ctime", U64),
            f("atimensec", U32), f("mtimensec", U32), f("ctimensec", U32), f("mode", U32), f("nlink", U32),
            f("uid", U32), f("gid", U32), f("rdev", U32), f("blksize", U32), f("flags", U32));

    static final StructLayout fuse_sx_time = struct("fuse_sx_time",
            f("tv_sec", S64), f("tv_nsec", U32), f("__reserved", S32));

    static final StructLayout fuse_statx = struct("fuse_statx",
            f("mask", U32), f("blksize", U32), f("attributes", U64), f("nlink", U32), f("uid", U32), f("gid", U32),
            f("mode", U16), array("__spare0", 1, U16), f("ino", U64), f("size", U64), f("blocks", U64),
            f("attributes_mask", U64), f("atime", fuse_sx_time), f("btime", fuse_sx_time), f("ctime", fuse_sx_time),
            f("mtime", fuse_sx_time), f("rdev_major", U32), f("rdev_minor", U32), f("dev_major", U32),
            f("dev_minor", U32), array("__spare2", 14, U64));

    static final StructLayout fuse_kstatfs = struct("fuse_kstatfs",
            f("blocks", U64), f("bfree", U64), f("bavail", U64), f("files", U64), f("ffree", U64), f("bsize", U32),
            f("namelen", U32), f("frsize", U32), f("padding", U32), array("spare", 6, U32));

    static final StructLayout fuse_file_lock = struct("fuse_file_lock",
            f("start", U64), f("end", U64), f("type", U32), f("pid", U32));

    static final StructLayout fuse_entry_out = struct("fuse_entry_out",
            f("nodeid", U64), f("generation", U64), f("entry_valid", U64), f("attr_valid", U64),
            f("entry_valid_nsec", U32), f("attr_valid_nsec", U32), f("attr", fuse_attr));

    static final StructLayout fuse_forget_in = struct("fuse_forget_in", f("nlookup", U64));

    static final StructLayout fuse_forget_one = struct("fuse_forget_one", f("nodeid", U64), f("nlookup", U64));

    static final StructLayout fuse_batch_forget_in = struct("fuse_batch_forget_in", f("count", U32), f("dummy", U32));

    static final StructLayout fuse_getattr_in = struct("fuse_getattr_in",
            f("getattr_flags", U32), f("dummy", U32), f("fh", U64));

    static final StructLayout fuse_attr_out = struct("fuse_attr_out",
            f("attr_valid", U64), f("attr_valid_nsec", U32), f("dummy", U32), f("attr", fuse_attr));

    static final StructLayout fuse_statx_in = struct("fuse_statx_in",
            f("getattr_flags", U32), f("reserved", U32), f("fh", U64), f("sx_flags", U32), f("sx_mask", U32));

    static final StructLayout fuse_statx_out = struct("fuse_statx_out",
            f("attr_valid", U64), f("attr_valid_nsec", U32), f("flags", U32), array("spare", 2, U64),
            f("stat", fuse_statx));

    static final StructLayout fuse_mknod_in = struct("fuse_mknod_in",
            f("mode", U32), f("rdev", U32), f("umask", U32), f("padding", U32));

    static final StructLayout fuse_mkdir_in = struct("fuse_mkdir_in", f("mode", U32), f("umask", U32));

    static final StructLayout fuse_rename_in = struct("fuse_rename_in", f("newdir", U64));

    static final StructLayout fuse_rename2_in = struct("fuse_rename2_in",
            f("newdir", U64), f("flags", U32), f("padding", U32));

    static final StructLayout fuse_link_in = struct("fuse_link_in", f("oldnodeid", U64));

    static final StructLayout fuse_setattr_in = struct("fuse_setattr_in",
            f("valid", U32), f("padding", U32), f("fh", U64), f("size", U64), f("lock_owner", U64), f("atime", U64),
            f("mtime", U64), f("ctime", U64), f("atimensec", U32), f("mtimensec", U32), f("ctimensec", U32),
            f("mode", U32), f("unused4", U32), f("uid", U32), f("gid", U32), f("unused5", U32));

    static final StructLayout fuse_open_in = struct("fuse_open_in", f("flags", U32), f("open_flags", U32));

    static final StructLayout fuse_create_in = struct("fuse_create_in",
            f("flags", U32), f("mode", U32), f("umask", U32), f("open_flags", U32));

    static final StructLayout fuse_open_out = struct("fuse_open_out",
            f("fh", U64), f("open_flags", U32), f("backing_id", S32));

    static final StructLayout fuse_release_in = struct("fuse_release_in",
            f("fh", U64), f("flags", U32), f("release_flags", U32), f("lock_owner", U64));

    static final StructLayout fuse_flush_in = struct("fuse_flush_in",
            f("fh", U64), f("unused", U32), f("padding", U32), f("lock_owner", U64));

    static final StructLayout fuse_read_in = struct("fuse_read_in",
            f("fh", U64), f("offset", U64), f("size", U32), f("read_flags", U32), f("lock_owner", U64),
            f("flags", U32), f("padding", U32));

    static final StructLayout fuse_write_in = struct("fuse_write_in",
            f("fh", U64), f("offset", U64), f("size", U32), f("write_flags", U32), f("lock_owner", U64),
            f("flags", U32), f("padding", U32));

    static final StructLayout fuse_write_out = struct("fuse_write_out", f("size", U32), f("padding", U32));

    static final StructLayout fuse_statfs_out = struct("fuse_statfs_out", f("st", fuse_kstatfs));

    static final StructLayout fuse_fsync_in = struct("fuse_fsync_in",
            f("fh", U64), f("fsync_flags", U32), f("padding", U32));

    static final StructLayout fuse_setxattr_in = struct("fuse_setxattr_in",
            f("size", U32), f("flags", U32), f("setxattr_flags", U32), f("padding", U32));

    static final StructLayout fuse_getxattr_in = struct("fuse_getxattr_in", f("size", U32), f("padding", U32));

    static final StructLayout fuse_getxattr_out = struct("fuse_getxattr_out", f("size", U32), f("padding", U32));

    static final StructLayout fuse_lk_in = struct("fuse_lk_in",
            f("fh", U64), f("owner", U64), f("lk", fuse_file_lock), f("lk_flags", U32), f("padding", U32));

    static final StructLayout fuse_lk_out = struct("fuse_lk_out", f("lk", fuse_file_lock));

    static final StructLayout fuse_access_in = struct("fuse_access_in", f("mask", U32), f("padding", U32));

    static final StructLayout fuse_init_in = struct("fuse_init_in",
            f("major", U32), f("minor", U32), f("max_readahead", U32), f("flags", U32), f("flags2", U32),
            array("unused", 11, U32));

    static final StructLayout fuse_init_out = struct("fuse_init_out",
            f("major", U32), f("minor", U32), f("max_readahead", U32), f("flags", U32), f("max_background", U16),
            f("congestion_threshold", U16), f("max_write", U32), f("time_gran", U32), f("max_pages", U16),
            f("map_alignment", U16), f("flags2", U32), f("max_stack_depth", U32), f("request_timeout", U16),
            array("unused", 11, U16));

    static final StructLayout cuse_init_in = struct("cuse_init_in",
            f("major", U32), f("minor", U32), f("unused", U32), f("flags", U32));

    static final StructLayout cuse_init_out = struct("cuse_init_out",
            f("major", U32), f("minor", U32), f("unused", U32), f("flags", U32), f("max_read", U32),
            f("max_write", U32), f("dev_major", U32), f("dev_minor", U32), array("spare", 10, U32));

    static final StructLayout fuse_interrupt_in = struct("fuse_interrupt_in", f("unique", U64));

    static final StructLayout fuse_bmap_in = struct("fuse_bmap_in",
            f("block", U64), f("blocksize", U32), f("padding", U32));

    static final StructLayout fuse_bmap_out = struct("fuse_bmap_out", f("block", U64));

    static final StructLayout fuse_ioctl_in = struct("fuse_ioctl_in",
            f("fh", U64), f("flags", U32), f("cmd", U32), f("arg", U64), f("in_size", U32), f("out_size", U32));

    static final StructLayout fuse_ioctl_iovec = struct("fuse_ioctl_iovec", f("base", U64), f("len", U64));

    static final StructLayout fuse_ioctl_out = struct("fuse_ioctl_out",
            f("result", S32), f("flags", U32), f("in_iovs", U32), f("out_iovs", U32));

    static final StructLayout fuse_poll_in = struct("fuse_poll_in",
            f("fh", U64), f("kh", U64), f("flags", U32), f("events", U32));

    static final StructLayout fuse_poll_out = struct("fuse_poll_out", f("revents", U32), f("padding", U32));

    static final StructLayout fuse_notify_poll_wakeup_out = struct("fuse_notify_poll_wakeup_out", f("kh", U64));

    static final StructLayout fuse_fallocate_in = struct("fuse_fallocate_in",
            f("fh", U64), f("offset", U64), f("length", U64), f("mode", U32), f("padding", U32));

    static final StructLayout fuse_in_header = struct("fuse_in_header",
            f("len", U32), f("opcode", U32), f("unique", U64), f("nodeid", U64), f("uid", U32), f("gid", U32),
            f("pid", U32), f("total_extlen", U16), f("padding", U16));

    static final StructLayout fuse_out_header = struct("fuse_out_header",
            f("len", U32), f("error", S32), f("unique", U64));

    static final StructLayout fuse_dirent = struct("fuse_dirent",
            f("ino", U64), f("off", U64), f("namelen", U32), f("type", U32), array("name", 0, CHAR));

    static final StructLayout fuse_direntplus = struct("fuse_direntplus",
            f("entry_out", fuse_entry_out), f("dirent", fuse_dirent));

    static final StructLayout fuse_notify_inval_inode_out = struct("fuse_notify_inval_inode_out",
            f("ino", U64), f("off", S64), f("len", S64));

    static final StructLayout fuse_notify_inval_entry_out = struct("fuse_notify_inval_entry_out",
            f("parent", U64), f("namelen", U32), f("flags", U32));

    static final StructLayout fuse_notify_delete_out = struct("fuse_notify_delete_out",
            f("parent", U64), f("child", U64), f("namelen", U32), f("padding", U32));

    static final StructLayout fuse_notify_store_out = struct("fuse_notify_store_out",
            f("nodeid", U64), f("offset", U64), f("size", U32), f("padding", U32));

    static final StructLayout fuse_notify_retrieve_out = struct("fuse_notify_retrieve_out",
            f("notify_unique", U64), f("nodeid", U64), f("offset", U64), f("size", U32), f("padding", U32));

    static final StructLayout fuse_notify_retrieve_in = struct("fuse_notify_retrieve_in",
            f("dummy1", U64), f("offset", U64), f("size", U32), f("dummy2", U32), f("dummy3", U64), f("dummy4", U64));

    static final StructLayout fuse_notify_prune_out = struct("fuse_notify_prune_out",
            f("count", U32), f("padding", U32), f("spare", U64));

    static final StructLayout fuse_backing_map = struct("fuse_backing_map",
            f("fd", S32), f("flags", U32), f("padding", U64));

    static final StructLayout fuse_lseek_in = struct("fuse_lseek_in",
            f("fh", U64), f("offset", U64), f("whence", U32), f("padding", U32));

    static final StructLayout fuse_lseek_out = struct("fuse_lseek_out", f("offset", U64));

    static final StructLayout fuse_copy_file_range_in = struct("fuse_copy_file_range_in",
            f("fh_in", U64), f("off_in", U64), f("nodeid_out", U64), f("fh_out", U64), f("off_out", U64),
            f("len", U64), f("flags", U64));

    static final StructLayout fuse_copy_file_range_out = struct("fuse_copy_file_range_out", f("bytes_copied", U64));

    static final StructLayout fuse_setupmapping_in = struct("fuse_setupmapping_in",
            f("fh", U64), f("foffset", U64), f("len", U64), f("flags", U64), f("moffset", U64));

    static final StructLayout fuse_removemapping_in = struct("fuse_removemapping_in", f("count", U32));

    static final StructLayout fuse_removemapping_one = struct("fuse_removemapping_one", f("moffset", U64), f("len", U64));

    static final StructLayout fuse_syncfs_in = struct("fuse_syncfs_in", f("padding", U64));

    static final StructLayout fuse_secctx = struct("fuse_secctx", f("size", U32), f("padding", U32));

    static final StructLayout fuse_secctx_header = struct("fuse_secctx_header", f("size", U32), f("nr_secctx", U32));

    static final StructLayout fuse_ext_header = struct("fuse_ext_header", f("size", U32), f("type", U32));

    static final StructLayout fuse_supp_groups = struct("fuse_supp_groups",
            f("nr_groups", U32), array("groups", 0, U32));

    static final long FUSE_URING_IN_OUT_HEADER_SZ = 128;
    static final long FUSE_URING_OP_IN_OUT_SZ = 128;

    static final StructLayout fuse_uring_ent_in_out = struct("fuse_uring_ent_in_out",
            f("flags", U64), f("commit_id", U64), f("payload_sz", U32), f("padding", U32), f("reserved", U64));

    static final StructLayout fuse_uring_req_header = struct("fuse_uring_req_header",
            array("in_out", (int) FUSE_URING_IN_OUT_HEADER_SZ, CHAR), array("op_in", (int) FUSE_URING_OP_IN_OUT_SZ, CHAR),
            f("ring_ent_in_out", fuse_uring_ent_in_out));

    static final StructLayout fuse_uring_cmd_req = struct("fuse_uring_cmd_req",
            f("flags", U64), f("commit_id", U64), f("qid", U16), array("padding", 6, U8));

    /** Every struct above, for comparing the transcription with a C compiler's view of the header. */
    static final StructLayout[] STRUCTS = {fuse_attr, fuse_sx_time, fuse_statx, fuse_kstatfs, fuse_file_lock,
        fuse_entry_out, fuse_forget_in, fuse_forget_one, fuse_batch_forget_in, fuse_getattr_in, fuse_attr_out,
        fuse_statx_in, fuse_statx_out, fuse_mknod_in, fuse_mkdir_in, fuse_rename_in, fuse_rename2_in, fuse_link_in,
        fuse_setattr_in, fuse_open_in, fuse_create_in, fuse_open_out, fuse_release_in, fuse_flush_in, fuse_read_in,
        fuse_write_in, fuse_write_out, fuse_statfs_out, fuse_fsync_in, fuse_setxattr_in, fuse_getxattr_in,
        fuse_getxattr_out, fuse_lk_in, fuse_lk_out, fuse_access_in, fuse_init_in, fuse_init_out, cuse_init_in,
        cuse_init_out, fuse_interrupt_in, fuse_bmap_in, fuse_bmap_out, fuse_ioctl_in, fuse_ioctl_iovec,
        fuse_ioctl_out, fuse_poll_in, fuse_poll_out, fuse_notify_poll_wakeup_out, fuse_fallocate_in, fuse_in_header,
        fuse_out_header, fuse_dirent, fuse_direntplus, fuse_notify_inval_inode_out, fuse_notify_inval_entry_out,
        fuse_notify_delete_out, fuse_notify_store_out, fuse_notify_retrieve_out, fuse_notify_retrieve_in,
        fuse_notify_prune_out, fuse_backing_map, fuse_lseek_in, fuse_lseek_out, fuse_copy_file_range_in,
        fuse_copy_file_range_out, fuse_setupmapping_in, fuse_removemapping_in, fuse_removemapping_one,
        fuse_syncfs_in, fuse_secctx, fuse_secctx_header, fuse_ext_header, fuse_supp_groups, fuse_uring_ent_in_out,
        fuse_uring_req_header, fuse_uring_cmd_req};

    // ---- the header's own numbers

    static final long FUSE_KERNEL_VERSION = 7;
    static final long FUSE_KERNEL_MINOR_VERSION = 45;
    static final long FUSE_ROOT_ID = 1;
    static final long FUSE_MIN_READ_BUFFER = 8192;
    static final long FUSE_COMPAT_ENTRY_OUT_SIZE = 120;
    static final long FUSE_COMPAT_ATTR_OUT_SIZE = 96;
    static final long FUSE_COMPAT_MKNOD_IN_SIZE = 8;
    static final long FUSE_COMPAT_WRITE_IN_SIZE = 24;
    static final long FUSE_COMPAT_STATFS_SIZE = 48;
    static final long FUSE_COMPAT_SETXATTR_IN_SIZE = 8;
    static final long FUSE_COMPAT_INIT_OUT_SIZE = 8;
    static final long FUSE_COMPAT_22_INIT_OUT_SIZE = 24;

    static final long FUSE_RELEASE_FLUSH = 1 << 0;
    static final long FUSE_RELEASE_FLOCK_UNLOCK = 1 << 1;
    static final long FUSE_GETATTR_FH = 1 << 0;
    static final long FUSE_LK_FLOCK = 1 << 0;
    static final long FUSE_POLL_SCHEDULE_NOTIFY = 1 << 0;
    static final long FUSE_IOCTL_COMPAT = 1 << 0, FUSE_IOCTL_UNRESTRICTED = 1 << 1, FUSE_IOCTL_RETRY = 1 << 2,
            FUSE_IOCTL_32BIT = 1 << 3, FUSE_IOCTL_MAX_IOV = 256;
    static final long FUSE_FSYNC_FDATASYNC = 1 << 0;
    static final long FUSE_EXPIRE_ONLY = 1 << 0;

    /** {@code enum fuse_opcode}: the one opcode the kernel module uses. */
    static final long FUSE_INIT = 26;
    /** {@code CUSE_INIT} of {@code enum fuse_opcode}, and the CUSE defines. */
    static final long CUSE_INIT = 4096;
    static final long CUSE_UNRESTRICTED_IOCTL = 1 << 0;
    static final long CUSE_INIT_INFO_MAX = 4096;

    /** {@code enum fuse_notify_code}. */
    static final long FUSE_NOTIFY_POLL = 1, FUSE_NOTIFY_INVAL_INODE = 2, FUSE_NOTIFY_INVAL_ENTRY = 3,
            FUSE_NOTIFY_STORE = 4, FUSE_NOTIFY_RETRIEVE = 5, FUSE_NOTIFY_DELETE = 6, FUSE_NOTIFY_RESEND = 7,
            FUSE_NOTIFY_INC_EPOCH = 8, FUSE_NOTIFY_PRUNE = 9;

    /** {@code enum fuse_uring_cmd}. */
    static final long FUSE_IO_URING_CMD_INVALID = 0, FUSE_IO_URING_CMD_REGISTER = 1,
            FUSE_IO_URING_CMD_COMMIT_AND_FETCH = 2;

    static final long FUSE_DEV_IOC_MAGIC = 229;

    /** The INIT flags, each {@code #define FUSE_xxx} of the header (bits 32..63 travel in {@code flags2}). */
    static final Map<String, Long> INIT_FLAGS = new LinkedHashMap<>();

    static {
        String[] names = {"ASYNC_READ", "POSIX_LOCKS", "FILE_OPS", "ATOMIC_O_TRUNC", "EXPORT_SUPPORT", "BIG_WRITES",
            "DONT_MASK", "SPLICE_WRITE", "SPLICE_MOVE", "SPLICE_READ", "FLOCK_LOCKS", "HAS_IOCTL_DIR",
            "AUTO_INVAL_DATA", "DO_READDIRPLUS", "READDIRPLUS_AUTO", "ASYNC_DIO", "WRITEBACK_CACHE",
            "NO_OPEN_SUPPORT", "PARALLEL_DIROPS", "HANDLE_KILLPRIV", "POSIX_ACL", "ABORT_ERROR", "MAX_PAGES",
            "CACHE_SYMLINKS", "NO_OPENDIR_SUPPORT", "EXPLICIT_INVAL_DATA", "MAP_ALIGNMENT", "SUBMOUNTS",
            "HANDLE_KILLPRIV_V2", "SETXATTR_EXT", "INIT_EXT", "INIT_RESERVED", "SECURITY_CTX", "HAS_INODE_DAX",
            "CREATE_SUPP_GROUP", "HAS_EXPIRE_ONLY", "DIRECT_IO_ALLOW_MMAP", "PASSTHROUGH", "NO_EXPORT_SUPPORT",
            "HAS_RESEND", "ALLOW_IDMAP", "OVER_IO_URING", "REQUEST_TIMEOUT"};
        // The header numbers them 1 << 0 ... 1ULL << 42 in exactly this order.
        for (int bit = 0; bit < names.length; bit++) INIT_FLAGS.put("FUSE_" + names[bit], 1L << bit);
    }

    /** {@code _IOC(dir, type, nr, size)} of asm-generic/ioctl.h: the encoding of the device ioctls. */
    private static long ioc(long dir, long type, long nr, long size) {
        return dir << 30 | size << 16 | type << 8 | nr;
    }

    private static final long IOC_NONE = 0, IOC_WRITE = 1, IOC_READ = 2;

    @Test
    void everyConstantIsTheHeaders() {
        CStruct.Pins p = new CStruct.Pins(FuseAbi.class);
        p.pin("KERNEL_VERSION", FUSE_KERNEL_VERSION).pin("KERNEL_MINOR", FUSE_KERNEL_MINOR_VERSION)
                .pin("ROOT_ID", FUSE_ROOT_ID).pin("MIN_READ_BUFFER", FUSE_MIN_READ_BUFFER)
                .pin("OPCODE_INIT", FUSE_INIT);
        // Not from fuse.h: j4l's oldest minor and fs/fuse/fuse_i.h's FUSE_NAME_LOW_MAX (limits.h's PATH_MAX is Fs's).
        p.pin("MIN_MINOR", 12).pin("NAME_MAX", 1024);

        p.pin("IN_HEADER", fuse_in_header.byteSize()).pin("IN_LEN", off(fuse_in_header, "len"))
                .pin("IN_OPCODE", off(fuse_in_header, "opcode")).pin("IN_UNIQUE", off(fuse_in_header, "unique"))
                .pin("IN_NODEID", off(fuse_in_header, "nodeid")).pin("IN_UID", off(fuse_in_header, "uid"))
                .pin("IN_GID", off(fuse_in_header, "gid")).pin("IN_PID", off(fuse_in_header, "pid"))
                .pin("IN_TOTAL_EXTLEN", off(fuse_in_header, "total_extlen"));
        p.pin("OUT_HEADER", fuse_out_header.byteSize()).pin("OUT_LEN", off(fuse_out_header, "len"))
                .pin("OUT_ERROR", off(fuse_out_header, "error")).pin("OUT_UNIQUE", off(fuse_out_header, "unique"));

        p.pin("ATTR_SIZE", fuse_attr.byteSize()).pin("ATTR_INO", off(fuse_attr, "ino"))
                .pin("ATTR_SIZE_F", off(fuse_attr, "size")).pin("ATTR_BLOCKS", off(fuse_attr, "blocks"))
                .pin("ATTR_ATIME", off(fuse_attr, "atime")).pin("ATTR_MTIME", off(fuse_attr, "mtime"))
                .pin("ATTR_CTIME", off(fuse_attr, "ctime")).pin("ATTR_ATIMENSEC", off(fuse_attr, "atimensec"))
                .pin("ATTR_MTIMENSEC", off(fuse_attr, "mtimensec")).pin("ATTR_CTIMENSEC", off(fuse_attr, "ctimensec"))
                .pin("ATTR_MODE", off(fuse_attr, "mode")).pin("ATTR_NLINK", off(fuse_attr, "nlink"))
                .pin("ATTR_UID", off(fuse_attr, "uid")).pin("ATTR_GID", off(fuse_attr, "gid"))
                .pin("ATTR_RDEV", off(fuse_attr, "rdev")).pin("ATTR_BLKSIZE", off(fuse_attr, "blksize"))
                .pin("ATTR_FLAGS", off(fuse_attr, "flags"));

        p.pin("ENTRY_OUT", fuse_entry_out.byteSize()).pin("ENTRY_OUT_COMPAT", FUSE_COMPAT_ENTRY_OUT_SIZE)
                .pin("ENTRY_NODEID", off(fuse_entry_out, "nodeid"))
                .pin("ENTRY_GENERATION", off(fuse_entry_out, "generation"))
                .pin("ENTRY_VALID", off(fuse_entry_out, "entry_valid"))
                .pin("ENTRY_ATTR_VALID", off(fuse_entry_out, "attr_valid"))
                .pin("ENTRY_VALID_NSEC", off(fuse_entry_out, "entry_valid_nsec"))
                .pin("ENTRY_ATTR_VALID_NSEC", off(fuse_entry_out, "attr_valid_nsec"))
                .pin("ENTRY_ATTR", off(fuse_entry_out, "attr"));

        p.pin("ATTR_OUT", fuse_attr_out.byteSize()).pin("ATTR_OUT_COMPAT", FUSE_COMPAT_ATTR_OUT_SIZE)
                .pin("ATTR_OUT_VALID", off(fuse_attr_out, "attr_valid"))
                .pin("ATTR_OUT_VALID_NSEC", off(fuse_attr_out, "attr_valid_nsec"))
                .pin("ATTR_OUT_DUMMY", off(fuse_attr_out, "dummy")).pin("ATTR_OUT_ATTR", off(fuse_attr_out, "attr"));

        p.pin("OPEN_OUT", fuse_open_out.byteSize()).pin("OPEN_FH", off(fuse_open_out, "fh"))
                .pin("OPEN_FLAGS", off(fuse_open_out, "open_flags"))
                .pin("OPEN_BACKING_ID", off(fuse_open_out, "backing_id"));

        p.pin("FORGET_IN", fuse_forget_in.byteSize()).pin("FORGET_NLOOKUP", off(fuse_forget_in, "nlookup"))
                .pin("BATCH_FORGET_IN", fuse_batch_forget_in.byteSize())
                .pin("BATCH_FORGET_COUNT", off(fuse_batch_forget_in, "count"))
                .pin("FORGET_ONE", fuse_forget_one.byteSize()).pin("FORGET_ONE_NODEID", off(fuse_forget_one, "nodeid"))
                .pin("FORGET_ONE_NLOOKUP", off(fuse_forget_one, "nlookup"));

        p.pin("GETATTR_IN", fuse_getattr_in.byteSize()).pin("GETATTR_FLAGS", off(fuse_getattr_in, "getattr_flags"))
                .pin("GETATTR_FH", off(fuse_getattr_in, "fh")).pin("GETATTR_FH_VALID", FUSE_GETATTR_FH);

        p.pin("SETATTR_IN", fuse_setattr_in.byteSize()).pin("SETATTR_VALID", off(fuse_setattr_in, "valid"))
                .pin("SETATTR_FH", off(fuse_setattr_in, "fh")).pin("SETATTR_SIZE", off(fuse_setattr_in, "size"))
                .pin("SETATTR_LOCK_OWNER", off(fuse_setattr_in, "lock_owner"))
                .pin("SETATTR_ATIME", off(fuse_setattr_in, "atime")).pin("SETATTR_MTIME", off(fuse_setattr_in, "mtime"))
                .pin("SETATTR_CTIME", off(fuse_setattr_in, "ctime"))
                .pin("SETATTR_ATIMENSEC", off(fuse_setattr_in, "atimensec"))
                .pin("SETATTR_MTIMENSEC", off(fuse_setattr_in, "mtimensec"))
                .pin("SETATTR_CTIMENSEC", off(fuse_setattr_in, "ctimensec"))
                .pin("SETATTR_MODE", off(fuse_setattr_in, "mode")).pin("SETATTR_UID", off(fuse_setattr_in, "uid"))
                .pin("SETATTR_GID", off(fuse_setattr_in, "gid"));

        p.pin("MKNOD_IN", fuse_mknod_in.byteSize()).pin("MKNOD_IN_COMPAT", FUSE_COMPAT_MKNOD_IN_SIZE)
                .pin("MKNOD_MODE", off(fuse_mknod_in, "mode")).pin("MKNOD_RDEV", off(fuse_mknod_in, "rdev"))
                .pin("MKNOD_UMASK", off(fuse_mknod_in, "umask"));
        p.pin("MKDIR_IN", fuse_mkdir_in.byteSize()).pin("MKDIR_MODE", off(fuse_mkdir_in, "mode"))
                .pin("MKDIR_UMASK", off(fuse_mkdir_in, "umask"));
        p.pin("RENAME_IN", fuse_rename_in.byteSize()).pin("RENAME2_IN", fuse_rename2_in.byteSize())
                .pin("LINK_IN", fuse_link_in.byteSize()).pin("RENAME_NEWDIR", off(fuse_rename_in, "newdir"))
                .pin("RENAME2_FLAGS", off(fuse_rename2_in, "flags")).pin("LINK_OLDNODEID", off(fuse_link_in, "oldnodeid"));
        // fuse_rename2_in starts as fuse_rename_in does: RENAME_NEWDIR serves both.
        assertEquals(off(fuse_rename_in, "newdir"), off(fuse_rename2_in, "newdir"));

        p.pin("OPEN_IN", fuse_open_in.byteSize()).pin("CREATE_IN", fuse_create_in.byteSize())
                .pin("OPEN_IN_FLAGS", off(fuse_open_in, "flags")).pin("OPEN_IN_OPEN_FLAGS", off(fuse_open_in, "open_flags"))
                .pin("CREATE_FLAGS", off(fuse_create_in, "flags")).pin("CREATE_MODE", off(fuse_create_in, "mode"))
                .pin("CREATE_UMASK", off(fuse_create_in, "umask"))
                .pin("CREATE_OPEN_FLAGS", off(fuse_create_in, "open_flags"));

        // RW_* name fuse_read_in and fuse_write_in at once: the two are member for member alike.
        assertEquals(CStruct.members(fuse_read_in).values().stream().toList(),
                CStruct.members(fuse_write_in).values().stream().toList());
        assertEquals(fuse_read_in.byteSize(), fuse_write_in.byteSize());
        p.pin("RW_IN", fuse_read_in.byteSize()).pin("WRITE_IN_COMPAT", FUSE_COMPAT_WRITE_IN_SIZE)
                .pin("RW_FH", off(fuse_read_in, "fh")).pin("RW_OFFSET", off(fuse_read_in, "offset"))
                .pin("RW_SIZE", off(fuse_read_in, "size")).pin("RW_FLAGS", off(fuse_write_in, "write_flags"))
                .pin("RW_LOCK_OWNER", off(fuse_read_in, "lock_owner")).pin("RW_OPEN_FLAGS", off(fuse_read_in, "flags"))
                .pin("WRITE_OUT", fuse_write_out.byteSize()).pin("WRITE_OUT_SIZE", off(fuse_write_out, "size"));
        assertEquals(off(fuse_read_in, "read_flags"), off(fuse_write_in, "write_flags"));

        p.pin("RELEASE_IN", fuse_release_in.byteSize()).pin("FLUSH_IN", fuse_flush_in.byteSize())
                .pin("FSYNC_IN", fuse_fsync_in.byteSize()).pin("RELEASE_FH", off(fuse_release_in, "fh"))
                .pin("RELEASE_FLAGS", off(fuse_release_in, "flags"))
                .pin("RELEASE_RELEASE_FLAGS", off(fuse_release_in, "release_flags"))
                .pin("RELEASE_LOCK_OWNER", off(fuse_release_in, "lock_owner"))
                .pin("RELEASE_FLUSH", FUSE_RELEASE_FLUSH).pin("RELEASE_FLOCK_UNLOCK", FUSE_RELEASE_FLOCK_UNLOCK)
                .pin("FLUSH_FH", off(fuse_flush_in, "fh")).pin("FLUSH_LOCK_OWNER", off(fuse_flush_in, "lock_owner"))
                .pin("FSYNC_FH", off(fuse_fsync_in, "fh")).pin("FSYNC_FLAGS", off(fuse_fsync_in, "fsync_flags"))
                .pin("FSYNC_FDATASYNC", FUSE_FSYNC_FDATASYNC);

        p.pin("STATFS_OUT", fuse_statfs_out.byteSize()).pin("STATFS_OUT_COMPAT", FUSE_COMPAT_STATFS_SIZE)
                .pin("STATFS_BLOCKS", off(fuse_statfs_out, "st", "blocks"))
                .pin("STATFS_BFREE", off(fuse_statfs_out, "st", "bfree"))
                .pin("STATFS_BAVAIL", off(fuse_statfs_out, "st", "bavail"))
                .pin("STATFS_FILES", off(fuse_statfs_out, "st", "files"))
                .pin("STATFS_FFREE", off(fuse_statfs_out, "st", "ffree"))
                .pin("STATFS_BSIZE", off(fuse_statfs_out, "st", "bsize"))
                .pin("STATFS_NAMELEN", off(fuse_statfs_out, "st", "namelen"))
                .pin("STATFS_FRSIZE", off(fuse_statfs_out, "st", "frsize"))
                .pin("STATFS_PADDING", off(fuse_statfs_out, "st", "padding"));

        p.pin("SETXATTR_IN_EXT", fuse_setxattr_in.byteSize()).pin("SETXATTR_IN_COMPAT", FUSE_COMPAT_SETXATTR_IN_SIZE)
                .pin("GETXATTR_IN", fuse_getxattr_in.byteSize()).pin("GETXATTR_OUT", fuse_getxattr_out.byteSize())
                .pin("SETXATTR_SIZE", off(fuse_setxattr_in, "size")).pin("SETXATTR_FLAGS", off(fuse_setxattr_in, "flags"))
                .pin("SETXATTR_SETXATTR_FLAGS", off(fuse_setxattr_in, "setxattr_flags"))
                .pin("GETXATTR_SIZE", off(fuse_getxattr_in, "size"))
                .pin("GETXATTR_OUT_SIZE", off(fuse_getxattr_out, "size"));

        p.pin("LK_IN", fuse_lk_in.byteSize()).pin("LK_OUT", fuse_lk_out.byteSize())
                .pin("LK_FH", off(fuse_lk_in, "fh")).pin("LK_OWNER", off(fuse_lk_in, "owner"))
                .pin("LK_LK", off(fuse_lk_in, "lk")).pin("LK_FLAGS", off(fuse_lk_in, "lk_flags"))
                .pin("FILE_LOCK_START", off(fuse_file_lock, "start")).pin("FILE_LOCK_END", off(fuse_file_lock, "end"))
                .pin("FILE_LOCK_TYPE", off(fuse_file_lock, "type")).pin("FILE_LOCK_PID", off(fuse_file_lock, "pid"))
                .pin("LK_START", off(fuse_lk_in, "lk", "start")).pin("LK_END", off(fuse_lk_in, "lk", "end"))
                .pin("LK_TYPE", off(fuse_lk_in, "lk", "type")).pin("LK_PID", off(fuse_lk_in, "lk", "pid"))
                .pin("LK_FLOCK", FUSE_LK_FLOCK);
        assertEquals(0, off(fuse_lk_out, "lk"));

        p.pin("ACCESS_IN", fuse_access_in.byteSize()).pin("ACCESS_MASK", off(fuse_access_in, "mask"))
                .pin("INTERRUPT_IN", fuse_interrupt_in.byteSize())
                .pin("INTERRUPT_UNIQUE", off(fuse_interrupt_in, "unique"));

        // Before 7.36 fuse_init_in ended at flags2; the header names no size for that.
        p.pin("INIT_IN", fuse_init_in.byteSize()).pin("INIT_IN_COMPAT", off(fuse_init_in, "flags2"))
                .pin("INIT_MAJOR", off(fuse_init_in, "major")).pin("INIT_MINOR", off(fuse_init_in, "minor"))
                .pin("INIT_MAX_READAHEAD", off(fuse_init_in, "max_readahead"))
                .pin("INIT_FLAGS", off(fuse_init_in, "flags")).pin("INIT_FLAGS2", off(fuse_init_in, "flags2"));
        // The reply starts as the request does: INIT_MAJOR..INIT_FLAGS serve both.
        for (String m : new String[] {"major", "minor", "max_readahead", "flags"}) {
            assertEquals(off(fuse_init_in, m), off(fuse_init_out, m), m);
        }
        p.pin("INIT_OUT", fuse_init_out.byteSize()).pin("INIT_OUT_COMPAT_23", FUSE_COMPAT_22_INIT_OUT_SIZE)
                .pin("INIT_OUT_COMPAT_5", FUSE_COMPAT_INIT_OUT_SIZE)
                .pin("INITO_MAX_BACKGROUND", off(fuse_init_out, "max_background"))
                .pin("INITO_CONGESTION", off(fuse_init_out, "congestion_threshold"))
                .pin("INITO_MAX_WRITE", off(fuse_init_out, "max_write"))
                .pin("INITO_TIME_GRAN", off(fuse_init_out, "time_gran"))
                .pin("INITO_MAX_PAGES", off(fuse_init_out, "max_pages"))
                .pin("INITO_MAP_ALIGNMENT", off(fuse_init_out, "map_alignment"))
                .pin("INITO_FLAGS2", off(fuse_init_out, "flags2"))
                .pin("INITO_MAX_STACK_DEPTH", off(fuse_init_out, "max_stack_depth"))
                .pin("INITO_REQUEST_TIMEOUT", off(fuse_init_out, "request_timeout"));
        p.pin("OPCODE_CUSE_INIT", CUSE_INIT).pin("CUSE_UNRESTRICTED_IOCTL", CUSE_UNRESTRICTED_IOCTL)
                .pin("CUSE_INIT_INFO_MAX", CUSE_INIT_INFO_MAX)
                .pin("CUSE_INIT_IN", cuse_init_in.byteSize()).pin("CUSE_INIT_OUT", cuse_init_out.byteSize())
                .pin("CUSE_MAJOR", off(cuse_init_in, "major")).pin("CUSE_MINOR", off(cuse_init_in, "minor"))
                .pin("CUSE_FLAGS", off(cuse_init_in, "flags"))
                .pin("CUSEO_MAX_READ", off(cuse_init_out, "max_read"))
                .pin("CUSEO_MAX_WRITE", off(cuse_init_out, "max_write"))
                .pin("CUSEO_DEV_MAJOR", off(cuse_init_out, "dev_major"))
                .pin("CUSEO_DEV_MINOR", off(cuse_init_out, "dev_minor"));
        // cuse_init_in and cuse_init_out begin alike: CUSE_MAJOR, CUSE_MINOR and CUSE_FLAGS serve both.
        for (String m : new String[] {"major", "minor", "flags"}) assertEquals(off(cuse_init_in, m), off(cuse_init_out, m));

        // FUSE_NAME_OFFSET and FUSE_NAME_OFFSET_DIRENTPLUS: where a record's name starts.
        p.pin("DIRENT", off(fuse_dirent, "name")).pin("DIRENTPLUS", off(fuse_direntplus, "dirent", "name"))
                .pin("DIRENT_INO", off(fuse_dirent, "ino")).pin("DIRENT_OFF", off(fuse_dirent, "off"))
                .pin("DIRENT_NAMELEN", off(fuse_dirent, "namelen")).pin("DIRENT_TYPE", off(fuse_dirent, "type"))
                .pin("DIRENT_NAME", off(fuse_dirent, "name"));

        p.pin("IOCTL_IN", fuse_ioctl_in.byteSize()).pin("IOCTL_OUT", fuse_ioctl_out.byteSize())
                .pin("IOCTL_FH", off(fuse_ioctl_in, "fh")).pin("IOCTL_FLAGS", off(fuse_ioctl_in, "flags"))
                .pin("IOCTL_CMD", off(fuse_ioctl_in, "cmd")).pin("IOCTL_ARG", off(fuse_ioctl_in, "arg"))
                .pin("IOCTL_IN_SIZE", off(fuse_ioctl_in, "in_size")).pin("IOCTL_OUT_SIZE", off(fuse_ioctl_in, "out_size"))
                .pin("IOCTL_OUT_RESULT", off(fuse_ioctl_out, "result")).pin("IOCTL_OUT_FLAGS", off(fuse_ioctl_out, "flags"))
                .pin("IOCTL_OUT_IN_IOVS", off(fuse_ioctl_out, "in_iovs"))
                .pin("IOCTL_OUT_OUT_IOVS", off(fuse_ioctl_out, "out_iovs"))
                .pin("IOCTL_COMPAT", FUSE_IOCTL_COMPAT).pin("IOCTL_UNRESTRICTED", FUSE_IOCTL_UNRESTRICTED)
                .pin("IOCTL_RETRY", FUSE_IOCTL_RETRY).pin("IOCTL_32BIT", FUSE_IOCTL_32BIT)
                .pin("IOCTL_IOVEC", fuse_ioctl_iovec.byteSize()).pin("IOCTL_IOVEC_BASE", off(fuse_ioctl_iovec, "base"))
                .pin("IOCTL_IOVEC_LEN", off(fuse_ioctl_iovec, "len")).pin("IOCTL_MAX_IOV", FUSE_IOCTL_MAX_IOV);

        p.pin("POLL_IN", fuse_poll_in.byteSize()).pin("POLL_OUT", fuse_poll_out.byteSize())
                .pin("POLL_FH", off(fuse_poll_in, "fh")).pin("POLL_KH", off(fuse_poll_in, "kh"))
                .pin("POLL_FLAGS", off(fuse_poll_in, "flags")).pin("POLL_EVENTS", off(fuse_poll_in, "events"))
                .pin("POLL_OUT_REVENTS", off(fuse_poll_out, "revents"))
                .pin("POLL_SCHEDULE_NOTIFY", FUSE_POLL_SCHEDULE_NOTIFY);

        p.pin("FALLOCATE_IN", fuse_fallocate_in.byteSize()).pin("LSEEK_IN", fuse_lseek_in.byteSize())
                .pin("LSEEK_OUT", fuse_lseek_out.byteSize()).pin("FALLOC_FH", off(fuse_fallocate_in, "fh"))
                .pin("FALLOC_OFFSET", off(fuse_fallocate_in, "offset"))
                .pin("FALLOC_LENGTH", off(fuse_fallocate_in, "length")).pin("FALLOC_MODE", off(fuse_fallocate_in, "mode"))
                .pin("LSEEK_FH", off(fuse_lseek_in, "fh")).pin("LSEEK_OFFSET", off(fuse_lseek_in, "offset"))
                .pin("LSEEK_WHENCE", off(fuse_lseek_in, "whence")).pin("LSEEK_OUT_OFFSET", off(fuse_lseek_out, "offset"));

        p.pin("COPY_FILE_RANGE_IN", fuse_copy_file_range_in.byteSize())
                .pin("COPY_FILE_RANGE_OUT", fuse_copy_file_range_out.byteSize())
                .pin("CFR_FH_IN", off(fuse_copy_file_range_in, "fh_in"))
                .pin("CFR_OFF_IN", off(fuse_copy_file_range_in, "off_in"))
                .pin("CFR_NODEID_OUT", off(fuse_copy_file_range_in, "nodeid_out"))
                .pin("CFR_FH_OUT", off(fuse_copy_file_range_in, "fh_out"))
                .pin("CFR_OFF_OUT", off(fuse_copy_file_range_in, "off_out"))
                .pin("CFR_LEN", off(fuse_copy_file_range_in, "len")).pin("CFR_FLAGS", off(fuse_copy_file_range_in, "flags"))
                .pin("CFR_OUT_BYTES_COPIED", off(fuse_copy_file_range_out, "bytes_copied"));

        p.pin("BMAP_IN", fuse_bmap_in.byteSize()).pin("BMAP_OUT", fuse_bmap_out.byteSize())
                .pin("SYNCFS_IN", fuse_syncfs_in.byteSize()).pin("BMAP_BLOCK", off(fuse_bmap_in, "block"))
                .pin("BMAP_BLOCKSIZE", off(fuse_bmap_in, "blocksize")).pin("BMAP_OUT_BLOCK", off(fuse_bmap_out, "block"));

        p.pin("STATX_IN", fuse_statx_in.byteSize()).pin("STATX_GETATTR_FLAGS", off(fuse_statx_in, "getattr_flags"))
                .pin("STATX_FH", off(fuse_statx_in, "fh")).pin("STATX_SX_FLAGS", off(fuse_statx_in, "sx_flags"))
                .pin("STATX_SX_MASK", off(fuse_statx_in, "sx_mask")).pin("STATX_OUT", fuse_statx_out.byteSize())
                .pin("STATX_OUT_ATTR_VALID", off(fuse_statx_out, "attr_valid"))
                .pin("STATX_OUT_ATTR_VALID_NSEC", off(fuse_statx_out, "attr_valid_nsec"))
                .pin("STATX_OUT_FLAGS", off(fuse_statx_out, "flags")).pin("STATX_STAT", off(fuse_statx_out, "stat"));
        p.pin("SX_SIZE", fuse_statx.byteSize()).pin("SX_MASK", off(fuse_statx, "mask"))
                .pin("SX_BLKSIZE", off(fuse_statx, "blksize")).pin("SX_ATTRIBUTES", off(fuse_statx, "attributes"))
                .pin("SX_NLINK", off(fuse_statx, "nlink")).pin("SX_UID", off(fuse_statx, "uid"))
                .pin("SX_GID", off(fuse_statx, "gid")).pin("SX_MODE", off(fuse_statx, "mode"))
                .pin("SX_INO", off(fuse_statx, "ino")).pin("SX_SIZE_F", off(fuse_statx, "size"))
                .pin("SX_BLOCKS", off(fuse_statx, "blocks")).pin("SX_ATTRIBUTES_MASK", off(fuse_statx, "attributes_mask"))
                .pin("SX_ATIME", off(fuse_statx, "atime")).pin("SX_BTIME", off(fuse_statx, "btime"))
                .pin("SX_CTIME", off(fuse_statx, "ctime")).pin("SX_MTIME", off(fuse_statx, "mtime"))
                .pin("SX_RDEV_MAJOR", off(fuse_statx, "rdev_major")).pin("SX_RDEV_MINOR", off(fuse_statx, "rdev_minor"))
                .pin("SX_DEV_MAJOR", off(fuse_statx, "dev_major")).pin("SX_DEV_MINOR", off(fuse_statx, "dev_minor"))
                .pin("SX_TIME", fuse_sx_time.byteSize()).pin("SX_TIME_SEC", off(fuse_sx_time, "tv_sec"))
                .pin("SX_TIME_NSEC", off(fuse_sx_time, "tv_nsec"));

        p.pin("NOTIFY_POLL", FUSE_NOTIFY_POLL).pin("NOTIFY_INVAL_INODE", FUSE_NOTIFY_INVAL_INODE)
                .pin("NOTIFY_INVAL_ENTRY", FUSE_NOTIFY_INVAL_ENTRY).pin("NOTIFY_STORE", FUSE_NOTIFY_STORE)
                .pin("NOTIFY_RETRIEVE", FUSE_NOTIFY_RETRIEVE).pin("NOTIFY_DELETE", FUSE_NOTIFY_DELETE)
                .pin("NOTIFY_RESEND", FUSE_NOTIFY_RESEND).pin("NOTIFY_INC_EPOCH", FUSE_NOTIFY_INC_EPOCH)
                .pin("NOTIFY_PRUNE", FUSE_NOTIFY_PRUNE);
        p.pin("NOTIFY_POLL_OUT", fuse_notify_poll_wakeup_out.byteSize())
                .pin("NOTIFY_POLL_KH", off(fuse_notify_poll_wakeup_out, "kh"))
                .pin("NOTIFY_INVAL_INODE_OUT", fuse_notify_inval_inode_out.byteSize())
                .pin("NOTIFY_INVAL_INODE_INO", off(fuse_notify_inval_inode_out, "ino"))
                .pin("NOTIFY_INVAL_INODE_OFF", off(fuse_notify_inval_inode_out, "off"))
                .pin("NOTIFY_INVAL_INODE_LEN", off(fuse_notify_inval_inode_out, "len"))
                .pin("NOTIFY_INVAL_ENTRY_OUT", fuse_notify_inval_entry_out.byteSize())
                .pin("NOTIFY_INVAL_ENTRY_PARENT", off(fuse_notify_inval_entry_out, "parent"))
                .pin("NOTIFY_INVAL_ENTRY_NAMELEN", off(fuse_notify_inval_entry_out, "namelen"))
                .pin("NOTIFY_INVAL_ENTRY_FLAGS", off(fuse_notify_inval_entry_out, "flags"))
                .pin("EXPIRE_ONLY", FUSE_EXPIRE_ONLY)
                .pin("NOTIFY_DELETE_OUT", fuse_notify_delete_out.byteSize())
                .pin("NOTIFY_DELETE_PARENT", off(fuse_notify_delete_out, "parent"))
                .pin("NOTIFY_DELETE_CHILD", off(fuse_notify_delete_out, "child"))
                .pin("NOTIFY_DELETE_NAMELEN", off(fuse_notify_delete_out, "namelen"))
                .pin("NOTIFY_STORE_OUT", fuse_notify_store_out.byteSize())
                .pin("NOTIFY_STORE_NODEID", off(fuse_notify_store_out, "nodeid"))
                .pin("NOTIFY_STORE_OFFSET", off(fuse_notify_store_out, "offset"))
                .pin("NOTIFY_STORE_SIZE", off(fuse_notify_store_out, "size"))
                .pin("NOTIFY_RETRIEVE_OUT", fuse_notify_retrieve_out.byteSize())
                .pin("NOTIFY_RETRIEVE_UNIQUE", off(fuse_notify_retrieve_out, "notify_unique"))
                .pin("NOTIFY_RETRIEVE_NODEID", off(fuse_notify_retrieve_out, "nodeid"))
                .pin("NOTIFY_RETRIEVE_OFFSET", off(fuse_notify_retrieve_out, "offset"))
                .pin("NOTIFY_RETRIEVE_SIZE", off(fuse_notify_retrieve_out, "size"))
                .pin("RETRIEVE_IN", fuse_notify_retrieve_in.byteSize())
                .pin("RETRIEVE_IN_OFFSET", off(fuse_notify_retrieve_in, "offset"))
                .pin("RETRIEVE_IN_SIZE", off(fuse_notify_retrieve_in, "size"))
                .pin("NOTIFY_PRUNE_OUT", fuse_notify_prune_out.byteSize())
                .pin("NOTIFY_PRUNE_COUNT", off(fuse_notify_prune_out, "count"));
        // "Matches the size of fuse_write_in", says the header of fuse_notify_retrieve_in.
        assertEquals(fuse_write_in.byteSize(), fuse_notify_retrieve_in.byteSize());

        p.pin("URING_REQ_HEADER", fuse_uring_req_header.byteSize())
                .pin("URING_IN_OUT", off(fuse_uring_req_header, "in_out"))
                .pin("URING_OP_IN", off(fuse_uring_req_header, "op_in"))
                .pin("URING_ENT", off(fuse_uring_req_header, "ring_ent_in_out"))
                .pin("URING_IN_OUT_SIZE", FUSE_URING_IN_OUT_HEADER_SZ).pin("URING_OP_IN_SIZE", FUSE_URING_OP_IN_OUT_SZ)
                .pin("URING_ENT_FLAGS", off(fuse_uring_ent_in_out, "flags"))
                .pin("URING_ENT_COMMIT_ID", off(fuse_uring_ent_in_out, "commit_id"))
                .pin("URING_ENT_PAYLOAD_SZ", off(fuse_uring_ent_in_out, "payload_sz"))
                .pin("URING_CMD_REQ", fuse_uring_cmd_req.byteSize())
                .pin("URING_CMD_FLAGS", off(fuse_uring_cmd_req, "flags"))
                .pin("URING_CMD_COMMIT_ID", off(fuse_uring_cmd_req, "commit_id"))
                .pin("URING_CMD_QID", off(fuse_uring_cmd_req, "qid"))
                .pin("URING_CMD_REGISTER", FUSE_IO_URING_CMD_REGISTER)
                .pin("URING_CMD_COMMIT_AND_FETCH", FUSE_IO_URING_CMD_COMMIT_AND_FETCH);
        assertEquals(FUSE_URING_IN_OUT_HEADER_SZ, size(fuse_uring_req_header, "in_out"));
        assertEquals(FUSE_URING_OP_IN_OUT_SZ, size(fuse_uring_req_header, "op_in"));

        p.pin("BACKING_MAP", fuse_backing_map.byteSize()).pin("BACKING_MAP_FD", off(fuse_backing_map, "fd"))
                .pin("BACKING_MAP_FLAGS", off(fuse_backing_map, "flags"));

        p.pin("DEV_IOC_CLONE", ioc(IOC_READ, FUSE_DEV_IOC_MAGIC, 0, U32.byteSize()))
                .pin("DEV_IOC_BACKING_OPEN", ioc(IOC_WRITE, FUSE_DEV_IOC_MAGIC, 1, fuse_backing_map.byteSize()))
                .pin("DEV_IOC_BACKING_CLOSE", ioc(IOC_WRITE, FUSE_DEV_IOC_MAGIC, 2, U32.byteSize()))
                .pin("DEV_IOC_SYNC_INIT", ioc(IOC_NONE, FUSE_DEV_IOC_MAGIC, 3, 0));

        INIT_FLAGS.forEach((name, bit) -> p.pin("InitFlags." + name.substring("FUSE_".length()), bit));
        p.check();
    }

    @Test
    void headerNumbersAsWritten() {
        // Spot checks of the bit list against the header's literal shifts, in both words of the flags.
        assertEquals(1L << 30, INIT_FLAGS.get("FUSE_INIT_EXT"));
        assertEquals(1L << 37, INIT_FLAGS.get("FUSE_PASSTHROUGH"));
        assertEquals(1L << 41, INIT_FLAGS.get("FUSE_OVER_IO_URING"));
        assertEquals(1L << 42, INIT_FLAGS.get("FUSE_REQUEST_TIMEOUT"));
        assertEquals(0, FUSE_IO_URING_CMD_INVALID);
        // The byte count C's sizeof gives for a few structs the kernel checks by size.
        assertEquals(40, fuse_in_header.byteSize());
        assertEquals(64, fuse_init_out.byteSize());
        assertEquals(288, fuse_uring_req_header.byteSize());
        assertEquals(24, fuse_uring_cmd_req.byteSize());
    }
}
