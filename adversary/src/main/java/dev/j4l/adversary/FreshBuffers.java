package dev.j4l.adversary;

import dev.j4l.kernel.NativeBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Buffers allocated after other buffers were dropped: when the kernel still writes into (or reads from) memory
 * that j4l let the garbage collector free, that memory comes back in allocations like these. They are never
 * passed to any call, so a correct j4l leaves them exactly as allocated.
 */
final class FreshBuffers {
    private final List<NativeBuffer> buffers = new ArrayList<>();

    private FreshBuffers() {}

    static FreshBuffers allocate(int count, long size) {
        FreshBuffers f = new FreshBuffers();
        for (int i = 0; i < count; i++) f.buffers.add(NativeBuffer.allocate(size));
        return f;
    }

    /** Gives every buffer a recognisable content (a secret the kernel must never read). */
    FreshBuffers fill(byte value) {
        for (NativeBuffer b : buffers) b.fill(0, b.size(), value);
        return this;
    }

    /** How many buffers hold {@code value} anywhere (after {@link #allocate} they are all zero). */
    int countHolding(byte value) {
        int n = 0;
        for (NativeBuffer b : buffers) if (b.indexOf(value, 0, b.size()) >= 0) n++;
        return n;
    }

    int size() {
        return buffers.size();
    }

    /**
     * Full collections and time for the cleaner: buffers nobody references any more are freed, so their
     * memory can be handed out again.
     */
    static void collectGarbage() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
    }
}
