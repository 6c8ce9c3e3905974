package dev.j4l.block.transport;

import dev.j4l.block.AsyncBlockDriver;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.BlockOp;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.lang.System.Logger.Level;

/**
 * What every transport does with a request between decoding it and answering it, in one place: checks it
 * against the device (range, alignment, read-only, discard support), calls the driver, and turns what the
 * driver threw into the errno to answer (EIO, logged with the operation and range, for anything but an
 * {@link ErrnoException}).
 */
public final class DriverCall {
    private static final System.Logger LOG = System.getLogger("dev.j4l.block");

    private DriverCall() {}

    /**
     * Checks a driver's geometry before a transport serves it: a block size that is a power of two from 512 to
     * {@code maxBlockSize} (what the transport can carry), and a size that is a positive multiple of it.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void checkGeometry(BlockDriver driver, int maxBlockSize) {
        int bs = driver.blockSize();
        if (bs < 512 || bs > maxBlockSize || Integer.bitCount(bs) != 1) {
            throw new IllegalArgumentException("block size must be a power of two from 512 to " + maxBlockSize
                    + ": " + bs);
        }
        long size = driver.size();
        if (size <= 0 || size % bs != 0) {
            throw new IllegalArgumentException("size " + size + " is not a positive multiple of the block size " + bs);
        }
        int physical = driver.physicalBlockSize();
        if (physical < bs || physical % bs != 0 || Integer.bitCount(physical) != 1) {
            throw new IllegalArgumentException("physical block size " + physical + " is not a power-of-two multiple of the block size " + bs);
        }
    }

    /**
     * Null when the request may reach the driver, else the error to answer: a range outside the device is
     * ENOSPC for a write (as a full disk) and EINVAL otherwise; misalignment to the block size is EINVAL; a
     * change to a read-only device EPERM; a discard the driver does not do EOPNOTSUPP.
     */
    public static Errno check(BlockDriver driver, BlockOp op, long offset, long length) {
        if (!op.ranged()) return null;
        long size = driver.size();
        boolean inside = offset >= 0 && length >= 0 && length <= size && offset <= size - length;
        if (!inside) return op == BlockOp.WRITE || op == BlockOp.WRITE_ZEROES ? Errno.ENOSPC : Errno.EINVAL;
        int bs = driver.blockSize();
        if (offset % bs != 0 || length % bs != 0) return Errno.EINVAL;
        if (op.modifies() && driver.readOnly()) return Errno.EPERM;
        if (op == BlockOp.DISCARD && !driver.canDiscard()) return Errno.EOPNOTSUPP;
        return null;
    }

    /**
     * Checks the request, then calls the driver; returns null on success or the errno to answer. {@code data}
     * is the window for READ and WRITE (its length is the request's), null otherwise; the caller closes it.
     */
    public static Errno call(BlockDriver driver, BlockOp op, long offset, long length, boolean fua, boolean noHole,
            LentData data) {
        Errno refused = check(driver, op, offset, length);
        if (refused != null) return refused;
        try {
            switch (op) {
                case READ -> driver.read(offset, data);
                case WRITE -> driver.write(offset, data, fua);
                case FLUSH -> driver.flush();
                case DISCARD -> driver.discard(offset, length);
                case WRITE_ZEROES -> driver.writeZeroes(offset, length, fua, noHole);
                case EXTENTS -> throw new IllegalArgumentException("extents are asked through DriverCall.extents");
            }
            return null;
        } catch (ErrnoException e) {
            return e.errno();
        } catch (RuntimeException | Error e) {
            return failed(op, offset, length, e);
        }
    }

    /**
     * Checks the range (length positive too), then asks the driver how it is stored, into {@code into} (kept to
     * at most {@code max} extents, whole blocks); returns null on success or the errno to answer. With {@code
     * coverAll} the list covers the whole range even where the driver stopped early (the rest as data), as a
     * read needs; without, it may cover less, as NBD's block status allows. A read asking ahead ({@code
     * coverAll}) answers no error when this fails, but reads the whole range as data: a driver that threw is
     * logged as a warning saying so, not as EIO answered.
     */
    public static Errno extents(BlockDriver driver, long offset, long length, ExtentList into, int max,
            boolean coverAll) {
        Errno refused = length == 0 ? Errno.EINVAL : check(driver, BlockOp.EXTENTS, offset, length);
        if (refused != null) return refused;
        into.reset(length, driver.blockSize(), max);
        LentExtents sink = new LentExtents(into);
        try {
            driver.extents(offset, length, sink);
        } catch (ErrnoException e) {
            return e.errno();
        } catch (RuntimeException | Error e) {
            return coverAll ? failed(BlockOp.EXTENTS, offset, length, e, Level.WARNING, "reading the range as data")
                    : failed(BlockOp.EXTENTS, offset, length, e);
        } finally {
            sink.close();
        }
        into.finish(coverAll);
        return null;
    }

    /**
     * Checks the request, then submits it to an asynchronous driver; {@code finisher} gets the answer exactly
     * once (at once when refused or answered within submit, else later from the completing thread). {@code data}
     * is the window for READ and WRITE, usable by the driver during submit only; the caller closes it when this
     * returns.
     */
    public static void submit(AsyncBlockDriver driver, BlockOp op, long offset, long length, boolean fua,
            boolean noHole, LentData data, Submission.Finisher finisher) {
        Errno refused = check(driver, op, offset, length);
        if (refused != null) {
            finisher.finished(refused, null, 0);
            return;
        }
        Submission.submit(driver, op, offset, length, fua, noHole, data, finisher);
    }

    static Errno failed(BlockOp op, long offset, long length, Throwable e) {
        return failed(op, offset, length, e, Level.ERROR, "answering EIO");
    }

    /** Logs what the driver threw and what comes of it ({@code outcome}); the errno it maps to. */
    private static Errno failed(BlockOp op, long offset, long length, Throwable e, Level level, String outcome) {
        LOG.log(level, "block driver failed in " + op + " of " + length + " bytes at " + offset + "; " + outcome, e);
        return Errno.EIO;
    }
}
