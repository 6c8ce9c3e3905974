package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.IOCTL_32BIT;
import static dev.j4l.kernel.abi.FuseAbi.IOCTL_OUT;
import static dev.j4l.kernel.abi.FuseAbi.IOCTL_UNRESTRICTED;
import static dev.j4l.kernel.abi.FuseAbi.OUT_HEADER;

import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.protocol.FuseRequest;
import dev.j4l.kernel.LoanScope;
import dev.j4l.kernel.NativeBuffer;

/**
 * One IOCTL as a {@link CuseIoctlServer} sees it, lent for its call on its thread: the command, what came in,
 * room for what goes out (a window of the reply itself), and the two ways to answer. The caller's argument is a
 * number here only so that {@link #retry} can name it back to the kernel, which copies the caller's own bytes at
 * it; nothing reads or writes memory at it in this process.
 */
public final class IoctlCall {
    private final FuseRequest.Ioctl request;
    private final DataSource input;
    private final NativeBuffer out;
    private final Thread owner = Thread.currentThread();
    private LoanScope loan;
    private int outLength;
    /** The reply's payload length once answered; -1 before. */
    private int replyLength = -1;
    private boolean closed;

    IoctlCall(FuseRequest.Ioctl request, DataSource input, NativeBuffer out) {
        this.request = request;
        this.input = input;
        this.out = out;
    }

    private void check() {
        if (closed) throw new IllegalStateException("IoctlCall used after its call returned");
        if (Thread.currentThread() != owner) throw new WrongThreadException("IoctlCall used off its call's thread");
    }

    /** The ioctl number the caller passed. */
    public int command() {
        check();
        return request.cmd();
    }

    /** The caller's third argument of ioctl(2): a value, or an address in the caller's process. */
    public long argument() {
        check();
        return request.arg();
    }

    /** True when the kernel sent the ioctl unrestricted: its data comes only through {@link #retry}. */
    public boolean unrestricted() {
        check();
        return (request.flags() & IOCTL_UNRESTRICTED) != 0;
    }

    /** True for a 32-bit caller (pointers and longs of 4 bytes). */
    public boolean compat() {
        check();
        return (request.flags() & IOCTL_32BIT) != 0;
    }

    /** The bytes the caller's argument held (none before a retry). */
    public DataSource input() {
        check();
        return input;
    }

    /** How many bytes the kernel takes back to the caller (none before a retry). */
    public int outSize() {
        check();
        return request.outSize();
    }

    /**
     * The first {@code length} bytes of the answer's output, zeroed, lent until the call returns: written in place
     * in the reply.
     */
    public NativeBuffer output(int length) {
        check();
        if (length < 0 || length > request.outSize()) {
            throw new IndexOutOfBoundsException("output of " + length + " bytes; the kernel takes " + request.outSize());
        }
        if (loan == null) loan = LoanScope.open();
        out.fill(OUT_HEADER + IOCTL_OUT, length, (byte) 0);
        outLength = Math.max(outLength, length);
        return loan.lend(out).slice(OUT_HEADER + IOCTL_OUT, length);
    }

    /** Answers: ioctl(2) returns {@code result}, and the output bytes asked for go back to the caller. */
    public void answer(int result) {
        check();
        if (replyLength >= 0) throw new IllegalStateException("IOCTL answered twice");
        replyLength = ReplyBuilder.ioctlAnswered(out, result, outLength);
    }

    /**
     * Asks the kernel to send this unrestricted ioctl again with {@code in} bytes read from the caller's argument,
     * and to copy up to {@code out} bytes of the answer back there.
     */
    public void retry(int in, int out) {
        check();
        if (!unrestricted()) throw new IllegalStateException("a restricted ioctl cannot be retried");
        if (replyLength >= 0) throw new IllegalStateException("IOCTL answered twice");
        if (in < 0 || out < 0) throw new IllegalArgumentException("negative ioctl data size");
        replyLength = ReplyBuilder.ioctlRetry(this.out, request.arg(), in, out);
    }

    /** Ends the call; returns the reply's payload length, or -1 if it was not answered. */
    int close() {
        closed = true;
        if (loan != null) loan.close();
        return replyLength;
    }
}
