package dev.j4l.fuse.protocol;

import static dev.j4l.kernel.abi.FuseAbi.*;

import dev.j4l.fuse.FileLock;
import dev.j4l.fuse.SetAttr;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.abi.FuseAbi.InitFlags;

/**
 * A decoded request body, one record per kind of request. Each record decodes itself from a
 * {@link RequestReader} whose body {@link FuseOpcode} has already checked to be at least the opcode's minimum
 * size; a decoder reads fixed fields within that minimum and checks anything variable (names, data spans)
 * itself. Data that the driver will see as a lent view (WRITE's and IOCTL's input, a RETRIEVE's bytes) is
 * carried as its absolute offset and length in the request buffer, never copied here.
 */
public sealed interface FuseRequest {

    /** A request with no body of interest (READLINK, STATFS, DESTROY, SYNCFS, and opcodes j4l does not serve). */
    record Bodiless() implements FuseRequest {
        static final Bodiless INSTANCE = new Bodiless();

        static Bodiless decode(RequestReader r) {
            return INSTANCE;
        }
    }

    record Init(int major, int minor, int maxReadahead, long offered) implements FuseRequest {
        static Init decode(RequestReader r) {
            int minor = r.u32(INIT_MINOR);
            long offered = r.u32(INIT_FLAGS) & 0xffffffffL;
            // flags2 exists from 7.36 on, and only counts when the kernel says so with INIT_EXT.
            if ((offered & InitFlags.INIT_EXT) != 0 && minor >= 36 && r.length() >= INIT_IN) {
                offered |= (r.u32(INIT_FLAGS2) & 0xffffffffL) << 32;
            }
            return new Init(r.u32(INIT_MAJOR), minor, r.u32(INIT_MAX_READAHEAD), offered);
        }
    }

    /** CUSE_INIT ({@code cuse_init_in}): the kernel's protocol version and the CUSE flags it offers. */
    record CuseInit(int major, int minor, int offered) implements FuseRequest {
        static CuseInit decode(RequestReader r) {
            return new CuseInit(r.u32(CUSE_MAJOR), r.u32(CUSE_MINOR), r.u32(CUSE_FLAGS));
        }
    }

    record Forget(long nlookup) implements FuseRequest {
        static Forget decode(RequestReader r) {
            return new Forget(r.u64(FORGET_NLOOKUP));
        }
    }

    /** BATCH_FORGET: {@code count} (node id, nlookup) pairs, read in place by {@link #nodeid}/{@link #nlookup}. */
    record BatchForget(int count) implements FuseRequest {
        static BatchForget decode(RequestReader r) {
            int fits = (r.length() - BATCH_FORGET_IN) / FORGET_ONE;
            return new BatchForget(Math.max(0, Math.min(r.u32(BATCH_FORGET_COUNT), fits)));
        }

        public static long nodeid(RequestReader r, int i) {
            return r.u64(BATCH_FORGET_IN + i * FORGET_ONE + FORGET_ONE_NODEID);
        }

        public static long nlookup(RequestReader r, int i) {
            return r.u64(BATCH_FORGET_IN + i * FORGET_ONE + FORGET_ONE_NLOOKUP);
        }
    }

    record Interrupt(long target) implements FuseRequest {
        static Interrupt decode(RequestReader r) {
            return new Interrupt(r.u64(INTERRUPT_UNIQUE));
        }
    }

    /** The kernel's answer to a NOTIFY_RETRIEVE: its data is at {@code dataAt} in the request buffer. */
    record RetrieveReply(long offset, int dataAt, int size) implements FuseRequest {
        static RetrieveReply decode(RequestReader r) throws ErrnoException {
            int size = Math.max(0, Math.min(r.u32(RETRIEVE_IN_SIZE), r.length() - RETRIEVE_IN));
            return new RetrieveReply(r.u64(RETRIEVE_IN_OFFSET), r.span(RETRIEVE_IN, size), size);
        }
    }

    record Lookup(String name) implements FuseRequest {
        static Lookup decode(RequestReader r) throws ErrnoException {
            return new Lookup(r.name(0));
        }
    }

