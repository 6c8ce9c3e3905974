package dev.j4l.drivers.passthrough;

import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.Request;

/** A request as the kernel would send it for {@code uid:gid}, for calling the driver directly. */
record CallerRequest(int uid, int gid) implements Request {
    static final CallerRequest ROOT = new CallerRequest(0, 0);

    @Override
    public long unique() {
        return 2;
    }

    @Override
    public String operation() {
        return "TEST";
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
    public int[] supplementaryGroups() {
        return new int[0];
    }

    @Override
    public boolean isInterrupted() {
        return false;
    }

    @Override
    public <T> Deferred<T> defer() {
        throw new UnsupportedOperationException("no deferred answers in direct calls");
    }
}
