package dev.j4l.hw;

import dev.j4l.kernel.KernelException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An rngd: reads a {@link Source} block by block ({@value Fips140#BLOCK_BYTES} bytes), runs the FIPS 140-2 tests
 * on each ({@link Fips140}), discards and counts the blocks that fail, and hands each block that passes to a
 * {@link Sink} with a conservative entropy credit ({@link Settings#creditBitsPerByte}). When
 * {@link Settings#maxConsecutiveFailures} blocks in a row fail, the source is taken to be broken: feeding stops
 * with an error log line and {@link Outcome#SOURCE_FAILING}.
 *
 * <p>One thread runs {@link #run}; {@link #report()} may be read from any thread meanwhile.
 */
public final class EntropyFeeder {
    private static final System.Logger LOG = System.getLogger("dev.j4l.hw");

    /** Where the bytes come from: {@link HardwareRng}, or a test's. */
    public interface Source {
        /** Fills {@code dst[offset, offset+length)}, blocking as needed. */
        void read(byte[] dst, int offset, int length) throws KernelException;

        /** For messages. */
        default String name() {
            return toString();
        }
    }

    /** Where checked bytes go: {@link EntropyPool}, or a test's. */
    public interface Sink {
        void add(byte[] bytes, int offset, int length, int entropyBits) throws KernelException;
    }

    /**
     * How to feed.
     *
     * @param creditBitsPerByte the entropy credited for each byte fed, 0 to 8 (8 would vouch that the source is
     *     perfect; the default, 4, credits half)
     * @param maxConsecutiveFailures how many blocks in a row may fail before feeding stops
     * @param interval a pause after each block fed (zero: feed as fast as the source gives)
     */
    public record Settings(int creditBitsPerByte, int maxConsecutiveFailures, Duration interval) {
        public static final Settings DEFAULT = new Settings(4, 10, Duration.ZERO);

        public Settings {
            if (creditBitsPerByte < 0 || creditBitsPerByte > 8) {
                throw new IllegalArgumentException("credit must be 0 to 8 bits a byte: " + creditBitsPerByte);
            }
            if (maxConsecutiveFailures < 1) throw new IllegalArgumentException("maxConsecutiveFailures must be >= 1");
            if (interval.isNegative()) throw new IllegalArgumentException("negative interval " + interval);
        }
    }

    /** How {@link #run} ended. */
    public enum Outcome {
        /** As many bytes as asked were fed. */
        DONE,
        /** The stop latch opened. */
        STOPPED,
        /** Too many blocks in a row failed the tests: nothing more is fed from this source. */
        SOURCE_FAILING
    }

    /** The counts so far. */
    public record Report(long bytesRead, long blocksPassed, long blocksFailed, Map<Fips140.Test, Long> failures,
            long bytesFed, long bitsCredited) {
        @Override
        public String toString() {
            StringBuilder why = new StringBuilder();
            failures.forEach((t, n) -> {
                if (n > 0) why.append(why.isEmpty() ? " (" : ", ").append(t.name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(n);
            });
            if (!why.isEmpty()) why.append(')');
            return "read " + bytesRead + " bytes in " + (blocksPassed + blocksFailed) + " blocks: " + blocksPassed
                    + " passed, " + blocksFailed + " failed" + why + "; fed " + bytesFed + " bytes, credited "
                    + bitsCredited + " bits";
        }
    }

    private final Source source;
    private final Sink sink;
    private final Settings settings;
    private final Fips140 tests = new Fips140();
    private final AtomicLong bytesRead = new AtomicLong(), passed = new AtomicLong(), failed = new AtomicLong(),
            fed = new AtomicLong(), credited = new AtomicLong();
    private final Map<Fips140.Test, AtomicLong> failures = new EnumMap<>(Fips140.Test.class);

    public EntropyFeeder(Source source, Sink sink, Settings settings) {
        this.source = source;
        this.sink = sink;
        this.settings = settings;
        for (Fips140.Test t : Fips140.Test.values()) failures.put(t, new AtomicLong());
    }

    /**
     * Feeds until {@code limitBytes} bytes were fed (whole blocks: the last may pass the limit), the
     * {@code stop} latch opens, or the source fails too often.
     *
     * @throws KernelException when reading the source or feeding the sink fails
     */
    public Outcome run(long limitBytes, CountDownLatch stop) throws KernelException, InterruptedException {
        byte[] block = new byte[Fips140.BLOCK_BYTES];
        int inARow = 0;
        while (fed.get() < limitBytes) {
            if (stop.getCount() == 0) return Outcome.STOPPED;
            source.read(block, 0, block.length);
            bytesRead.addAndGet(block.length);
            Set<Fips140.Test> bad = tests.check(block, 0);
            if (!bad.isEmpty()) {
                failed.incrementAndGet();
                for (Fips140.Test t : bad) failures.get(t).incrementAndGet();
                inARow++;
                LOG.log(System.Logger.Level.WARNING, "block discarded: failed FIPS 140-2 " + bad);
                if (inARow >= settings.maxConsecutiveFailures()) {
                    LOG.log(System.Logger.Level.ERROR, "stopped feeding: " + inARow + " blocks in a row from "
                            + source.name() + " failed the FIPS 140-2 tests (last " + bad + "); the source looks broken");
                    return Outcome.SOURCE_FAILING;
                }
                continue;
            }
            inARow = 0;
            passed.incrementAndGet();
            int bits = block.length * settings.creditBitsPerByte();
            sink.add(block, 0, block.length, bits);
            fed.addAndGet(block.length);
            credited.addAndGet(bits);
            if (settings.interval().isPositive() && stop.await(settings.interval().toNanos(), TimeUnit.NANOSECONDS)) {
                return Outcome.STOPPED;
            }
        }
        return Outcome.DONE;
    }

    public Report report() {
        Map<Fips140.Test, Long> f = new EnumMap<>(Fips140.Test.class);
        failures.forEach((t, n) -> f.put(t, n.get()));
        return new Report(bytesRead.get(), passed.get(), failed.get(), f, fed.get(), credited.get());
    }
}
