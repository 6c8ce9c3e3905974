package dev.j4l.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.RegisterWindow;
import dev.j4l.kernel.Uio;
import dev.j4l.testkit.NeedsKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Uio} and {@link RegisterWindow} on a real UIO device: QEMU's edu device bound to uio_pci_generic. Runs in
 * the kernel test VM tier ({@code ./j4l test --vm UioTest}), whose QEMU has {@code -device edu}; elsewhere skipped.
 */
@NeedsKernel(modules = {"uio_pci_generic"}, paths = {"/sys/bus/pci/drivers/uio_pci_generic"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UioTest {
    private static String device;

    @BeforeAll
    static void bindEdu() throws Exception {
        device = EduUio.bind();
    }

    @Test
    void sysfsDescribesTheDeviceAndItsBar() throws Exception {
        try (Uio uio = Uio.open(device)) {
            Uio.Info info = uio.info();
            assertEquals("uio_pci_generic", info.name());
            assertEquals("1234:11e8", info.pci().orElseThrow().id());
            assertEquals(1, info.maps().size(), info.toString());
            assertEquals(1 << 20, info.maps().get(0).size(), "edu's BAR 0 is 1 MiB");
            assertEquals(info, Uio.info(device).withEvents(info.events()));
        }
    }

    @Test
    void registersReadAndWriteAtEveryWidthTheDeviceTakes() throws Exception {
        try (Uio uio = Uio.open("/dev/" + device); RegisterWindow regs = uio.map(0)) {
            assertEquals(1 << 20, regs.size());
            assertEquals(0x010000ed, regs.read32(EduUio.IDENTIFICATION), "edu 1.0");
            regs.write32(EduUio.LIVENESS, 0x0f0f1234);
            assertEquals(~0x0f0f1234, regs.read32(EduUio.LIVENESS), "liveness inverts");
            regs.write64(EduUio.DMA_SOURCE, 0x1234_5678_9abc_def0L);
            assertEquals(0x1234_5678_9abc_def0L, regs.read64(EduUio.DMA_SOURCE), "a 64-bit register in one access");
            regs.write64(EduUio.DMA_SOURCE, 0);
            // edu answers only 4- and 8-byte accesses: narrower ones reach it and come back as QEMU's
            // unassigned value, whatever it is; the point is that they are single accesses that go through.
            regs.read8(0x100);
            regs.read16(0x102);
            assertEquals(0xffffffff, regs.read32(regs.size() - 4), "edu reads its unused registers as all ones");
        }
    }

    @Test
    void offsetsOutsideOrMisalignedAreRefusedBeforeTheDevice() throws Exception {
        try (Uio uio = Uio.open(device); RegisterWindow regs = uio.map(0)) {
            long size = regs.size();
            assertThrows(IndexOutOfBoundsException.class, () -> regs.read32(size));
            assertThrows(IndexOutOfBoundsException.class, () -> regs.read64(size - 4));
            assertThrows(IndexOutOfBoundsException.class, () -> regs.read8(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> regs.write32(Long.MAX_VALUE - 1, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> regs.write64(Long.MIN_VALUE, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> regs.read32(2));
            assertTrue(e.getMessage().contains("not 4-byte aligned"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> regs.read64(4));
            assertThrows(IllegalArgumentException.class, () -> regs.write16(1, 0));
            assertThrows(IllegalArgumentException.class, () -> regs.write8(0, 0x100));
            assertThrows(IllegalArgumentException.class, () -> regs.write16(0, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> uio.map(1), "edu has one map");
            assertThrows(IndexOutOfBoundsException.class, () -> uio.map(-1));
            assertEquals(0x010000ed, regs.read32(0), "still usable after refusals");
        }
    }

    @Test
    void closingUnmapsForEveryLaterAccess() throws Exception {
        RegisterWindow kept;
        try (Uio uio = Uio.open(device)) {
            RegisterWindow own = uio.map(0);
            own.close();
            own.close(); // twice: nothing
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> own.read32(0));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> own.write32(4, 1));
            kept = uio.map(0);
            assertEquals(0x010000ed, kept.read32(0));
        }
        assertFalse(kept.isOpen(), "the device's close closes its windows");
        assertThrows(IllegalStateException.class, () -> kept.read64(0x80));
    }

    @Test
    void aCloseRacingWithAccessesOnOtherThreadsNeverReachesUnmappedMemory() throws Exception {
        for (int round = 0; round < 8; round++) {
            Uio uio = Uio.open(device);
            try {
                RegisterWindow regs = uio.map(0);
                int threads = 3;
                CountDownLatch running = new CountDownLatch(threads);
                AtomicLong reads = new AtomicLong();
                AtomicReference<Throwable> wrong = new AtomicReference<>();
                List<Thread> all = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    all.add(Thread.ofPlatform().start(() -> {
                        running.countDown();
                        try {
                            while (true) {
                                int id = regs.read32(0);
                                if (id != 0x010000ed) wrong.set(new AssertionError("read 0x" + Integer.toHexString(id)));
                                reads.incrementAndGet();
                            }
                        } catch (IllegalStateException expected) {
                            // closed under it: the only way out
                        } catch (Throwable x) {
                            wrong.set(x);
                        }
                    }));
                }
                running.await();
                while (reads.get() < 100) Thread.onSpinWait();
                if (round % 2 == 0) regs.close();
                else uio.close();
                for (Thread t : all) t.join(10_000);
                for (Thread t : all) assertFalse(t.isAlive(), "every accessing thread saw the close");
                if (wrong.get() != null) throw new AssertionError("round " + round, wrong.get());
            } finally {
                uio.close();
            }
        }
    }

    @Test
    void anInterruptIsCountedWaitedForAcknowledgedAndReEnabled() throws Exception {
        try (Uio uio = Uio.open(device); RegisterWindow regs = uio.map(0)) {
            regs.write32(EduUio.INTERRUPT_ACK, regs.read32(EduUio.INTERRUPT_STATUS));
            uio.enableInterrupt();
            assertEquals(-1, uio.awaitInterrupt(0), "nothing pending");
            long before = uio.interruptCount();
            for (int i = 1; i <= 3; i++) {
                regs.write32(EduUio.INTERRUPT_RAISE, 0x40 << i);
                long count = uio.awaitInterrupt(10_000);
                assertTrue(count > before, "count " + count + " after " + before);
                assertEquals(0x40 << i, regs.read32(EduUio.INTERRUPT_STATUS));
                regs.write32(EduUio.INTERRUPT_ACK, 0x40 << i);
                assertEquals(0, regs.read32(EduUio.INTERRUPT_STATUS), "acknowledged");
                uio.enableInterrupt();
                assertEquals(count, uio.interruptCount(), "sysfs counts the same");
                before = count;
            }
            long t0 = System.nanoTime();
            assertEquals(-1, uio.awaitInterrupt(300), "no interrupt without a raise");
            assertTrue(System.nanoTime() - t0 >= 250_000_000L, "waited the timeout");
        }
    }

    @Test
    void closeEndsAWaitOnAnotherThread() throws Exception {
        Uio uio = Uio.open(device);
        AtomicReference<Throwable> ended = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            waiting.countDown();
            try {
                uio.awaitInterrupt(-1);
            } catch (Throwable x) {
                ended.set(x);
            }
        });
        waiting.await();
        Thread.sleep(200);
        uio.close();
        t.join(10_000);
        assertFalse(t.isAlive(), "the wait ended");
        assertTrue(ended.get() instanceof IllegalStateException, String.valueOf(ended.get()));
        assertThrows(IllegalStateException.class, () -> uio.awaitInterrupt(0));
        assertThrows(IllegalStateException.class, () -> uio.map(0));
    }

    @Test
    void onlyAUioDeviceIsOpenedAsOne() {
        KernelException e = assertThrows(KernelException.class, () -> Uio.open("/dev/null"));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("not a UIO device"), e.getMessage());
        assertEquals(Errno.ENOENT, assertThrows(KernelException.class, () -> Uio.open("uio99")).errno());
    }
}
