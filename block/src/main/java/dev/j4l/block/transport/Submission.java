package dev.j4l.block.transport;

import dev.j4l.block.AsyncBlockDriver;
import dev.j4l.block.BlockCompletion;
import dev.j4l.block.BlockData;
import dev.j4l.block.BlockOp;
import dev.j4l.block.BlockRequest;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request submitted to an {@link AsyncBlockDriver}: lent for the submit call (then every method throws), and
 * answered exactly once, by the submit call's return or throw or, once deferred, by its completion from any
 * thread. The answer goes to the transport's {@link Finisher}. The completion is a handle of its own over the
 * answer's state, so one the driver drops unanswered is answered EIO by the cleaner.
 */
public final class Submission implements BlockRequest {
    private static final System.Logger LOG = System.getLogger("dev.j4l.block");
    private static final Cleaner CLEANER = Cleaner.create();

    /** What the transport does with the answer; called once, on the thread that gives it. */
    @FunctionalInterface
    public interface Finisher {
        /**
         * @param error null on success
         * @param data a deferred READ's bytes, {@code data[offset..offset+length)}, to be copied before returning;
         *     null otherwise (a READ answered within submit has its bytes in the window)
         */
        void finished(Errno error, byte[] data, int offset);
    }

    private final BlockOp op;
    private final long offset;
    private final long length;
    private final boolean fua;
    private final boolean noHole;
    private final BlockData data;
    private final Thread owner = Thread.currentThread();
    private final Answer answer;
    private volatile boolean submitting = true;
    private boolean deferred;

    private Submission(BlockOp op, long offset, long length, boolean fua, boolean noHole, BlockData data,
            Finisher finisher) {
        this.op = op;
        this.offset = offset;
        this.length = length;
        this.fua = fua;
        this.noHole = noHole;
        this.data = data;
        this.answer = new Answer(op, offset, length, finisher);
    }

    /**
     * Submits a request that {@link DriverCall#check} let through; {@code finisher} gets its answer, on this
     * thread when the driver answers within submit, else later on the completing thread. {@code data} is the
     * window for READ and WRITE (null otherwise), usable by the driver during submit only.
     */
    static void submit(AsyncBlockDriver driver, BlockOp op, long offset, long length, boolean fua, boolean noHole,
            BlockData data, Finisher finisher) {
        Submission s = new Submission(op, offset, length, fua, noHole, data, finisher);
        Errno thrown = null;
        try {
            driver.submit(s);
        } catch (ErrnoException e) {
            thrown = e.errno();
        } catch (RuntimeException | Error e) {
            thrown = DriverCall.failed(op, offset, length, e);
        } finally {
            s.submitting = false;
        }
        if (!s.deferred || thrown != null) s.answer.give(thrown, null, 0);
    }

    /**
     * An {@link AsyncBlockDriver}'s synchronous call: submits on this thread, lending the caller's own window
     * for the submit call, and waits for the answer; a deferred READ's bytes are copied into the window here,
     * since the window is this thread's only.
     */
    public static void await(AsyncBlockDriver driver, BlockOp op, long offset, long length, boolean fua,
            boolean noHole, BlockData data) throws ErrnoException {
        CountDownLatch answered = new CountDownLatch(1);
        Errno[] error = new Errno[1];
        byte[][] bytes = new byte[1][];
        submit(driver, op, offset, length, fua, noHole, data, (e, d, at) -> {
            error[0] = e;
            if (d != null) bytes[0] = java.util.Arrays.copyOfRange(d, at, at + (int) length);
            answered.countDown();
        });
        try {
            answered.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErrnoException(Errno.EINTR);
        }
        if (error[0] != null) throw new ErrnoException(error[0]);
        if (bytes[0] != null) data.put(0, bytes[0], 0, bytes[0].length);
    }

    private void checkCall() {
        if (!submitting) throw new IllegalStateException("BlockRequest used after its submit call returned");
        if (Thread.currentThread() != owner) throw new WrongThreadException("BlockRequest used off its submit call's thread");
    }

    @Override
    public BlockOp op() {
        checkCall();
        return op;
    }

    @Override
    public long offset() {
        checkCall();
        return offset;
    }

    @Override
    public long length() {
        checkCall();
        return length;
    }

    @Override
    public boolean fua() {
        checkCall();
        return fua;
    }

    @Override
    public boolean noHole() {
        checkCall();
        return noHole;
    }

    @Override
    public BlockData data() {
        checkCall();
        if (data == null) throw new IllegalStateException(op + " has no data");
        return data;
    }

    @Override
    public BlockCompletion defer() {
        checkCall();
        if (deferred) throw new IllegalStateException("request deferred twice");
        deferred = true;
        Completion c = new Completion(answer);
        CLEANER.register(c, answer::dropped);
        return c;
    }

    /** The answer's state: given once. Referenced by the cleaner, so it never refers back to the handle. */
    private static final class Answer {
        private final BlockOp op;
        private final long offset;
        private final long length;
        private final Finisher finisher;
        private final AtomicBoolean given = new AtomicBoolean();

        Answer(BlockOp op, long offset, long length, Finisher finisher) {
            this.op = op;
            this.offset = offset;
            this.length = length;
            this.finisher = finisher;
        }

        boolean give(Errno error, byte[] data, int at) {
            if (!given.compareAndSet(false, true)) return false;
            finisher.finished(error, data, at);
            return true;
        }

        void dropped() {
            if (given.get()) return;
            LOG.log(Level.WARNING, "block driver dropped a deferred " + op + " of " + length + " bytes at " + offset
                    + " without answering; answering EIO");
            give(Errno.EIO, null, 0);
        }
    }

    /** The driver's handle on a deferred request. */
    private static final class Completion implements BlockCompletion {
        private final Answer answer;

        Completion(Answer answer) {
            this.answer = answer;
        }

        @Override
        public boolean complete() {
            if (answer.op == BlockOp.READ) throw new IllegalStateException("a READ is completed with its data");
            return answer.give(null, null, 0);
        }

        @Override
        public boolean complete(byte[] bytes, int from) {
            if (answer.op != BlockOp.READ) throw new IllegalStateException(answer.op + " is completed without data");
            Objects.checkFromIndexSize(from, (int) answer.length, bytes.length);
            return answer.give(null, bytes, from);
        }

        @Override
        public boolean fail(Errno errno) {
            return answer.give(Objects.requireNonNull(errno, "errno"), null, 0);
        }

        @Override
        public boolean isDone() {
            return answer.given.get();
        }
    }
}
