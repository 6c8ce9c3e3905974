package dev.j4l.drivers.faults;

import dev.j4l.block.BlockData;
import dev.j4l.block.Allocation;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.ExtentSink;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A decorator over any {@link BlockDriver} that makes it a worse disk, for testing what sits above it (file
 * systems, databases, the transports themselves): a delay before every request, a fraction of reads and of
 * writes failed with EIO, and a byte range where every request fails with EIO (a bad patch of the medium).
 * What is not failed is passed to the driver unchanged. The knobs may be turned while the device is served;
 * each request sees them as they are when it arrives.
 *
 * <p>Writes here are everything that changes the device: write, write-zeroes and discard. A failed request
 * never reaches the driver, so a failed write leaves the old data, which a real disk does not promise.
 */
public final class FaultInjector implements BlockDriver {
    /** The failing range, {@code [from, to)} in bytes. */
    private record Range(long from, long to) {
        boolean overlaps(long offset, long length) {
            return offset < to && offset + length > from;
        }
    }

    private static final Range NONE = new Range(0, 0);

    private final BlockDriver driver;
    private volatile long latencyNanos;
    private volatile double readFailure;
    private volatile double writeFailure;
    private volatile Range failing = NONE;
    private final AtomicLong injected = new AtomicLong();

    /** Wraps {@code driver}, injecting nothing until told to. */
    public FaultInjector(BlockDriver driver) {
        this.driver = driver;
    }

    /** Delays every request (flush included) by {@code latency} before it reaches the driver. */
    public FaultInjector latency(Duration latency) {
        if (latency.isNegative()) throw new IllegalArgumentException("negative latency: " + latency);
        latencyNanos = latency.toNanos();
        return this;
    }

    /** Fails this fraction (0 to 1) of reads with EIO, at random. */
    public FaultInjector failReads(double fraction) {
        readFailure = checkFraction(fraction);
        return this;
    }

    /** Fails this fraction (0 to 1) of writes, write-zeroes and discards with EIO, at random. */
    public FaultInjector failWrites(double fraction) {
        writeFailure = checkFraction(fraction);
        return this;
    }

    /** Fails every request touching {@code [offset, offset+length)} with EIO; a length of 0 heals the range. */
    public FaultInjector failRange(long offset, long length) {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("bad range " + offset + "+" + length);
        failing = length == 0 ? NONE : new Range(offset, Math.addExact(offset, length));
        return this;
    }

    /** Requests failed so far. */
    public long injected() {
        return injected.get();
    }

    private static double checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("a fraction is 0 to 1: " + fraction);
        return fraction;
    }

    /** Waits the latency, then fails the request if a knob says so. */
    private void arrive(String op, long offset, long length, double failure) throws ErrnoException {
        long nanos = latencyNanos;
        if (nanos > 0) {
            try {
                Thread.sleep(Duration.ofNanos(nanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the transport is stopping: answer without the rest of the delay
            }
        }
        if (length > 0 && failing.overlaps(offset, length)) fail(op + " of the failing range at " + offset);
        if (failure > 0 && ThreadLocalRandom.current().nextDouble() < failure) fail(op + " at " + offset);
    }

    private void fail(String what) throws ErrnoException {
        injected.incrementAndGet();
        throw new ErrnoException(Errno.EIO, "injected failure: " + what);
    }

    @Override
    public long size() {
        return driver.size();
    }

    @Override
    public int blockSize() {
        return driver.blockSize();
    }

    @Override
    public boolean readOnly() {
        return driver.readOnly();
    }

    @Override
    public boolean canDiscard() {
        return driver.canDiscard();
    }

    @Override
    public void read(long offset, BlockData into) throws ErrnoException {
        arrive("read", offset, into.length(), readFailure);
        driver.read(offset, into);
    }

    @Override
    public void write(long offset, BlockData from, boolean fua) throws ErrnoException {
        arrive("write", offset, from.length(), writeFailure);
        driver.write(offset, from, fua);
    }

    @Override
    public void flush() throws ErrnoException {
        arrive("flush", 0, 0, 0);
        driver.flush();
    }

    @Override
    public void discard(long offset, long length) throws ErrnoException {
        arrive("discard", offset, length, writeFailure);
        driver.discard(offset, length);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean noHole) throws ErrnoException {
        arrive("write-zeroes", offset, length, writeFailure);
        driver.writeZeroes(offset, length, fua, noHole);
    }

    /**
     * How the range is stored is the wrapped driver's answer, so holes stay holes; except while reads may be
     * failed there, when all of it is data: a transport reads a hole without asking the driver, and the read
     * would never meet its fault.
     */
    @Override
    public void extents(long offset, long length, ExtentSink sink) throws ErrnoException {
        if (readFailure > 0 || failing.overlaps(offset, length)) {
            sink.extent(length, Allocation.DATA);
            return;
        }
        driver.extents(offset, length, sink);
    }
}