    /** UNLINK, RMDIR and REMOVEXATTR: one name. */
    record Named(String name) implements FuseRequest {
        static Named decode(RequestReader r) throws ErrnoException {
            return new Named(r.name(0));
        }
    }

    /** GETATTR; {@code fh} is 0 unless the call came through an open file. */
    record Getattr(long fh) implements FuseRequest {
        static final Getattr NO_HANDLE = new Getattr(0);

        static Getattr decode(RequestReader r) {
            if ((r.u32(GETATTR_FLAGS) & GETATTR_FH_VALID) == 0) return NO_HANDLE;
            return new Getattr(r.u64(GETATTR_FH));
        }
    }

    /** SETATTR; {@code fh} is 0 unless FATTR_FH is set. */
    record Setattr(long fh, SetAttr changes) implements FuseRequest {
        static Setattr decode(RequestReader r) {
            int valid = r.u32(SETATTR_VALID);
            SetAttr.TimeChange at = time(valid, SetAttr.FATTR_ATIME, SetAttr.FATTR_ATIME_NOW, r.u64(SETATTR_ATIME),
                    r.u32(SETATTR_ATIMENSEC));
            SetAttr.TimeChange mt = time(valid, SetAttr.FATTR_MTIME, SetAttr.FATTR_MTIME_NOW, r.u64(SETATTR_MTIME),
                    r.u32(SETATTR_MTIMENSEC));
            long ct = r.u64(SETATTR_CTIME) * 1_000_000_000L + r.u32(SETATTR_CTIMENSEC);
            SetAttr s = new SetAttr(valid, r.u32(SETATTR_MODE), r.u32(SETATTR_UID), r.u32(SETATTR_GID),
                    r.u64(SETATTR_SIZE), at, mt, ct, r.u64(SETATTR_LOCK_OWNER));
            return new Setattr((valid & SetAttr.FATTR_FH) != 0 ? r.u64(SETATTR_FH) : 0, s);
        }

        private static SetAttr.TimeChange time(int valid, int setBit, int nowBit, long sec, int nsec) {
            if ((valid & nowBit) != 0) return SetAttr.TimeChange.NOW;
            if ((valid & setBit) != 0) return new SetAttr.TimeChange.At(sec * 1_000_000_000L + nsec);
            return SetAttr.TimeChange.OMIT;
        }
    }

    record Symlink(String name, String target) implements FuseRequest {
        static Symlink decode(RequestReader r) throws ErrnoException {
            String name = r.name(0);
            return new Symlink(name, r.pathAfterName());
        }
    }

    record Mknod(String name, int mode, int rdev, int umask) implements FuseRequest {
        static Mknod decode(RequestReader r) throws ErrnoException {
            return new Mknod(r.name(MKNOD_IN), r.u32(MKNOD_MODE), r.u32(MKNOD_RDEV), r.u32(MKNOD_UMASK));
        }
    }

    record Mkdir(String name, int mode, int umask) implements FuseRequest {
        static Mkdir decode(RequestReader r) throws ErrnoException {
            return new Mkdir(r.name(MKDIR_IN), r.u32(MKDIR_MODE), r.u32(MKDIR_UMASK));
        }
    }

    /** RENAME and RENAME2 (RENAME has no flags). */
    record Rename(long newDir, String name, String newName, int flags) implements FuseRequest {
        static Rename decode(RequestReader r) throws ErrnoException {
            String name = r.name(RENAME_IN);
            return new Rename(r.u64(RENAME_NEWDIR), name, r.nextName(), 0);
        }

        static Rename decode2(RequestReader r) throws ErrnoException {
            String name = r.name(RENAME2_IN);
            return new Rename(r.u64(RENAME_NEWDIR), name, r.nextName(), r.u32(RENAME2_FLAGS));
        }
    }

    record Link(long oldNodeid, String newName) implements FuseRequest {
        static Link decode(RequestReader r) throws ErrnoException {
            return new Link(r.u64(LINK_OLDNODEID), r.name(LINK_IN));
        }
    }

