package dev.j4l.block.transport;

import static dev.j4l.block.Allocation.DATA;
import static dev.j4l.block.Allocation.HOLE;
import static dev.j4l.block.Allocation.ZERO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.Allocation;
import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.ExtentSink;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What a driver reports becomes extents a transport can send: whole blocks, merged, bounded. */
class ExtentListTest {
    private record E(long length, Allocation allocation) {}

    private static List<E> of(ExtentList l) {
        List<E> all = new ArrayList<>();
        for (int i = 0; i < l.count(); i++) all.add(new E(l.length(i), l.allocation(i)));
        return all;
    }

    /** A driver that reports the given extents, whatever it is asked. */
    private static BlockDriver reporting(long size, long[] lengths, Allocation... kinds) {
        return new BlockDriver() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void read(long offset, BlockData into) {}

            @Override
            public void write(long offset, BlockData from, boolean fua) {}

            @Override
            public void extents(long offset, long length, ExtentSink sink) {
                for (int i = 0; i < lengths.length; i++) if (!sink.extent(lengths[i], kinds[i])) return;
            }
        };
    }

    @Test
    void alignedExtentsAreKeptAndNeighboursMerged() {
        ExtentList l = new ExtentList(8);
        BlockDriver d = reporting(1 << 20, new long[] {4096, 4096, 8192, 4096}, HOLE, HOLE, DATA, ZERO);
        assertEquals(null, DriverCall.extents(d, 0, 20480, l, 8, false));
        assertEquals(List.of(new E(8192, HOLE), new E(8192, DATA), new E(4096, ZERO)), of(l));
        assertEquals(20480, l.covered());
    }

    @Test
    void aBlockTwoExtentsShareIsTheLesserOfThem() {
        ExtentList l = new ExtentList(8);
        BlockDriver d = reporting(1 << 20, new long[] {700, 300, 24, 1000, 2072}, HOLE, ZERO, HOLE, HOLE, DATA);
        // [0,512) hole; [512,1024) hole, zero and hole: zero; [1024,1536) hole; [1536,2048) hole and data: data.
        assertEquals(null, DriverCall.extents(d, 0, 4096, l, 8, false));
        assertEquals(List.of(new E(512, HOLE), new E(512, ZERO), new E(512, HOLE), new E(2560, DATA)), of(l));
    }

    @Test
    void extentsPastTheRangeAreClippedAndTheListIsBounded() {
        ExtentList l = new ExtentList(8);
        assertEquals(null, DriverCall.extents(reporting(1 << 20, new long[] {1 << 20}, HOLE), 0, 8192, l, 8, false));
        assertEquals(List.of(new E(8192, HOLE)), of(l));
        BlockDriver alternating = reporting(1 << 20, new long[] {512, 512, 512, 512, 512}, DATA, HOLE, DATA, HOLE, DATA);
        assertEquals(null, DriverCall.extents(alternating, 0, 4096, l, 2, false));
        assertEquals(List.of(new E(512, DATA), new E(512, HOLE)), of(l), "at most two: the rest is for asking again");
        assertEquals(null, DriverCall.extents(alternating, 0, 4096, l, 2, true));
        assertEquals(List.of(new E(512, DATA), new E(512, HOLE), new E(3072, DATA)), of(l), "a read covers it all");
    }

    @Test
    void aDriverThatSaysNothingOrStopsMidBlockIsAnsweredWithData() {
        ExtentList l = new ExtentList(4);
        assertEquals(null, DriverCall.extents(reporting(1 << 20, new long[0]), 0, 4096, l, 4, false));
        assertEquals(List.of(new E(4096, DATA)), of(l));
        assertEquals(null, DriverCall.extents(reporting(1 << 20, new long[] {1000}, HOLE), 0, 4096, l, 4, false));
        assertEquals(List.of(new E(512, HOLE)), of(l), "the block it left half-described is not claimed");
    }

    @Test
    void theDefaultIsOneDataExtent() {
        BlockDriver plain = new BlockDriver() {
            @Override
            public long size() {
                return 1 << 20;
            }

            @Override
            public void read(long offset, BlockData into) {}

            @Override
            public void write(long offset, BlockData from, boolean fua) {}
        };
        ExtentList l = new ExtentList(4);
        assertEquals(null, DriverCall.extents(plain, 4096, 8192, l, 4, false));
        assertEquals(List.of(new E(8192, DATA)), of(l));
    }

    @Test
    void requestsAreCheckedAndDriverFailuresMapped() {
        ExtentList l = new ExtentList(4);
        BlockDriver d = reporting(1 << 20, new long[] {4096}, DATA);
        assertEquals(Errno.EINVAL, DriverCall.extents(d, 0, 0, l, 4, false), "empty range");
        assertEquals(Errno.EINVAL, DriverCall.extents(d, (1 << 20) - 512, 1024, l, 4, false), "past the end");
        assertEquals(Errno.EINVAL, DriverCall.extents(d, 100, 512, l, 4, false), "unaligned");
        BlockDriver bad = reporting(1 << 20, new long[] {0}, DATA);
        assertEquals(Errno.EIO, DriverCall.extents(bad, 0, 512, l, 4, false), "a zero-length extent is a driver bug");
        BlockDriver refusing = new BlockDriver() {
            @Override
            public long size() {
                return 1 << 20;
            }

            @Override
            public void read(long offset, BlockData into) {}

            @Override
            public void write(long offset, BlockData from, boolean fua) {}

            @Override
            public void extents(long offset, long length, ExtentSink sink) throws ErrnoException {
                throw new ErrnoException(Errno.ENOMEM);
            }
        };
        assertEquals(Errno.ENOMEM, DriverCall.extents(refusing, 0, 512, l, 4, false));
    }

    @Test
    void aSinkKeptPastItsCallThrows() throws Exception {
        AtomicReference<ExtentSink> kept = new AtomicReference<>();
        BlockDriver stashing = new BlockDriver() {
            @Override
            public long size() {
                return 1 << 20;
            }

            @Override
            public void read(long offset, BlockData into) {}

            @Override
            public void write(long offset, BlockData from, boolean fua) {}

            @Override
            public void extents(long offset, long length, ExtentSink sink) {
                kept.set(sink);
                Thread other = Thread.ofPlatform().start(() -> {
                    try {
                        sink.extent(512, HOLE);
                    } catch (WrongThreadException expected) {
                        return;
                    }
                    throw new AssertionError("a sink used off its call's thread must throw");
                });
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                sink.extent(length, HOLE);
            }
        };
        ExtentList l = new ExtentList(4);
        assertEquals(null, DriverCall.extents(stashing, 0, 4096, l, 4, false));
        assertEquals(List.of(new E(4096, HOLE)), of(l));
        assertThrows(IllegalStateException.class, () -> kept.get().extent(512, DATA));
        assertEquals(List.of(new E(4096, HOLE)), of(l), "the list is untouched");
    }

    @Test
    void meetTakesTheLesser() {
        assertEquals(DATA, HOLE.meet(DATA));
        assertEquals(ZERO, HOLE.meet(ZERO));
        assertEquals(HOLE, HOLE.meet(HOLE));
        assertTrue(ZERO.readsAsZeroes());
        assertFalse(DATA.readsAsZeroes());
    }
}
