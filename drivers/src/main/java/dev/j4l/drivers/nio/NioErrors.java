package dev.j4l.drivers.nio;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.ReadOnlyFileSystemException;

/** The one table from java.nio.file's exceptions to the errno a FUSE reply carries. */
final class NioErrors {
    private static final System.Logger LOG = System.getLogger("dev.j4l.drivers.nio");

    private NioErrors() {}

    /**
     * The errno for {@code e}, thrown by {@code operation} on {@code path}. An I/O error the table does not
     * know answers EIO and is logged, since it is a failure rather than an answer.
     */
    static ErrnoException errno(Exception e, String operation, String path) {
        Errno errno = switch (e) {
            case NoSuchFileException x -> Errno.ENOENT;
            case FileAlreadyExistsException x -> Errno.EEXIST;
            case DirectoryNotEmptyException x -> Errno.ENOTEMPTY;
            case AccessDeniedException x -> Errno.EACCES;
            case NotDirectoryException x -> Errno.ENOTDIR;
            case NotLinkException x -> Errno.EINVAL;
            case FileSystemLoopException x -> Errno.ELOOP;
            case ReadOnlyFileSystemException x -> Errno.EROFS;
            case UnsupportedOperationException x -> Errno.EOPNOTSUPP;
            default -> null;
        };
        if (errno == null) {
            LOG.log(System.Logger.Level.WARNING, () -> operation + " " + path + " failed: " + e, e);
            errno = Errno.EIO;
        }
        return new ErrnoException(errno, operation + " " + path + ": " + e.getMessage());
    }

    /** Whether {@code e} is one of the exceptions {@link #errno} maps (the unchecked ones a provider throws). */
    static boolean mapped(RuntimeException e) {
        return e instanceof ReadOnlyFileSystemException || e instanceof UnsupportedOperationException
                || e instanceof ClosedFileSystemException;
    }

    /** For {@code catch (IOException | RuntimeException e)} blocks: maps it, or rethrows an unmapped bug. */
    static ErrnoException of(Exception e, String operation, String path) {
        if (e instanceof ErrnoException x) return x;
        if (e instanceof RuntimeException r && !mapped(r)) throw r;
        if (!(e instanceof IOException) && !(e instanceof RuntimeException)) throw new IllegalStateException(e);
        return errno(e, operation, path);
    }
}
