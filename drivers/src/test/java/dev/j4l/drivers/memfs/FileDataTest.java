package dev.j4l.drivers.memfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sparse page store on its own: holes, truncation, punching, seeking and the byte budget. */
class FileDataTest {
    private static byte[] read(FileData d, long off, int len) {
        byte[] b = new byte[len];
        int n = d.read(off, b, 0, len);
        return Arrays.copyOf(b, n);
    }

    @Test
    void matchesAPlainArrayUnderRandomWritesAndTruncates() throws Exception {
        SpaceBudget budget = new SpaceBudget(64L << 20);
        FileData d = new FileData(budget);
        byte[] model = new byte[0];
        Random rnd = new Random(42);
        for (int i = 0; i < 2000; i++) {
            if (rnd.nextInt(10) == 0) {
                int size = rnd.nextInt(600_000);
                d.truncate(size);
                model = Arrays.copyOf(model, size);
            } else {
                int off = rnd.nextInt(500_000), len = 1 + rnd.nextInt(20_000);
                byte[] data = new byte[len];
                rnd.nextBytes(data);
                assertEquals(len, d.write(off, data, 0, len));
                if (off + len > model.length) model = Arrays.copyOf(model, off + len);
                System.arraycopy(data, 0, model, off, len);
            }
            assertEquals(model.length, d.size());
        }
        assertArrayEquals(model, read(d, 0, model.length + 100));
        d.free();
        assertEquals(0, budget.used());
    }

    @Test
    void holesCostNothingAndSeekFindsData() throws Exception {
        SpaceBudget budget = new SpaceBudget(1L << 20);
        FileData d = new FileData(budget);
        d.truncate(1L << 50);
        assertEquals(0, budget.used());
        assertEquals(0, d.blocks());
        d.write((1L << 40) + 10, new byte[] {1, 2, 3}, 0, 3);
        assertEquals(1L << 40, d.seekData(0));
        assertEquals(0, d.seekHole(0));
        assertEquals((1L << 40) + 4096, d.seekHole(1L << 40));
        assertEquals(Errno.ENXIO, assertThrows(ErrnoException.class, () -> d.seekData((1L << 40) + 4096)).errno());
        assertArrayEquals(new byte[] {0, 1, 2, 3, 0}, read(d, (1L << 40) + 9, 5));
        assertTrue(budget.used() < 1024, "one small page and one segment: " + budget.used());
        d.punchHole(1L << 40, 4096);
        assertEquals(0, budget.used());
        assertEquals(1L << 50, d.size());
    }

    @Test
    void aFullBudgetStopsAtTheLastPageThatFits() throws Exception {
        SpaceBudget budget = new SpaceBudget(64 * 1024);
        FileData d = new FileData(budget);
        byte[] big = new byte[128 * 1024];
        Arrays.fill(big, (byte) 7);
        int n = d.write(0, big, 0, big.length);
        assertTrue(n > 0 && n < big.length && n % 4096 == 0, "short write: " + n);
        assertEquals(n, d.size());
        assertEquals(Errno.ENOSPC, assertThrows(ErrnoException.class, () -> d.write(n, big, 0, 4096)).errno());
        byte[] back = read(d, 0, n);
        for (byte b : back) assertEquals(7, b);
        assertEquals(Errno.EFBIG, assertThrows(ErrnoException.class, () -> d.write(Long.MAX_VALUE - 1, big, 0, 10)).errno());
    }
}
