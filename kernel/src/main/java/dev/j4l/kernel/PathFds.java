package dev.j4l.kernel;

import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.LibcFs;
import dev.j4l.kernel.raw.Native;

/**
 * What an {@code O_PATH} descriptor cannot do by itself: being opened for I/O, and chmod. Both go through
 * {@code /proc/self/fd/N}, the magic link that names exactly the inode the descriptor holds — so an
 * inode-based server (a passthrough filesystem keeps an O_PATH descriptor per inode) opens the file it means
 * and never a path a client could have swapped underneath it.
 *
 * <p>Callers must not use these on an O_PATH descriptor of a symlink: the magic link would land on the
 * symlink, and opening or chmod-ing it would follow it.
 */
public final class PathFds {
    private PathFds() {}

    private static final int EINTR = -Errno.EINTR.number();

    /**
     * Opens the inode {@code pathFd} refers to with {@code flags} (O_CREAT and O_EXCL are refused: the
     * inode exists). {@code O_CLOEXEC} is always added.
     */
    public static OwnedFd reopen(OwnedFd pathFd, int flags) throws KernelException {
        if ((flags & (Fs.O_CREAT | Fs.O_EXCL)) != 0) {
            throw new KernelException("reopen", pathFd.description(), Errno.EINVAL);
        }
        int n = pathFd.acquire();
        try {
            int r;
            // SAFETY: "/proc/self/fd/N", NUL-terminated scratch made in the argument list of each try; n is held.
            do r = Libc.openat(Libc.AT_FDCWD, Native.scratch().cString("/proc/self/fd/" + n), flags | Fs.O_CLOEXEC, 0);
            while (r == EINTR);
            if (r < 0) throw KernelException.of("reopen", pathFd.description(), r);
            return OwnedFd.adopt(r, pathFd.description());
        } finally {
            pathFd.release();
        }
    }

    /**
     * Creates the hard link {@code newDir/newName} to the inode {@code pathFd} holds: linkat with
     * AT_EMPTY_PATH (needs CAP_DAC_READ_SEARCH), else through the descriptor's magic link with
     * AT_SYMLINK_FOLLOW, which also links symlinks and unnamed (O_TMPFILE) files without the capability.
     */
    public static void link(OwnedFd pathFd, OwnedFd newDir, String newName) throws KernelException {
        try {
            Fs.link(pathFd, "", newDir, newName, Fs.AT_EMPTY_PATH);
            return;
        } catch (KernelException e) {
            if (e.errno() != Errno.ENOENT && e.errno() != Errno.EPERM) throw e;
        }
        int n = pathFd.acquire();
        try {
            int d = newDir.acquire();
            try {
                Native.Scratch s = Native.scratch();
                // SAFETY: two disjoint NUL-terminated strings from one scratch(), made in the argument list; the
                // downcall keeps both alive and the kernel reads each up to its NUL.
                int r = LibcFs.linkat(Libc.AT_FDCWD, s.cString("/proc/self/fd/" + n), d, Fs.cString(s, newName),
                        Fs.AT_SYMLINK_FOLLOW);
                if (r < 0) throw KernelException.of("linkat", pathFd.description() + " -> " + newName, r);
            } finally {
                newDir.release();
            }
        } finally {
            pathFd.release();
        }
    }

    /** chmod(2) of the inode {@code pathFd} refers to (fchmod does not accept O_PATH descriptors). */
    public static void chmod(OwnedFd pathFd, int mode) throws KernelException {
        int n = pathFd.acquire();
        try {
            // SAFETY: "/proc/self/fd/N", NUL-terminated scratch made in the argument list; n is held meanwhile.
            int r = LibcFs.fchmodat(Libc.AT_FDCWD, Native.scratch().cString("/proc/self/fd/" + n), mode, 0);
            if (r < 0) throw KernelException.of("chmod", pathFd.description(), r);
        } finally {
            pathFd.release();
        }
    }
}
