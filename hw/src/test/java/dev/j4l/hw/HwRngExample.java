package dev.j4l.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.Needs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The documentation example of {@link HardwareRng} and {@link EntropyFeeder}: it runs as a test on any machine with
 * a hardware RNG (here virtio-rng), as root.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HwRngExample {
    @Test
    void readsTheHardwareRngAndFeedsTheKernelsPool() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/hwrng")), "no /dev/hwrng (no hardware RNG driver loaded)");
        Needs.root();
        // @start region=rngd
        String source = HardwareRng.current().orElse("none");          // e.g. "virtio_rng.0"
        try (HardwareRng rng = HardwareRng.open(); EntropyPool pool = EntropyPool.open()) {
            byte[] sample = rng.read(new byte[32]);                      // raw bytes from the device

            // What rngd does: read 2500-byte blocks, drop those failing FIPS 140-2, credit the rest
            // to the kernel's pool (RNDADDENTROPY) at 4 bits per byte; stop after 5000 bytes fed.
            EntropyFeeder feeder = new EntropyFeeder(rng, pool, EntropyFeeder.Settings.DEFAULT);
            EntropyFeeder.Outcome outcome = feeder.run(5000, new CountDownLatch(1));
            EntropyFeeder.Report report = feeder.report();               // bytes read, passed, failed, fed
            // @end
            assertTrue(HardwareRng.available().contains(source), source + " not in " + HardwareRng.available());
            assertTrue(rng.name().contains(source), rng.name());
            assertTrue(IntStream.range(0, sample.length).anyMatch(i -> sample[i] != 0), "32 zero bytes from " + source);
            assertEquals(EntropyFeeder.Outcome.DONE, outcome);
            assertTrue(report.bytesFed() >= 5000, report.toString());
            assertEquals(4 * report.bytesFed(), report.bitsCredited());
            assertEquals(report.bytesRead(), (report.blocksPassed() + report.blocksFailed()) * Fips140.BLOCK_BYTES);
        }
    }
}
