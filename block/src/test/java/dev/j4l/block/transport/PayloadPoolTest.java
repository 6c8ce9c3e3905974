package dev.j4l.block.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The payload pool lends page-aligned blocks, bounded, merges them back, and makes the over-budget wait. */
class PayloadPoolTest {
    private static final int MIB = 1 << 20;

    @Test
    void blocksAreDisjointPageAlignedAndComeBackWhole() {
        PayloadPool pool = new PayloadPool(MIB);
        List<PayloadPool.Payload> lent = new ArrayList<>();
        Random r = new Random(3);
        PayloadPool.Payload p;
        while ((p = pool.tryAcquire(1 + r.nextInt(64 * 1024))) != null) lent.add(p);
        assertTrue(lent.size() > 16);
        for (int i = 0; i < lent.size(); i++) {
            assertEquals(0, lent.get(i).buffer().size() % PayloadPool.MIN_BLOCK);
            for (int j = i + 1; j < lent.size(); j++) {
                assertTrue(!lent.get(i).buffer().overlaps(lent.get(j).buffer()), "blocks " + i + " and " + j + " overlap");
            }
        }
        for (PayloadPool.Payload q : lent) q.release();
        assertEquals(MIB, pool.freeBytes());
        PayloadPool.Payload all = pool.tryAcquire(MIB);
        assertNotNull(all, "freed blocks merged back into one");
        assertNull(pool.tryAcquire(1));
        all.release();
        assertThrows(IllegalStateException.class, all::release);
        assertThrows(IllegalArgumentException.class, () -> pool.acquire(MIB + 1));
    }

    @Test
    void theSameBlockGivesTheSamePayloadObject() {
        PayloadPool pool = new PayloadPool(MIB);
        PayloadPool.Payload a = pool.acquire(4096);
        a.release();
        assertTrue(a == pool.acquire(4096), "no allocation once warm");
    }

    @Test
    void anAcquirerOverTheBudgetWaitsForARelease() throws Exception {
        PayloadPool pool = new PayloadPool(MIB);
        PayloadPool.Payload half = pool.acquire(MIB / 2);
        PayloadPool.Payload other = pool.acquire(MIB / 2);
        CompletableFuture<PayloadPool.Payload> waiting = CompletableFuture.supplyAsync(() -> pool.acquire(MIB / 2));
        // Whatever the scheduling, it cannot have finished: nothing is free.
        assertNull(pool.tryAcquire(1));
        assertTrue(!waiting.isDone());
        half.release();
        PayloadPool.Payload got = waiting.get(60, TimeUnit.SECONDS);
        assertEquals(MIB / 2, got.buffer().size());
        got.release();
        other.release();
        assertEquals(MIB, pool.freeBytes());
    }
}
