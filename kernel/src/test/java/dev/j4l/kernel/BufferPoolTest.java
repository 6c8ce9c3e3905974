package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
    @Test
    void exhaustionIsAnOrdinaryResultAndReleaseRefills() {
        BufferPool pool = new BufferPool(4, 4096, 4096);
        List<BufferPool.Lease> leases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            BufferPool.Lease l = pool.tryAcquire();
            assertNotNull(l);
            leases.add(l);
        }
        assertNull(pool.tryAcquire(), "a fifth buffer does not exist");
        assertEquals(0, pool.available());
        leases.get(2).release();
        BufferPool.Lease again = pool.tryAcquire();
        assertNotNull(again);
        assertEquals(4096, again.buffer().size());
        for (BufferPool.Lease l : leases) if (!l.released()) l.release();
        again.close();
        assertEquals(4, pool.available());
    }

    @Test
    void buffersAreDistinctAndAligned() {
        BufferPool pool = new BufferPool(3, 100, 64);
        BufferPool.Lease a = pool.tryAcquire(), b = pool.tryAcquire();
        assertTrue(!a.buffer().overlaps(b.buffer()));
        a.buffer().putLong(92, -1L);
        assertThrows(IndexOutOfBoundsException.class, () -> a.buffer().putLong(93, 1L));
        assertEquals(0, b.buffer().getLong(0));
    }

    @Test
    void doubleReleaseAndUseAfterReleaseFailLoudly() {
        BufferPool pool = new BufferPool(1, 64);
        BufferPool.Lease lease = pool.tryAcquire();
        NativeBuffer kept = lease.buffer();
        NativeBuffer slice = kept.slice(8, 8);
        kept.putInt(0, 1);
        lease.release();
        assertThrows(IllegalStateException.class, lease::release);
        assertThrows(IllegalStateException.class, lease::buffer);
        assertThrows(IllegalStateException.class, () -> kept.getInt(0));
        assertThrows(IllegalStateException.class, () -> slice.putLong(0, 5));
        // The next holder's buffer works and is not disturbed by the stale references.
        BufferPool.Lease next = pool.tryAcquire();
        next.buffer().putInt(0, 99);
        assertThrows(IllegalStateException.class, () -> kept.putInt(0, 7));
        assertEquals(99, next.buffer().getInt(0));
        // A stale buffer cannot reach the kernel either.
        assertThrows(IllegalStateException.class, () -> {
            try (OwnedFd fd = Fs.open("/dev/zero", Fs.O_RDONLY)) {
                fd.read(kept);
            }
        });
        next.release();
    }

    @Test
    void concurrentAcquireNeverHandsOutABufferTwice() throws Exception {
        BufferPool pool = new BufferPool(8, 16);
        int threads = 4;
        List<Thread> ts = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            long tag = t + 1;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 20_000; i++) {
                        BufferPool.Lease l = pool.tryAcquire();
                        if (l == null) continue;
                        NativeBuffer b = l.buffer();
                        b.putLong(0, tag);
                        Thread.onSpinWait();
                        if (b.getLong(0) != tag) throw new AssertionError("buffer shared between two leases");
                        l.release();
                    }
                } catch (Throwable x) {
                    failure.compareAndSet(null, x);
                }
            }));
        }
        for (Thread t : ts) t.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
        assertEquals(8, pool.available());
    }

    @Test
    void invalidShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(1, 10, 3));
    }
}
