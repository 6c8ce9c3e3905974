package dev.j4l.net;

import dev.j4l.kernel.LoanScope;
import dev.j4l.kernel.NativeBuffer;

/**
 * One worker's sequence of batches: what makes a {@link Frame} valid. A frame belongs to the batch it was read
 * in and works only on the worker's thread until that batch ends; the worker's buffers are then read into
 * again, and a kept frame throws instead of showing the new bytes. Buffers handed out by
 * {@link Frame#buffer()} are views lent for the batch.
 */
final class Batch {
    private final Thread thread = Thread.currentThread();
    private long number;
    /** Opened by the batch's first {@link Frame#buffer()}; most handlers never ask. */
    private LoanScope loans;

    long number() {
        return number;
    }

    /** Throws unless batch {@code n} is the current one and this is the worker's thread. */
    void check(long n) {
        if (Thread.currentThread() != thread) throw new WrongThreadException("Frame used off its worker's thread");
        if (n != number) throw new IllegalStateException("Frame used after its batch ended");
    }

    /** For messages: true while batch {@code n} runs and this is the worker's thread. */
    boolean isCurrent(long n) {
        return Thread.currentThread() == thread && n == number;
    }

    NativeBuffer lend(NativeBuffer buffer) {
        if (loans == null) loans = LoanScope.open();
        return loans.lend(buffer);
    }

    /** Ends the current batch: its frames and every buffer view lent in it stop working. */
    void end() {
        number++;
        if (loans != null) {
            loans.close();
            loans = null;
        }
    }
}