    /** OPEN and OPENDIR. */
    record Open(int flags) implements FuseRequest {
        static Open decode(RequestReader r) {
            return new Open(r.u32(OPEN_IN_FLAGS));
        }
    }

    /** READ; {@code fileFlags} are the open file's status flags now ({@code O_NONBLOCK} set by fcntl included). */
    record Read(long fh, long offset, int size, int readFlags, int fileFlags) implements FuseRequest {
        static Read decode(RequestReader r) {
            return new Read(r.u64(RW_FH), r.u64(RW_OFFSET), r.u32(RW_SIZE), r.u32(RW_FLAGS), r.u32(RW_OPEN_FLAGS));
        }
    }

    /** WRITE: the data is {@code size} bytes at {@code dataAt} of the request buffer. */
    record Write(long fh, long offset, int size, int writeFlags, int fileFlags, int dataAt) implements FuseRequest {
        static Write decode(RequestReader r) throws ErrnoException {
            int size = r.u32(RW_SIZE);
            return new Write(r.u64(RW_FH), r.u64(RW_OFFSET), size, r.u32(RW_FLAGS), r.u32(RW_OPEN_FLAGS),
                    r.span(RW_IN, size));
        }
    }

    /** RELEASE and RELEASEDIR. */
    record Release(long fh, int flags, int releaseFlags, long lockOwner) implements FuseRequest {
        static Release decode(RequestReader r) {
            return new Release(r.u64(RELEASE_FH), r.u32(RELEASE_FLAGS), r.u32(RELEASE_RELEASE_FLAGS),
                    r.u64(RELEASE_LOCK_OWNER));
        }
    }

    /** FSYNC and FSYNCDIR. */
    record Fsync(long fh, boolean datasync) implements FuseRequest {
        static Fsync decode(RequestReader r) {
            return new Fsync(r.u64(FSYNC_FH), (r.u32(FSYNC_FLAGS) & FSYNC_FDATASYNC) != 0);
        }
    }

    record Flush(long fh, long lockOwner) implements FuseRequest {
        static Flush decode(RequestReader r) {
            return new Flush(r.u64(FLUSH_FH), r.u64(FLUSH_LOCK_OWNER));
        }
    }

    record Setxattr(String name, byte[] value, int flags) implements FuseRequest {
        static Setxattr decode(RequestReader r) throws ErrnoException {
            int size = r.u32(SETXATTR_SIZE);
            // The struct grew with FUSE_SETXATTR_EXT; the kernel sends the long form only once it is negotiated.
            String name = r.name(r.has(InitFlags.SETXATTR_EXT) ? SETXATTR_IN_EXT : SETXATTR_IN_COMPAT);
            return new Setxattr(name, r.bytes(r.afterName(), size), r.u32(SETXATTR_FLAGS));
        }
    }

    /** GETXATTR; {@code size} 0 asks for the value's length only. */
    record Getxattr(String name, int size) implements FuseRequest {
        static Getxattr decode(RequestReader r) throws ErrnoException {
            return new Getxattr(r.name(GETXATTR_IN), r.u32(GETXATTR_SIZE));
        }
    }

    record Listxattr(int size) implements FuseRequest {
        static Listxattr decode(RequestReader r) {
            return new Listxattr(r.u32(GETXATTR_SIZE));
        }
    }

    /** READDIR and READDIRPLUS. */
    record Readdir(long fh, long offset, int size) implements FuseRequest {
        static Readdir decode(RequestReader r) {
            return new Readdir(r.u64(RW_FH), r.u64(RW_OFFSET), r.u32(RW_SIZE));
        }
    }

    /** GETLK, SETLK and SETLKW; {@code flock} for a BSD flock(2) rather than a POSIX lock. */
    record Lock(long fh, long owner, FileLock lock, boolean flock) implements FuseRequest {
        static Lock decode(RequestReader r) {
            FileLock l = new FileLock(r.u64(LK_START), r.u64(LK_END), r.u32(LK_TYPE), r.u32(LK_PID));
            return new Lock(r.u64(LK_FH), r.u64(LK_OWNER), l, (r.u32(LK_FLAGS) & LK_FLOCK) != 0);
        }
    }

