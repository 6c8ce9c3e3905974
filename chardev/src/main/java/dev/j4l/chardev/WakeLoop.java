package dev.j4l.chardev;

import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.FuseNotifier;
import dev.j4l.fuse.PollHandle;
import dev.j4l.fuse.session.ReadReplySink;
import dev.j4l.fuse.session.RequestPayload;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.NativeBuffer;
import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The device's {@link Waiters}: a platform thread that, after each {@link #wakeUp}, asks the driver again for
 * every waiting read and write (in the order they came) and sends the kernel a poll wake-up for every open file
 * it polls. Its one buffer, allocated once, holds a waiting read's answer or a waiting write's bytes while the
 * driver sees them as the usual lent views.
 */
final class WakeLoop<S> implements Waiters {
    private static final System.Logger LOG = System.getLogger("dev.j4l.chardev");

    private final CharDevice<S> driver;
    private final String name;
    private final ConcurrentLinkedQueue<WaitingCall<S>> waiting = new ConcurrentLinkedQueue<>();
    private final Set<OpenFile<S>> opens = ConcurrentHashMap.newKeySet();
    /** Counts wake-ups, so a call that parks can tell whether one came while it asked the driver. */
    private final AtomicLong wakeups = new AtomicLong();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile Thread thread;
    private volatile FuseNotifier<Object> notifier;
    private NativeBuffer buffer;

    WakeLoop(CharDevice<S> driver, String name) {
        this.driver = driver;
        this.name = name;
    }

    void start(FuseNotifier<Object> notifier, int maxData) {
        this.notifier = notifier;
        this.buffer = NativeBuffer.allocate(maxData);
        Thread t = Thread.ofPlatform().daemon(true).name("j4l-cuse-" + name + "-wake").unstarted(this::run);
        thread = t;
        t.start();
    }

    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    @Override
    public void wakeUp() {
        wakeups.incrementAndGet();
        if (!pending.getAndSet(true)) {
            Thread t = thread;
            if (t != null) LockSupport.unpark(t);
        }
    }

    long wakeups() {
        return wakeups.get();
    }

    void opened(OpenFile<S> f) {
        opens.add(f);
    }

    void released(OpenFile<S> f) {
        opens.remove(f);
    }

    /**
     * Makes {@code call} wait; {@code seen} is {@link #wakeups()} from before the driver was asked, so a wake-up
     * that came meanwhile is not lost.
     */
    void park(WaitingCall<S> call, long seen) {
        waiting.add(call);
        call.answer.onInterrupt(() -> {
            if (call.claim()) {
                waiting.remove(call);
                call.answer.fail(Errno.EINTR);
            }
        });
        if (wakeups.get() != seen) wakeUp();
    }

    /** How many calls wait now. */
    int waitingCalls() {
        return waiting.size();
    }

    private void run() {
        while (!stopped) {
            if (!pending.getAndSet(false)) {
                LockSupport.park(this);
                continue;
            }
            for (Iterator<WaitingCall<S>> it = waiting.iterator(); it.hasNext() && !stopped; ) {
                WaitingCall<S> call = it.next();
                if (!call.claim()) continue; // its caller's signal is answering it
                boolean answered;
                try {
                    answered = askAgain(call);
                } catch (Throwable t) {
                    answered = true;
                    if (t instanceof ErrnoException e) {
                        call.answer.fail(e.errno());
                    } else {
                        LOG.log(Level.ERROR, "chardev " + name + ": driver " + (call.isRead() ? "read" : "write")
                                + " of a waiting call failed; answering EIO", t);
                        call.answer.fail(Errno.EIO);
                    }
                }
                if (answered || call.answer.isDone()) {
                    it.remove();
                    continue;
                }
                call.unclaim();
                // A signal that came while the driver was asked found the call claimed: answer it now.
                if (call.answer.isInterrupted() && call.claim()) {
                    it.remove();
                    call.answer.fail(Errno.EINTR);
                }
            }
            FuseNotifier<Object> n = notifier;
            for (OpenFile<S> f : opens) {
                if (f.pollArmed.compareAndSet(true, false) && !stopped) n.pollWakeup(new PollHandle(f.pollHandle));
            }
        }
        waiting.clear();
    }

    /** Asks the driver again; true when the call was answered. */
    private boolean askAgain(WaitingCall<S> call) throws ErrnoException {
        if (call.isRead()) {
            ReadReplySink sink = new ReadReplySink(buffer, 0, call.size);
            boolean done;
            int length;
            try {
                done = driver.read(call.request, call.file.state, sink);
            } finally {
                length = sink.close();
            }
            if (!done && length == 0) return false;
            call.answer.complete(buffer.slice(0, length));
            return true;
        }
        buffer.put(0, call.data, 0, call.data.length);
        RequestPayload data = new RequestPayload(buffer, 0, call.data.length);
        int taken;
        try {
            taken = driver.write(call.request, call.file.state, data);
        } finally {
            data.close();
        }
        if (taken == 0) return false;
        if (taken < 0 || taken > call.data.length) {
            throw new IllegalStateException("write took " + taken + " of " + call.data.length + " bytes");
        }
        call.answer.complete(taken);
        return true;
    }

    @SuppressWarnings("unchecked")
    static Deferred<Object> cast(Deferred<?> d) {
        return (Deferred<Object>) d;
    }
}
