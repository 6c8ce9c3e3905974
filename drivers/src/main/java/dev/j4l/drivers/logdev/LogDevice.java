package dev.j4l.drivers.logdev;

import dev.j4l.chardev.CharDevice;
import dev.j4l.chardev.PollEvents;
import dev.j4l.chardev.Waiters;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.Request;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A log as a character device, read the way {@code /dev/kmsg} is: what is written is appended (echo's newline
 * and all), and every open file reads the log from the oldest byte still kept, each at its own position, then
 * waits for more: a blocking read sleeps until the next write, a non-blocking one gets EAGAIN, and poll(2)
 * reports the file readable while it has unread bytes. So any number of {@code cat}s follow the log at once. The
 * log keeps the last {@code capacity} bytes, dropping the oldest; a reader that fell behind skips what was
 * dropped.
 *
 * <pre>{@code
 * try (CuseDevice dev = CuseDevice.create("j4llog", new LogDevice(64 * 1024))) {
 *     // echo hello > /dev/j4llog; cat /dev/j4llog   (cat follows the log until Ctrl-C)
 * }
 * }</pre>
 */
public final class LogDevice implements CharDevice<LogDevice.Reader> {
    /** An open file's read position, counted in bytes ever written. */
    public static final class Reader {
        private long position;
    }

    private final byte[] ring;
    /** Bytes ever written; the log holds the last {@code min(written, ring.length)} of them. */
    private long written;
    private final AtomicInteger open = new AtomicInteger();
    private volatile Waiters waiters;

    public LogDevice(int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("capacity " + capacity);
        this.ring = new byte[capacity];
    }

    @Override
    public void init(Waiters waiters) {
        this.waiters = waiters;
    }

    @Override
    public Reader open(Request r, int flags) {
        open.incrementAndGet();
        return new Reader();
    }

    @Override
    public synchronized boolean read(Request r, Reader reader, DataSink out) {
        long oldest = Math.max(0, written - ring.length);
        long from = Math.max(reader.position, oldest); // what was dropped meanwhile is skipped
        if (from == written) return false; // nothing new: wait for the next write
        int n = (int) Math.min(out.capacity(), written - from);
        for (int done = 0; done < n; ) {
            int at = (int) ((from + done) % ring.length);
            int run = Math.min(n - done, ring.length - at); // up to the end of the ring, then from its start
            out.put(ring, at, run);
            done += run;
        }
        reader.position = from + n;
        return true;
    }

    @Override
    public int write(Request r, Reader reader, DataSource data) {
        int size = data.size();
        synchronized (this) {
            int skip = Math.max(0, size - ring.length); // only the last capacity bytes can be kept
            for (int done = skip; done < size; ) {
                int at = (int) ((written + done) % ring.length);
                int run = Math.min(size - done, ring.length - at);
                data.get(done, ring, at, run);
                done += run;
            }
            written += size;
        }
        waiters.wakeUp(); // every reader waiting at the end, and every poller, has news
        return size;
    }

    @Override
    public synchronized PollEvents readiness(Reader reader) {
        return PollEvents.of(reader.position < written, true); // a log always takes more
    }

    @Override
    public void release(Reader reader) {
        open.decrementAndGet();
    }

    /** How many files are open on the device now. */
    public int openFiles() {
        return open.get();
    }

    /** How many bytes were ever written. */
    public synchronized long written() {
        return written;
    }
}
