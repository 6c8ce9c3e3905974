package dev.j4l.drivers.passthrough;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;

/** How names from the kernel are checked and resolved: one component, beneath its directory, no symlinks. */
final class Lookup {
    private Lookup() {}

    /**
     * openat2 flags for every lookup: stay beneath the directory (".." and absolute paths fail with EXDEV),
     * follow no symlink and no /proc magic link anywhere; a final symlink is opened as itself.
     */
    static final long RESOLVE = Fs.RESOLVE_BENEATH | Fs.RESOLVE_NO_SYMLINKS | Fs.RESOLVE_NO_MAGICLINKS;

    /** An O_PATH descriptor of {@code name} in {@code dir}, a symlink being opened as itself. */
    static OwnedFd openPath(OwnedFd dir, String name) throws KernelException {
        return Fs.openat2(dir, name, Fs.O_PATH | Fs.O_NOFOLLOW, 0, RESOLVE);
    }

    /**
     * Refuses names that are not one directory entry. The kernel never sends them; a name with '/' or ".."
     * given to an *at call would reach outside the directory, so this is checked before every call that
     * takes a name (lookups are also held beneath by {@link #RESOLVE}).
     */
    static String check(String name) throws ErrnoException {
        if (name.isEmpty() || name.equals(".")) throw new ErrnoException(Errno.EINVAL, "bad name '" + name + "'");
        if (name.equals("..") || name.indexOf('/') >= 0) {
            throw new ErrnoException(Errno.EXDEV, "name '" + name + "' leaves its directory");
        }
        if (name.indexOf('\0') >= 0) throw new ErrnoException(Errno.EINVAL, "NUL in name");
        return name;
    }
}
