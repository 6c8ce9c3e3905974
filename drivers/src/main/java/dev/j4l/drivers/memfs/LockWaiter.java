package dev.j4l.drivers.memfs;

/**
 * A lock request that waits for a conflicting lock to go away (F_SETLKW, or flock without LOCK_NB). The
 * request is answered later: {@link #grant} when the lock is placed, {@link #interrupted} when the caller got a
 * signal. Waiting never occupies a worker thread, so any number of processes can block on locks.
 */
abstract class LockWaiter {
    boolean flock;
    long owner;
    int pid;
    int type;
    long start;
    long end;

    LockWaiter init(Node n, boolean flock, long owner, int pid, int type, long start, long end) {
        this.flock = flock;
        this.owner = owner;
        this.pid = pid;
        this.type = type;
        this.start = start;
        this.end = end;
        return this;
    }

    /** The lock was placed: answer success. */
    abstract void grant();

    /** The caller was interrupted: answer EINTR. */
    abstract void interrupted();

    /** Already answered (e.g. the connection ended). */
    abstract boolean isDone();
}