    record Access(int mask) implements FuseRequest {
        static Access decode(RequestReader r) {
            return new Access(r.u32(ACCESS_MASK));
        }
    }

    /** CREATE, and TMPFILE (which has no name). */
    record Create(String name, int flags, int mode, int umask) implements FuseRequest {
        static Create decode(RequestReader r) throws ErrnoException {
            return new Create(r.name(CREATE_IN), r.u32(CREATE_FLAGS), r.u32(CREATE_MODE), r.u32(CREATE_UMASK));
        }

        static Create decodeTmpfile(RequestReader r) {
            return new Create(null, r.u32(CREATE_FLAGS), r.u32(CREATE_MODE), r.u32(CREATE_UMASK));
        }
    }

    /** IOCTL: the input is {@code inSize} bytes at {@code dataAt} of the request buffer. */
    record Ioctl(long fh, int flags, int cmd, long arg, int inSize, int outSize, int dataAt) implements FuseRequest {
        static Ioctl decode(RequestReader r) throws ErrnoException {
            int inSize = r.u32(IOCTL_IN_SIZE);
            return new Ioctl(r.u64(IOCTL_FH), r.u32(IOCTL_FLAGS), r.u32(IOCTL_CMD), r.u64(IOCTL_ARG), inSize,
                    r.u32(IOCTL_OUT_SIZE), r.span(IOCTL_IN, inSize));
        }
    }

    /** POLL; {@code kh} is 0 unless the kernel wants a wake-up notification. */
    record Poll(long fh, long kh, int events) implements FuseRequest {
        static Poll decode(RequestReader r) {
            boolean notify = (r.u32(POLL_FLAGS) & POLL_SCHEDULE_NOTIFY) != 0;
            return new Poll(r.u64(POLL_FH), notify ? r.u64(POLL_KH) : 0, r.u32(POLL_EVENTS));
        }
    }

    record Fallocate(long fh, long offset, long length, int mode) implements FuseRequest {
        static Fallocate decode(RequestReader r) {
            return new Fallocate(r.u64(FALLOC_FH), r.u64(FALLOC_OFFSET), r.u64(FALLOC_LENGTH), r.u32(FALLOC_MODE));
        }
    }

    record Lseek(long fh, long offset, int whence) implements FuseRequest {
        static Lseek decode(RequestReader r) {
            return new Lseek(r.u64(LSEEK_FH), r.u64(LSEEK_OFFSET), r.u32(LSEEK_WHENCE));
        }
    }

    /** COPY_FILE_RANGE and COPY_FILE_RANGE_64. */
    record CopyFileRange(long fhIn, long offIn, long nodeidOut, long fhOut, long offOut, long length, long flags)
            implements FuseRequest {
        static CopyFileRange decode(RequestReader r) {
            return new CopyFileRange(r.u64(CFR_FH_IN), r.u64(CFR_OFF_IN), r.u64(CFR_NODEID_OUT), r.u64(CFR_FH_OUT),
                    r.u64(CFR_OFF_OUT), r.u64(CFR_LEN), r.u64(CFR_FLAGS));
        }
    }

    record Bmap(long block, int blocksize) implements FuseRequest {
        static Bmap decode(RequestReader r) {
            return new Bmap(r.u64(BMAP_BLOCK), r.u32(BMAP_BLOCKSIZE));
        }
    }

    /** STATX; {@code fh} is 0 unless the call came through an open file. */
    record Statx(long fh, int flags, int mask) implements FuseRequest {
        static Statx decode(RequestReader r) {
            long fh = (r.u32(STATX_GETATTR_FLAGS) & GETATTR_FH_VALID) != 0 ? r.u64(STATX_FH) : 0;
            return new Statx(fh, r.u32(STATX_SX_FLAGS), r.u32(STATX_SX_MASK));
        }
    }
}
