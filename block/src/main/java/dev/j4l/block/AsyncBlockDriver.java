package dev.j4l.block;

import dev.j4l.kernel.ErrnoException;

/**
 * A block driver that answers requests later, from threads of its own: one that forwards them to a network
 * service or an asynchronous I/O interface, and should not hold a transport thread per request in flight.
 * Transports {@linkplain #submit submit} every request to it instead of calling the synchronous methods; a
 * request that is not {@linkplain BlockRequest#defer() deferred} is answered when submit returns, as a
 * synchronous call is. The synchronous methods submit and wait, so the driver can still be used where a
 * {@link BlockDriver} is expected (a wrapper, a test).
 */
public interface AsyncBlockDriver extends BlockDriver {
    /**
     * Starts (or serves) {@code request}. Throwing {@link ErrnoException} answers that error; any other
     * exception answers EIO and is logged, unless the request was already answered through its completion.
     */
    void submit(BlockRequest request) throws ErrnoException;

    @Override
    default void read(long offset, BlockData into) throws ErrnoException {
        dev.j4l.block.transport.Submission.await(this, BlockOp.READ, offset, into.length(), false, false, into);
    }

    @Override
    default void write(long offset, BlockData from, boolean fua) throws ErrnoException {
        dev.j4l.block.transport.Submission.await(this, BlockOp.WRITE, offset, from.length(), fua, false, from);
    }

    @Override
    default void flush() throws ErrnoException {
        dev.j4l.block.transport.Submission.await(this, BlockOp.FLUSH, 0, 0, false, false, null);
    }

    @Override
    default void discard(long offset, long length) throws ErrnoException {
        dev.j4l.block.transport.Submission.await(this, BlockOp.DISCARD, offset, length, false, false, null);
    }

    @Override
    default void writeZeroes(long offset, long length, boolean fua, boolean noHole) throws ErrnoException {
        dev.j4l.block.transport.Submission.await(this, BlockOp.WRITE_ZEROES, offset, length, fua, noHole, null);
    }
}
