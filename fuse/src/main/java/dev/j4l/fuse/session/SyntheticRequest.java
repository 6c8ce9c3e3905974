package dev.j4l.fuse.session;

import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;

/** The request context of calls the framework makes on its own (cleaning up a reply the kernel refused). */
record SyntheticRequest(String operation) implements Request {
    @Override
    public long unique() {
        return 0;
    }

    @Override
    public int uid() {
        return 0;
    }

    @Override
    public int gid() {
        return 0;
    }

    @Override
    public int pid() {
        return 0;
    }

    @Override
    public int umask() {
        return 0;
    }

    @Override
    public int[] supplementaryGroups() throws ErrnoException {
        throw new ErrnoException(Errno.ESRCH, "framework-internal request");
    }

    @Override
    public boolean isInterrupted() {
        return false;
    }

    @Override
    public <T> Deferred<T> defer() {
        throw new UnsupportedOperationException("framework-internal request cannot be deferred");
    }
}
