package dev.j4l.cli;

import dev.j4l.hw.EntropyFeeder;
import dev.j4l.hw.EntropyPool;
import dev.j4l.hw.Fips140;
import dev.j4l.hw.HardwareRng;
import dev.j4l.kernel.HwRng;
import dev.j4l.kernel.RandomDevice;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code j4l rngd}: feeds the kernel's entropy pool from the hardware RNG, checked block by block (dev.j4l.hw). */
@Command(name = "rngd", description = {
        "Feed the kernel's entropy pool from /dev/hwrng, FIPS 140-2 checked (an rngd).", "",
        "Reads the hardware RNG in blocks of 20 000 bits, runs the FIPS 140-2 tests on each (monobit, poker, runs,"
                + " long run, and the continuous test against the block before), discards the blocks that fail and"
                + " feeds the others to the kernel's pool with RNDADDENTROPY. Needs root. Runs until Ctrl-C, then"
                + " prints the counts."})
final class RngdCommand implements Callable<Integer> {
    @Option(names = "--once", paramLabel = "BYTES", converter = Units.Size.class,
            description = "feed at least BYTES (whole blocks of 2500 bytes), print the counts and exit")
    long once = Long.MAX_VALUE;

    @Option(names = "--interval", paramLabel = "TIME", converter = Units.Time.class,
            description = "pause after each block fed, e.g. 1s or 200ms (default 0: as fast as the source gives)")
    Duration interval = Duration.ZERO;

    @Option(names = "--credit", paramLabel = "BITS",
            description = "entropy credited per byte fed, 0 to 8 (default 4: half of what the bytes could hold)")
    int credit = EntropyFeeder.Settings.DEFAULT.creditBitsPerByte();

    @Option(names = "--max-failures", paramLabel = "N",
            description = "stop when N blocks in a row fail the tests (default 10); exit status 1")
    int maxFailures = EntropyFeeder.Settings.DEFAULT.maxConsecutiveFailures();

    @Option(names = "--device", paramLabel = "PATH",
            description = "the hardware RNG (default /dev/hwrng; must be misc 10:183)")
    String device = HwRng.PATH;

    @Option(names = "--output", paramLabel = "PATH",
            description = "the pool (default /dev/random; /dev/urandom is the same pool)")
    String output = RandomDevice.RANDOM;

    @Override
    public Integer call() throws Exception {
        return UntilStopped.run(stop -> run(System.out, stop));
    }

    int run(PrintStream out, CountDownLatch stop) throws Exception {
        if (once <= 0) throw new IllegalArgumentException("--once needs a positive size");
        EntropyFeeder.Settings settings = new EntropyFeeder.Settings(credit, maxFailures, interval);
        try (HardwareRng rng = HardwareRng.open(device); EntropyPool pool = EntropyPool.open(output)) {
            EntropyFeeder feeder = new EntropyFeeder(rng, pool, settings);
            out.printf("rngd: feeding %s from %s in blocks of %d bytes, crediting %d bits a byte%s%n", output, rng.name(),
                    Fips140.BLOCK_BYTES, credit, once == Long.MAX_VALUE ? "; Ctrl-C to stop" : "");
            long start = System.nanoTime();
            EntropyFeeder.Outcome outcome = feeder.run(once, stop);
            double seconds = (System.nanoTime() - start) / 1e9;
            EntropyFeeder.Report r = feeder.report();
            out.printf("rngd: %s in %.2f s (%.0f bytes/s read); entropy count now %d bits; %s%n", r, seconds,
                    r.bytesRead() / Math.max(seconds, 1e-9), pool.entropyCount(), switch (outcome) {
                        case DONE -> "done";
                        case STOPPED -> "stopped";
                        case SOURCE_FAILING -> "STOPPED: the source failed " + maxFailures + " blocks in a row";
                    });
            return outcome == EntropyFeeder.Outcome.SOURCE_FAILING ? 1 : 0;
        }
    }
}
