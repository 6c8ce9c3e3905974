package dev.j4l.adversary;

import dev.j4l.hw.HardwareRng;
import dev.j4l.kernel.BufferPool;
import dev.j4l.kernel.NativeBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A driver reads the hardware RNG into memory it was lent: past the end of its pool lease, before its start,
 * through a slice reaching past the lease, after the lease was released, from a thread that does not hold the
 * lease, and through a closed device. The kernel would write wherever the address and length said.
 *
 * <p>Refused: every read throws before the kernel sees it (IndexOutOfBoundsException, IllegalStateException,
 * WrongThreadException). Break: a read returns, or the bytes after the lease changed.
 */
final class HwRngLentBuffer implements Attack {
    private static final byte CANARY = (byte) 0xEE;

    @Override
    public String name() {
        return "hwrng-lent-buffer";
    }

    @Override
    public boolean needsRoot() {
        return true; // /dev/hwrng is mode 0600
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        BufferPool pool = new BufferPool(2, 64);
        try (HardwareRng rng = HardwareRng.open()) {
            BufferPool.Lease lease = pool.tryAcquire();
            BufferPool.Lease neighbour = pool.tryAcquire();
            NativeBuffer buf = lease.buffer(), next = neighbour.buffer();
            next.fill(0, 64, CANARY);
            findings.expectRefusal("read 64 bytes at offset 32 of a 64-byte lease", () -> rng.read(buf, 32, 64),
                    IndexOutOfBoundsException.class);
            findings.expectRefusal("read at offset -8", () -> rng.read(buf, -8, 16), IndexOutOfBoundsException.class);
            findings.expectRefusal("read a negative length", () -> rng.read(buf, 0, -1),
                    IndexOutOfBoundsException.class, IllegalArgumentException.class);
            findings.expectRefusal("read through an 8-byte slice asking for 64", () -> rng.read(buf.slice(56, 8), 0, 64),
                    IndexOutOfBoundsException.class);
            findings.expectRefusal("read from a thread that does not hold the lease", () -> {
                try {
                    CompletableFuture.runAsync(() -> {
                        try {
                            rng.read(buf, 0, 8);
                        } catch (dev.j4l.kernel.KernelException e) {
                            throw new java.io.UncheckedIOException(new java.io.IOException(e));
                        }
                    }).get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof Exception ex ? ex : new RuntimeException(c);
                }
            }, WrongThreadException.class);
            lease.release();
            findings.expectRefusal("read into a released lease", () -> rng.read(buf, 0, 8), IllegalStateException.class);
            findings.expectRefusal("read into a released lease's slice", () -> rng.read(buf.slice(0, 8), 0, 8),
                    IllegalStateException.class);
            for (int i = 0; i < 64; i++) {
                if (next.getByte(i) != CANARY) findings.broken("the neighbouring lease's byte " + i + " changed");
            }
            neighbour.release();
            byte[] array = new byte[16];
            findings.expectRefusal("read 32 bytes into a 16-byte array", () -> rng.read(array, 0, 32),
                    IndexOutOfBoundsException.class);
            findings.expectRefusal("read into an array at offset -1", () -> rng.read(array, -1, 4),
                    IndexOutOfBoundsException.class);
        }
        HardwareRng closed = HardwareRng.open();
        closed.close();
        findings.expectRefusal("read through a closed device", () -> closed.read(new byte[8], 0, 8),
                IllegalStateException.class);
        return findings.verdict();
    }
}
