package dev.j4l.kernel;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the scheduler reports about one thread of this process: whether it is runnable, and how long it has run
 * ({@code /proc/self/task/TID/stat} and {@code schedstat}). The files stay open and each {@link #sample()} reads
 * them again, so watching a thread costs two pread(2) calls per sample.
 */
public final class ThreadSchedStat implements AutoCloseable {
    private final int tid;
    private final OwnedFd stat;
    private final OwnedFd schedstat;
    private final NativeBuffer buf = NativeBuffer.allocate(1024);
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean runnable;
    private long runNanos;
    private int cursor;
    private long timeslices;

    private ThreadSchedStat(int tid, OwnedFd stat, OwnedFd schedstat) {
        this.tid = tid;
        this.stat = stat;
        this.schedstat = schedstat;
    }

    /** Opens the files of thread {@code tid} (see {@link Credentials#tid()}) of this process. */
    public static ThreadSchedStat open(int tid) throws KernelException {
        String dir = "/proc/self/task/" + tid + "/";
        OwnedFd stat = Fs.open(dir + "stat", Fs.O_RDONLY);
        try {
            return new ThreadSchedStat(tid, stat, Fs.open(dir + "schedstat", Fs.O_RDONLY));
        } catch (KernelException e) {
            stat.close();
            throw e;
        }
    }

    public int tid() {
        return tid;
    }

    /**
     * Reads both files again. Fails (ESRCH or an empty read) once the thread has exited.
     *
     * @throws KernelException when the files cannot be read or do not parse
     */
    public void sample() throws KernelException {
        int n = stat.pread(buf, 0, (int) buf.size(), 0);
        // "tid (comm) S ...": the command name may hold spaces and parentheses, the state follows the last ')'.
        long close = -1;
        for (int i = n - 1; i >= 0; i--) {
            if (buf.getByte(i) == ')') {
                close = i;
                break;
            }
        }
        if (close < 0 || close + 2 >= n) throw malformed("stat");
        runnable = buf.getByte(close + 2) == 'R';
        n = schedstat.pread(buf, 0, (int) buf.size(), 0);
        // "run_ns wait_ns timeslices\n"
        cursor = 0;
        runNanos = nextNumber(n);
        nextNumber(n); // time spent waiting for a CPU, counted only once the thread gets one
        timeslices = nextNumber(n);
    }

    /** The decimal number at {@link #cursor} in the buffer's first {@code n} bytes; moves past its separator. */
    private long nextNumber(int n) throws KernelException {
        int start = cursor;
        long v = 0;
        for (byte b; cursor < n && (b = buf.getByte(cursor)) >= '0' && b <= '9'; cursor++) v = v * 10 + (b - '0');
        if (cursor == start) throw malformed("schedstat");
        cursor++;
        return v;
    }

    private KernelException malformed(String file) {
        return KernelException.of("read", "/proc/self/task/" + tid + "/" + file, -Errno.EIO.number());
    }

    /** At the last sample: running or waiting for a CPU (state R), rather than sleeping or blocked. */
    public boolean runnable() {
        return runnable;
    }

    /** At the last sample: time spent on a CPU since the thread started. */
    public long runNanos() {
        return runNanos;
    }

    /** At the last sample: how many times the thread was put on a CPU. */
    public long timeslices() {
        return timeslices;
    }

    /** Closes both files; later calls do nothing (the thread and a watcher of it may both close it). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        stat.close();
        schedstat.close();
    }
}
