package dev.j4l.adversary;

import dev.j4l.kernel.BufferPool;
import dev.j4l.kernel.NativeBuffer;
import java.nio.ByteBuffer;

/**
 * A pooled buffer's ByteBuffer view outlives the lease: after release the slot goes to the next borrower, and
 * the view still reads and writes it. A lease is also used from a thread other than the one that acquired
 * it.
 *
 * <p>Refused: the view and the buffer throw IllegalStateException after release, and WrongThreadException
 * (or IllegalStateException) on another thread. Break: any access went through (the message says whether the
 * next borrower's data was seen).
 */
final class PooledByteBuffer implements Attack {
    @Override
    public String name() {
        return "pooled-bytebuffer";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        BufferPool pool = new BufferPool(1, 4096);
        BufferPool.Lease lease = pool.tryAcquire();
        NativeBuffer buffer = lease.buffer();
        ByteBuffer view = buffer.asByteBuffer();
        lease.release();
        BufferPool.Lease next = pool.tryAcquire(); // the same slot, now someone else's
        if (next != null) next.buffer().putByte(0, (byte) 0x42);
        findings.expectRefusalExplained("ByteBuffer view read after release",
                () -> "get(0) answered " + view.get(0) + (view.get(0) == 0x42 ? " (the next borrower's byte)" : ""),
                IllegalStateException.class);
        findings.expectRefusalExplained("ByteBuffer view written after release", () -> {
            view.put(0, (byte) 0x13);
            return "put() succeeded" + (next != null && next.buffer().getByte(0) == 0x13 ? " and changed the next borrower's data" : "");
        }, IllegalStateException.class);
        findings.expectRefusal("NativeBuffer read after release", () -> buffer.getByte(0), IllegalStateException.class);
        findings.expectRefusal("NativeBuffer written after release", () -> buffer.putByte(0, (byte) 1), IllegalStateException.class);
        if (next != null) {
            NativeBuffer held = next.buffer();
            ByteBuffer heldView = held.asByteBuffer();
            onAnotherThread(findings, "a lease's buffer read from another thread", () -> "getByte() answered " + held.getByte(0));
            onAnotherThread(findings, "a lease's ByteBuffer view read from another thread", () -> "get() answered " + heldView.get(0));
            next.release();
        }
        return findings.verdict();
    }

    private static void onAnotherThread(Findings findings, String what, Findings.ExplainedProbe probe) throws InterruptedException {
        Thread.ofPlatform().name("adversary-other-thread").start(() -> findings.expectRefusalExplained(what, probe,
                WrongThreadException.class, IllegalStateException.class)).join();
    }
}
