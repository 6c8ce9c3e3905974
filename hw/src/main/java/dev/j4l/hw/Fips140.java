package dev.j4l.hw;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The random number generator self-tests of FIPS 140-2 (section 4.9.1 and 4.9.2, with the bounds of its change
 * notice 1), on blocks of 20 000 bits ({@value #BLOCK_BYTES} bytes), read most significant bit first:
 *
 * <ul>
 *   <li><b>monobit</b>: the number of ones X must satisfy 9725 &lt; X &lt; 10 275;</li>
 *   <li><b>poker</b>: with f(i) the count of each 4-bit value among the 5000 nibbles,
 *       X = 16/5000 · Σ f(i)² − 5000 must satisfy 2.16 &lt; X &lt; 46.17;</li>
 *   <li><b>runs</b>: the runs (maximal sequences of equal bits) of ones and of zeros, counted by length 1, 2, 3, 4,
 *       5 and 6 or more, must each fall within 2343–2657, 1135–1365, 542–708, 251–373, 111–201, 111–201;</li>
 *   <li><b>long run</b>: no run of 26 bits or more;</li>
 *   <li><b>continuous</b>: each block must differ from the block before it (an instance remembers the last).</li>
 * </ul>
 *
 * An instance is one stream's tester ({@link #check}); {@link #statistical} runs the first four on any block.
 * Not thread-safe: one stream, one thread.
 */
public final class Fips140 {
    /** 20 000 bits. */
    public static final int BLOCK_BYTES = 2500;

    /** The tests, as {@link #check} names the failed ones. */
    public enum Test {
        MONOBIT, POKER, RUNS, LONG_RUN, CONTINUOUS
    }

    private static final int MONOBIT_LOW = 9725, MONOBIT_HIGH = 10275;
    private static final double POKER_LOW = 2.16, POKER_HIGH = 46.17;
    /** Inclusive bounds for runs of length 1..5 and 6+, the same for runs of zeros and of ones. */
    private static final int[] RUN_LOW = {0, 2343, 1135, 542, 251, 111, 111};
    private static final int[] RUN_HIGH = {0, 2657, 1365, 708, 373, 201, 201};
    private static final int LONG_RUN = 26;

    private final byte[] previous = new byte[BLOCK_BYTES];
    private boolean havePrevious;

    /**
     * Runs every test on {@code block[offset, offset + BLOCK_BYTES)}, remembering it for the next block's
     * continuous test; returns the tests it failed (empty: it passed).
     */
    public Set<Test> check(byte[] block, int offset) {
        EnumSet<Test> failed = statistical(block, offset);
        if (havePrevious && Arrays.equals(previous, 0, BLOCK_BYTES, block, offset, offset + BLOCK_BYTES)) {
            failed.add(Test.CONTINUOUS);
        }
        System.arraycopy(block, offset, previous, 0, BLOCK_BYTES);
        havePrevious = true;
        return failed;
    }

    /** The monobit, poker, runs and long run tests on {@code block[offset, offset + BLOCK_BYTES)}: the failed ones. */
    public static EnumSet<Test> statistical(byte[] block, int offset) {
        Objects.checkFromIndexSize(offset, BLOCK_BYTES, block.length);
        EnumSet<Test> failed = EnumSet.noneOf(Test.class);

        int ones = 0;
        int[] nibbles = new int[16];
        for (int i = 0; i < BLOCK_BYTES; i++) {
            int v = block[offset + i] & 0xff;
            ones += Integer.bitCount(v);
            nibbles[v >>> 4]++;
            nibbles[v & 0xf]++;
        }
        if (ones <= MONOBIT_LOW || ones >= MONOBIT_HIGH) failed.add(Test.MONOBIT);

        long squares = 0;
        for (int f : nibbles) squares += (long) f * f;
        double poker = 16.0 / 5000.0 * squares - 5000.0;
        if (poker <= POKER_LOW || poker >= POKER_HIGH) failed.add(Test.POKER);

        // runs[bit][length], length 6 standing for 6 or more
        int[][] runs = new int[2][7];
        boolean longRun = false;
        int bit = (block[offset] >>> 7) & 1, length = 0;
        for (int i = 0; i < BLOCK_BYTES; i++) {
            int v = block[offset + i];
            for (int b = 7; b >= 0; b--) {
                int x = (v >>> b) & 1;
                if (x == bit) {
                    length++;
                } else {
                    runs[bit][Math.min(length, 6)]++;
                    if (length >= LONG_RUN) longRun = true;
                    bit = x;
                    length = 1;
                }
            }
        }
        runs[bit][Math.min(length, 6)]++;
        if (length >= LONG_RUN) longRun = true;
        for (int[] r : runs) {
            for (int len = 1; len <= 6; len++) {
                if (r[len] < RUN_LOW[len] || r[len] > RUN_HIGH[len]) {
                    failed.add(Test.RUNS);
                    break;
                }
            }
        }
        if (longRun) failed.add(Test.LONG_RUN);
        return failed;
    }
}
