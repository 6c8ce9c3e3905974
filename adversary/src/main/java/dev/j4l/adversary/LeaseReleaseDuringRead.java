package dev.j4l.adversary;

import dev.j4l.kernel.BufferPool;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.Pipe;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pooled buffer is checked when a call starts, not while the kernel holds its address: a thread reads a
 * pipe into its leased buffer and blocks; another thread releases the lease, the slot goes to the next
 * borrower, and the data that then arrives lands in the next borrower's buffer.
 *
 * <p>Refused: the release throws (WrongThreadException or IllegalStateException), or waits until the read
 * is done, and the next borrower's buffer never gets the data. Break: the next borrower's buffer got it.
 */
final class LeaseReleaseDuringRead implements Attack {
    private static final byte DATA = 0x5A;

    @Override
    public String name() {
        return "lease-release-during-read";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        BufferPool pool = new BufferPool(1, 4096);
        try (Pipe p = Pipe.open(0)) {
            AtomicReference<BufferPool.Lease> lent = new AtomicReference<>();
            CountDownLatch leased = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().name("adversary-reader").start(() -> {
                BufferPool.Lease lease = pool.tryAcquire();
                lent.set(lease);
                leased.countDown();
                try {
                    p.readEnd().read(lease.buffer());
                } catch (Exception | Error e) {
                    // whatever the read makes of it: what matters is where the data went
                }
            });
            leased.await();
            Thread.sleep(100); // the reader is in read(2) now, holding the buffer's address
            AtomicReference<Throwable> releaseFailure = new AtomicReference<>();
            Thread releaser = Thread.ofPlatform().name("adversary-releaser").start(() -> {
                try {
                    lent.get().release();
                } catch (Throwable t) {
                    releaseFailure.set(t);
                }
            });
            releaser.join(2000);
            BufferPool.Lease next = releaser.isAlive() ? null : pool.tryAcquire();
            if (next != null) next.buffer().fill(0, 4096, (byte) 0);
            NativeBuffer data = NativeBuffer.allocate(4096);
            data.fill(0, 4096, DATA);
            p.writeEnd().write(data);
            reader.join(5000);
            releaser.join(5000);
            if (next != null && next.buffer().indexOf(DATA, 0, 4096) >= 0) {
                findings.broken("a lease released while its buffer was in read(2) was lent again, and the read's data "
                        + "landed in the next borrower's buffer");
            } else if (releaseFailure.get() != null) {
                findings.refused(releaseFailure.get());
            } else {
                findings.heldBack(next == null ? "the release waited for the read in flight"
                        : "the next borrower's buffer stayed untouched");
            }
            if (next != null) next.release();
        }
        return findings.verdict();
    }
}
