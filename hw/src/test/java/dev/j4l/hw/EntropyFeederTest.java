package dev.j4l.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.testkit.Needs;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@link EntropyFeeder} with crafted sources and a counting sink, and for real: hwrng into the kernel's pool. */
class EntropyFeederTest {
    private static final EntropyFeeder.Settings STRICT = new EntropyFeeder.Settings(4, 3, Duration.ZERO);

    /** Records what it is fed. */
    private static final class Recorder implements EntropyFeeder.Sink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long bits;

        @Override
        public void add(byte[] b, int offset, int length, int entropyBits) {
            bytes.write(b, offset, length);
            bits += entropyBits;
        }
    }

    @Test
    void aDeadSourceIsNeverFedAndStopsTheFeeder() throws Exception {
        Recorder sink = new Recorder();
        EntropyFeeder feeder = new EntropyFeeder((dst, off, len) -> java.util.Arrays.fill(dst, off, off + len, (byte) 0),
                sink, STRICT);
        assertEquals(EntropyFeeder.Outcome.SOURCE_FAILING, feeder.run(Long.MAX_VALUE, new CountDownLatch(1)));
        assertEquals(0, sink.bytes.size());
        EntropyFeeder.Report r = feeder.report();
        assertEquals(3, r.blocksFailed());
        assertEquals(0, r.blocksPassed());
        assertEquals(3L, r.failures().get(Fips140.Test.MONOBIT));
        assertEquals(3L * Fips140.BLOCK_BYTES, r.bytesRead());
    }

    @Test
    void aStuckSourceFeedsItsFirstBlockOnly() throws Exception {
        byte[] good = new byte[Fips140.BLOCK_BYTES];
        do new SecureRandom().nextBytes(good); while (!Fips140.statistical(good, 0).isEmpty());
        Recorder sink = new Recorder();
        EntropyFeeder feeder = new EntropyFeeder((dst, off, len) -> System.arraycopy(good, 0, dst, off, len), sink, STRICT);
        assertEquals(EntropyFeeder.Outcome.SOURCE_FAILING, feeder.run(Long.MAX_VALUE, new CountDownLatch(1)));
        assertEquals(Fips140.BLOCK_BYTES, sink.bytes.size());
        assertEquals(4L * Fips140.BLOCK_BYTES, sink.bits);
        assertEquals(3L, feeder.report().failures().get(Fips140.Test.CONTINUOUS));
    }

    @Test
    void failuresThatAreNotInARowAreDiscardedAndFeedingGoesOn() throws Exception {
        SecureRandom random = new SecureRandom();
        int[] call = {0};
        Recorder sink = new Recorder();
        // Every third block all zeros; the others random blocks that pass the statistical tests (truly random
        // data fails them now and then, which next to a zero block would make two failures in a row).
        EntropyFeeder feeder = new EntropyFeeder((dst, off, len) -> {
            if (call[0]++ % 3 == 2) {
                java.util.Arrays.fill(dst, off, off + len, (byte) 0);
                return;
            }
            byte[] b = new byte[len];
            do random.nextBytes(b); while (len == Fips140.BLOCK_BYTES && !Fips140.statistical(b, 0).isEmpty());
            System.arraycopy(b, 0, dst, off, len);
        }, sink, new EntropyFeeder.Settings(2, 2, Duration.ZERO));
        assertEquals(EntropyFeeder.Outcome.DONE, feeder.run(8L * Fips140.BLOCK_BYTES, new CountDownLatch(1)));
        EntropyFeeder.Report r = feeder.report();
        assertTrue(r.blocksFailed() >= 3, r.toString());
        assertEquals(r.bytesFed(), sink.bytes.size());
        assertEquals(2 * r.bytesFed(), r.bitsCredited());
    }

    @Test
    void anOpenStopLatchStopsBeforeReading() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        stop.countDown();
        EntropyFeeder feeder = new EntropyFeeder((dst, off, len) -> {
            throw new AssertionError("read after stop");
        }, new Recorder(), EntropyFeeder.Settings.DEFAULT);
        assertEquals(EntropyFeeder.Outcome.STOPPED, feeder.run(Long.MAX_VALUE, stop));
    }

    @Test
    void hwRngFeedsTheKernelsPool() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/hwrng")), "no /dev/hwrng (no hardware RNG driver loaded)");
        Needs.root();
        try (HardwareRng rng = HardwareRng.open(); EntropyPool pool = EntropyPool.open()) {
            EntropyFeeder feeder = new EntropyFeeder(rng, pool, EntropyFeeder.Settings.DEFAULT);
            assertEquals(EntropyFeeder.Outcome.DONE, feeder.run(4096, new CountDownLatch(1)));
            EntropyFeeder.Report r = feeder.report();
            assertTrue(r.bytesFed() >= 4096, r.toString());
            assertEquals(4 * r.bytesFed(), r.bitsCredited());
            int count = pool.entropyCount();
            assertTrue(count >= 0 && count <= 4096, "entropy count " + count);
        }
    }

    @Test
    void thePoolRefusesWhatTheKernelWouldNotBeAskedFor() throws Exception {
        try (EntropyPool pool = EntropyPool.open()) {
            assertThrows(IllegalArgumentException.class, () -> pool.add(new byte[10], 81));
            assertThrows(IndexOutOfBoundsException.class, () -> pool.add(new byte[10], 8, 4, 0));
            if (Needs.has(dev.j4l.kernel.Capabilities.CAP_SYS_ADMIN)) {
                pool.add(new byte[10_000], 0); // in pieces of at most 4096 bytes
            } else {
                assertEquals(Errno.EPERM, assertThrows(KernelException.class, () -> pool.add(new byte[16], 0)).errno());
            }
        }
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> EntropyPool.open("/dev/zero")).errno());
    }
}
