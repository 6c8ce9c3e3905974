package dev.j4l.adversary;

import dev.j4l.kernel.BufferPool;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.Pipe;

/**
 * A lease released twice, and a released lease's buffer and slices used again — after the slot went to the
 * next borrower, whose data must stay untouched.
 *
 * <p>Refused: IllegalStateException from each. Break: a call returned, or the next borrower's data changed.
 */
final class PoolDoubleRelease implements Attack {
    @Override
    public String name() {
        return "pool-double-release";
    }

    @Override
    public Verdict run() throws Exception {
        Findings f = new Findings();
        BufferPool pool = new BufferPool(1, 64);
        BufferPool.Lease lease = pool.tryAcquire();
        NativeBuffer buffer = lease.buffer();
        NativeBuffer slice = buffer.slice(8, 8);
        lease.release();
        BufferPool.Lease next = pool.tryAcquire();
        if (next == null) return new Verdict.Broken("the released slot was not lent again");
        next.buffer().fill(0, 64, (byte) 0x42);
        Class<IllegalStateException> ise = IllegalStateException.class;
        f.expectRefusal("release twice", lease::release, ise);
        f.expectRefusal("close after release", lease::close, ise);
        f.expectRefusal("lease.buffer() after release", lease::buffer, ise);
        f.expectRefusal("buffer.putByte after release", () -> buffer.putByte(0, (byte) 1), ise);
        f.expectRefusal("slice.putByte after release", () -> slice.putByte(0, (byte) 1), ise);
        f.expectRefusal("buffer.slice after release", () -> buffer.slice(0, 8), ise);
        f.expectRefusal("buffer.asByteBuffer after release", buffer::asByteBuffer, ise);
        f.expectRefusal("buffer.fill after release", () -> buffer.fill(0, 64, (byte) 1), ise);
        f.expectRefusal("next.buffer().copyFrom(released buffer)", () -> next.buffer().copyFrom(0, buffer, 0, 8), ise);
        try (Pipe p = Pipe.open(0)) {
            p.writeEnd().write(NativeBuffer.copyOf(new byte[] {1, 2, 3, 4}));
            f.expectRefusal("OwnedFd.read into a released buffer", () -> p.readEnd().read(slice), ise);
            f.expectRefusal("OwnedFd.readv into a released buffer", () -> p.readEnd().readv(buffer), ise);
        }
        for (int i = 0; i < 64; i++) {
            if (next.buffer().getByte(i) != 0x42) {
                f.broken("the next borrower's byte " + i + " changed to " + next.buffer().getByte(i));
                break;
            }
        }
        next.release();
        return f.verdict();
    }
}
