package dev.j4l.drivers.passthrough;

import dev.j4l.kernel.DirectoryReader;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.PathFds;

/**
 * An open file or directory of the mirror: a real descriptor of the source file.
 *
 * <p>Public only so that {@link PassthroughFs} can name it as its handle type; outside this package a handle is
 * opaque: it can be passed around, not made, read or changed.
 */
public abstract sealed class Handle permits Handle.File, Handle.Dir {
    Handle() {}

    /** The next open file or directory of the same node ({@link Node#opened}); guarded by the node. */
    Handle nextOpen;

    abstract OwnedFd fd();

    /**
     * An open file; with passthrough its reads and writes never reach the driver. Without passthrough an
     * O_DIRECT open is O_DIRECT on the source too ({@link #direct}); a request the source refuses as unaligned
     * (EINVAL) is served through a buffered descriptor of the same file, opened the first time one is needed —
     * the kernel also writes back mmap'ed pages, whose last one ends where the file does, through any writable
     * open.
     */
    static final class File extends Handle {
        private final OwnedFd fd;
        /** The flags {@code fd} was opened with (what a buffered twin keeps of them). */
        private final int flags;
        private OwnedFd buffered;

        File(OwnedFd fd, int flags) {
            this.fd = fd;
            this.flags = flags;
        }

        boolean direct() {
            return (flags & Fs.O_DIRECT) != 0;
        }

        @Override
        OwnedFd fd() {
            return fd;
        }

        /** The same file without O_DIRECT (for a direct one; otherwise its own descriptor). */
        synchronized OwnedFd buffered() throws KernelException {
            if (!direct()) return fd;
            if (buffered == null) buffered = PathFds.reopen(fd, flags & KEPT);
            return buffered;
        }

        /**
         * What the buffered twin keeps of the open's flags: how it writes. (Not O_NOFOLLOW, which the reopen
         * through the descriptor's magic link would trip over, nor O_DIRECT.)
         */
        private static final int KEPT = Fs.O_ACCMODE | Fs.O_APPEND | Fs.O_SYNC | Fs.O_DSYNC | Fs.O_NOATIME;

        synchronized void close() {
            fd.close();
            if (buffered != null) buffered.close();
        }
    }

    /**
     * An open directory read with getdents64. {@code position} is the cookie after the last entry handed to
     * the kernel: a READDIR continuing from there needs no seek.
     */
    static final class Dir extends Handle {
        private final OwnedFd fd;
        final DirectoryReader reader;
        long position;
        /** The reader has read past {@code position} (an entry did not fit): seek before reading on. */
        boolean ahead;
        /** This listing answers READDIRPLUS with attributes for every entry, not only for directories. */
        boolean everyEntry;

        final NativeBuffer buffer;

        Dir(OwnedFd fd, NativeBuffer buffer) {
            this.fd = fd;
            this.buffer = buffer;
            this.reader = new DirectoryReader(fd, buffer);
        }

        @Override
        OwnedFd fd() {
            return fd;
        }
    }
}
