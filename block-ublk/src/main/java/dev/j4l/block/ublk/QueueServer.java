package dev.j4l.block.ublk;

import dev.j4l.block.AsyncBlockDriver;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.BlockOp;
import dev.j4l.block.transport.DriverCall;
import dev.j4l.block.transport.LentData;
import dev.j4l.block.transport.Submission;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.ublk.UblkDevice;
import dev.j4l.kernel.ublk.UblkOp;
import dev.j4l.kernel.ublk.UblkQueue;
import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * One queue's thread: fetches every tag, then serves each request the kernel hands it and commits its result
 * (bytes done or {@code -errno}) together with the tag's next fetch, until the device ends the queue. A
 * synchronous driver is called on this thread; an asynchronous one is submitted the request here and may answer
 * from any thread, which records the answer for the tag and wakes this thread to commit it.
 */
final class QueueServer implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.block");
    private static final int IDLE = 0, DEFERRED = 1, ANSWERED = 2;

    private final BlockDriver driver;
    private final AsyncBlockDriver async;
    private final UblkDevice device;
    private final int qid;
    private final CountDownLatch fetched;
    private final CountDownLatch ended;
    private volatile Throwable failure;
    private UblkQueue queue;
    /** The queue's thread (set when it starts). */
    private volatile Thread thread;
    /** Each tag's buffer, taken once on this thread (an answering thread copies a deferred read's bytes there). */
    private NativeBuffer[] buffers;
    /** Per tag: IDLE, DEFERRED (with the driver), ANSWERED (result below, to commit). */
    private AtomicIntegerArray states;
    private int[] results;
    private Answer[] answers;

    QueueServer(BlockDriver driver, UblkDevice device, int qid, CountDownLatch fetched, CountDownLatch ended) {
        this.driver = driver;
        this.async = driver instanceof AsyncBlockDriver a ? a : null;
        this.device = device;
        this.qid = qid;
        this.fetched = fetched;
        this.ended = ended;
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            try {
                queue = device.queue(qid);
                int depth = queue.depth();
                buffers = new NativeBuffer[depth];
                for (int t = 0; t < depth; t++) buffers[t] = queue.buffer(t);
                states = new AtomicIntegerArray(depth);
                results = new int[depth];
                answers = new Answer[depth];
                for (int t = 0; t < depth; t++) answers[t] = new Answer(t);
                queue.fetchAll();
            } catch (KernelException | RuntimeException e) {
                failure = e;
                if (queue != null) queue.close();
                return;
            } finally {
                fetched.countDown();
            }
            serve();
        } finally {
            ended.countDown();
        }
    }

    private void serve() {
        try {
            while (queue.await()) {
                for (int tag = queue.next(); tag != UblkQueue.NONE; tag = queue.next()) {
                    if (tag == UblkQueue.WAKE) commitAnswered();
                    else handle(tag);
                }
            }
        } catch (KernelException | RuntimeException e) {
            LOG.log(Level.ERROR, "ublk queue " + qid + " of device " + device.id() + " failed; it stops serving", e);
        } finally {
            queue.close();
        }
    }

    private void handle(int tag) {
        UblkOp op = queue.op(tag);
        long offset = queue.startSector(tag) << 9;
        long length = Integer.toUnsignedLong(queue.sectors(tag)) << 9;
        boolean fua = queue.fua(tag);
        BlockOp blockOp = switch (op) {
            case READ -> BlockOp.READ;
            case WRITE -> BlockOp.WRITE;
            case FLUSH -> BlockOp.FLUSH;
            case DISCARD -> BlockOp.DISCARD;
            case WRITE_ZEROES -> BlockOp.WRITE_ZEROES;
            case WRITE_SAME, OTHER -> null;
        };
        if (blockOp == null) {
            queue.commit(tag, -Errno.EOPNOTSUPP.number());
            return;
        }
        boolean noHole = blockOp == BlockOp.WRITE_ZEROES && queue.noUnmap(tag);
        boolean data = blockOp == BlockOp.READ || blockOp == BlockOp.WRITE;
        if (data && length > queue.maxIoBytes()) { // the kernel keeps requests within max_sectors
            queue.commit(tag, -Errno.EINVAL.number());
            return;
        }
        if (!blockOp.ranged()) offset = length = 0;
        LentData window = null;
        if (data) {
            // A read's room starts as zeroes, so a driver that leaves some unwritten shows no earlier request's bytes.
            if (blockOp == BlockOp.READ) buffers[tag].fill(0, length, (byte) 0);
            window = new LentData(buffers[tag], 0, (int) length);
        }
        int done = data ? (int) length : 0;
        try {
            if (async == null) {
                Errno e = DriverCall.call(driver, blockOp, offset, length, fua, noHole, window);
                queue.commit(tag, e == null ? done : -e.number());
                return;
            }
            Answer a = answers[tag];
            a.begin(blockOp == BlockOp.READ ? (int) length : -1, done);
            states.set(tag, DEFERRED);
            try {
                DriverCall.submit(async, blockOp, offset, length, fua, noHole, window, a);
            } finally {
                a.end();
            }
            if (a.answeredHere) {
                states.set(tag, IDLE);
                queue.commit(tag, a.resultHere);
            }
            // else: answered later, from the driver's thread, through a.finished and a wake-up
        } finally {
            if (window != null) window.close();
        }
    }

    /** Commits every tag a driver's thread has answered since the last wake-up. */
    private void commitAnswered() {
        for (int t = 0; t < results.length; t++) {
            if (states.get(t) == ANSWERED) {
                states.set(t, IDLE);
                queue.commit(t, results[t]);
            }
        }
    }

    /**
     * A tag's {@link Submission.Finisher}, one per tag and reused: a tag carries one request at a time, and its
     * answer is given exactly once before the tag is committed and can carry the next.
     */
    private final class Answer implements Submission.Finisher {
        private final int tag;
        /** A READ's length (its bytes are copied into the buffer when answered later), else -1. */
        private int readLength;
        private int done;
        /** True while the queue's thread is in submit: an answer given then, on that thread, is committed after it. */
        private boolean submitting;
        boolean answeredHere;
        int resultHere;

        Answer(int tag) {
            this.tag = tag;
        }

        void begin(int readLength, int done) {
            this.readLength = readLength;
            this.done = done;
            this.answeredHere = false;
            this.submitting = true;
        }

        void end() {
            submitting = false;
        }

        @Override
        public void finished(Errno error, byte[] bytes, int at) {
            int result = error != null ? -error.number() : done;
            if (error == null && bytes != null && readLength > 0) {
                // A deferred READ's bytes: the tag is the server's until committed, so nothing else uses its buffer.
                buffers[tag].put(0, bytes, at, readLength);
            }
            if (Thread.currentThread() == thread && submitting) {
                answeredHere = true;
                resultHere = result;
                return;
            }
            results[tag] = result;
            states.set(tag, ANSWERED); // publishes results[tag] to the queue's thread
            queue.wake();
        }
    }
}
