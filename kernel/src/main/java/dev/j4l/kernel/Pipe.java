package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.j4l.kernel.raw.LibcSocket;
import dev.j4l.kernel.raw.Native;
import java.lang.foreign.MemorySegment;

/** The two ends of a pipe. Closing the pipe closes both ends that are still open. */
public record Pipe(OwnedFd readEnd, OwnedFd writeEnd) implements AutoCloseable {
    /** pipe2(2); {@code flags} may add {@code Fs.O_NONBLOCK} or {@code Fs.O_DIRECT} (O_CLOEXEC is always set). */
    public static Pipe open(int flags) throws KernelException {
        MemorySegment fds = Native.scratch().allocate(8);
        // SAFETY: fds is the 8 bytes (int[2]) the kernel writes; scratch, read before the thread's next scratch().
        int r = LibcSocket.pipe2(fds, flags | Fs.O_CLOEXEC);
        if (r < 0) throw KernelException.of("pipe2", "", r);
        return new Pipe(OwnedFd.adopt(fds.get(JAVA_INT, 0), "pipe (read end)"),
                OwnedFd.adopt(fds.get(JAVA_INT, 4), "pipe (write end)"));
    }

    @Override
    public void close() {
        if (readEnd.isOpen()) readEnd.close();
        if (writeEnd.isOpen()) writeEnd.close();
    }
}
