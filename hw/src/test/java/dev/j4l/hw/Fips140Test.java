package dev.j4l.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.hw.Fips140.Test;
import dev.j4l.testkit.Needs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/** {@link Fips140} on good bytes (the kernel's hwrng, a CSPRNG) and on blocks made to fail each test. */
class Fips140Test {
    private static final int N = Fips140.BLOCK_BYTES;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A random block that passes the statistical tests (a good source fails about one block in a thousand). */
    private static byte[] goodBlock() {
        while (true) {
            byte[] b = new byte[N];
            RANDOM.nextBytes(b);
            if (Fips140.statistical(b, 0).isEmpty()) return b;
        }
    }

    @org.junit.jupiter.api.Test
    void hwRngOutputPasses() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/hwrng")), "no /dev/hwrng (no hardware RNG driver loaded)");
        Needs.root();
        try (HardwareRng rng = HardwareRng.open()) {
            Fips140 tests = new Fips140();
            int blocks = 16, failedBlocks = 0;
            for (int i = 0; i < blocks; i++) {
                Set<Test> failed = tests.check(rng.read(new byte[N]), 0);
                if (!failed.isEmpty()) failedBlocks++;
            }
            // Good randomness fails about 1 block in 1000; 2 of 16 would be a one-in-10^4 event.
            assertTrue(failedBlocks <= 1, failedBlocks + " of " + blocks + " hwrng blocks failed");
        }
    }

    @org.junit.jupiter.api.Test
    void csprngOutputPasses() {
        Fips140 tests = new Fips140();
        int failedBlocks = 0;
        for (int i = 0; i < 32; i++) {
            byte[] b = new byte[N];
            RANDOM.nextBytes(b);
            if (!tests.check(b, 0).isEmpty()) failedBlocks++;
        }
        assertTrue(failedBlocks <= 1, failedBlocks + " of 32 blocks failed");
    }

    @org.junit.jupiter.api.Test
    void allZerosFailsEveryStatisticalTest() {
        assertEquals(EnumSet.of(Test.MONOBIT, Test.POKER, Test.RUNS, Test.LONG_RUN), Fips140.statistical(new byte[N], 0));
        byte[] ones = new byte[N];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertEquals(EnumSet.of(Test.MONOBIT, Test.POKER, Test.RUNS, Test.LONG_RUN), Fips140.statistical(ones, 0));
    }

    @org.junit.jupiter.api.Test
    void aRepeatedBlockFailsTheContinuousTestOnly() {
        Fips140 tests = new Fips140();
        byte[] b = goodBlock();
        assertEquals(Set.of(), tests.check(b, 0));
        byte[] again = new byte[N + 7];
        System.arraycopy(b, 0, again, 7, N);
        assertEquals(Set.of(Test.CONTINUOUS), tests.check(again, 7));
        assertEquals(Set.of(), tests.check(goodBlock(), 0), "a different block passes again");
    }

    @org.junit.jupiter.api.Test
    void aLongRunFails() {
        byte[] b = goodBlock();
        for (int i = 1000; i < 1004; i++) b[i] = (byte) 0xff; // 32 ones in a row (at least)
        assertTrue(Fips140.statistical(b, 0).contains(Test.LONG_RUN));
        byte[] c = goodBlock();
        for (int i = 2000; i < 2004; i++) c[i] = 0; // 32 zeros
        assertTrue(Fips140.statistical(c, 0).contains(Test.LONG_RUN));
    }

    @org.junit.jupiter.api.Test
    void alternatingBitsPassMonobitAndFailPokerAndRuns() {
        byte[] b = new byte[N];
        java.util.Arrays.fill(b, (byte) 0x55); // exactly 10 000 ones, 20 000 runs of length 1
        assertEquals(EnumSet.of(Test.POKER, Test.RUNS), Fips140.statistical(b, 0));
    }

    @org.junit.jupiter.api.Test
    void monobitBoundsAreStrict() {
        // X must satisfy 9725 < X < 10275: set exactly X bits (only MONOBIT is looked at here)
        for (int[] c : new int[][] {{9725, 1}, {9726, 0}, {10274, 0}, {10275, 1}}) {
            byte[] b = new byte[N];
            for (int bit = 0; bit < c[0]; bit++) b[bit / 8] |= (byte) (0x80 >>> (bit % 8));
            assertEquals(c[1] == 1, Fips140.statistical(b, 0).contains(Test.MONOBIT), c[0] + " ones");
        }
    }

    @org.junit.jupiter.api.Test
    void aBiasedSourceFailsMonobit() {
        byte[] b = new byte[N];
        RANDOM.nextBytes(b);
        for (int i = 0; i < N; i++) b[i] |= (byte) (b[i] << 1); // about 62% ones
        assertTrue(Fips140.statistical(b, 0).contains(Test.MONOBIT));
    }
}
