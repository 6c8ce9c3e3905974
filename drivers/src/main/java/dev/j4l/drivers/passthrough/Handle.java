package dev.j4l.drivers.passthrough;

import dev.j4l.kernel.DirectoryReader;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;

/** An open file or directory of the mirror: a real descriptor of the source file. */
sealed interface Handle permits Handle.File, Handle.Dir {
    OwnedFd fd();

    /** An open file; with passthrough its reads and writes never reach the driver. */
    record File(OwnedFd fd) implements Handle {}

    /**
     * An open directory read with getdents64. {@code position} is the cookie after the last entry handed to
     * the kernel: a READDIR continuing from there needs no seek.
     */
    final class Dir implements Handle {
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
        public OwnedFd fd() {
            return fd;
        }
    }
}
