package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.j4l.kernel.raw.LibcFs;
import dev.j4l.kernel.raw.Native;
import dev.j4l.kernel.raw.Structs;
import java.lang.foreign.MemorySegment;

/**
 * Advisory file locks: POSIX record locks ({@code fcntl F_GETLK/F_SETLK/F_SETLKW}), open-file-description
 * locks ({@code F_OFD_*}, owned by the open file rather than the process — what a multi-threaded server
 * wants) and whole-file {@code flock(2)}.
 *
 * <p>A non-blocking lock attempt that meets a conflicting lock is an ordinary answer ({@code false}), not an
 * exception.
 */
public final class FileLocks {
    private FileLocks() {}

    public static final short F_RDLCK = 0;
    public static final short F_WRLCK = 1;
    public static final short F_UNLCK = 2;

    public static final int LOCK_SH = 1;
    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    public static final int LOCK_UN = 8;

    private static final int F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7;
    private static final int F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
    private static final int EAGAIN = -Errno.EAGAIN.number(), EACCES = -Errno.EACCES.number(),
            EINTR = -Errno.EINTR.number();

    /**
     * A byte-range lock. {@code length} 0 means "to the end of the file, however long"; {@code whence} is a
     * {@code Fs.SEEK_*} value; {@code pid} is the holder's pid in answers (-1 for OFD locks), ignored in requests.
     */
    public record Lock(short type, short whence, long start, long length, int pid) {
        public static Lock read(long start, long length) {
            return new Lock(F_RDLCK, (short) Fs.SEEK_SET, start, length, 0);
        }

        public static Lock write(long start, long length) {
            return new Lock(F_WRLCK, (short) Fs.SEEK_SET, start, length, 0);
        }

        public static Lock unlock(long start, long length) {
            return new Lock(F_UNLCK, (short) Fs.SEEK_SET, start, length, 0);
        }
    }

    /**
     * F_GETLK / F_OFD_GETLK: the first lock that would conflict with {@code wanted}, or a lock of type
     * {@code F_UNLCK} when none would.
     */
    public static Lock test(OwnedFd fd, Lock wanted, boolean ofd) throws KernelException {
        int n = fd.acquire();
        try {
            MemorySegment f = flock(wanted, ofd);
            // SAFETY: f is the 32-byte struct flock the kernel reads and overwrites (GETLK); scratch, read before the
            // thread's next scratch().
            int r = LibcFs.fcntl(n, ofd ? F_OFD_GETLK : F_GETLK, f);
            if (r < 0) throw KernelException.of(ofd ? "fcntl(F_OFD_GETLK)" : "fcntl(F_GETLK)", fd.description(), r);
            return new Lock(f.get(JAVA_SHORT, Structs.FLOCK_TYPE), f.get(JAVA_SHORT, Structs.FLOCK_WHENCE),
                    f.get(JAVA_LONG, Structs.FLOCK_START), f.get(JAVA_LONG, Structs.FLOCK_LEN),
                    f.get(JAVA_INT, Structs.FLOCK_PID));
        } finally {
            fd.release();
        }
    }

    /**
     * F_SETLK(W) / F_OFD_SETLK(W): takes or releases {@code lock}. With {@code wait} false, returns false when a
     * conflicting lock is held; with {@code wait} true, blocks until the lock is granted (EDEADLK is thrown).
     */
    public static boolean set(OwnedFd fd, Lock lock, boolean ofd, boolean wait) throws KernelException {
        int cmd = ofd ? (wait ? F_OFD_SETLKW : F_OFD_SETLK) : (wait ? F_SETLKW : F_SETLK);
        int n = fd.acquire();
        try {
            int r;
            // SAFETY: a fresh 32-byte struct flock (scratch) made in the argument list of each try, read by the kernel.
            do r = LibcFs.fcntl(n, cmd, flock(lock, ofd)); while (r == EINTR);
            if (!wait && (r == EAGAIN || r == EACCES)) return false;
            if (r < 0) throw KernelException.of("fcntl(" + (ofd ? "F_OFD_SETLK" : "F_SETLK") + (wait ? "W)" : ")"), fd.description(), r);
            return true;
        } finally {
            fd.release();
        }
    }

    /** flock(2) with {@code LOCK_*}; with {@code LOCK_NB}, returns false when the lock is held elsewhere. */
    public static boolean flock(OwnedFd fd, int operation) throws KernelException {
        int n = fd.acquire();
        try {
            int r;
            do r = LibcFs.flock(n, operation); while (r == EINTR);
            if (r == EAGAIN && (operation & LOCK_NB) != 0) return false;
            if (r < 0) throw KernelException.of("flock", fd.description(), r);
            return true;
        } finally {
            fd.release();
        }
    }

    private static MemorySegment flock(Lock l, boolean ofd) {
        MemorySegment f = Native.scratch().allocate(Structs.FLOCK);
        f.set(JAVA_SHORT, Structs.FLOCK_TYPE, l.type());
        f.set(JAVA_SHORT, Structs.FLOCK_WHENCE, l.whence());
        f.set(JAVA_LONG, Structs.FLOCK_START, l.start());
        f.set(JAVA_LONG, Structs.FLOCK_LEN, l.length());
        f.set(JAVA_INT, Structs.FLOCK_PID, ofd ? 0 : l.pid()); // OFD locks require l_pid == 0
        return f;
    }
}
