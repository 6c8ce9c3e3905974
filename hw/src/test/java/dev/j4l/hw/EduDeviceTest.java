package dev.j4l.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.hw.edu.EduDevice;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.testkit.NeedsKernel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example UIO driver {@link EduDevice} on QEMU's edu device through uio_pci_generic: identification,
 * liveness, factorials polled and by interrupt, interrupts raised, counted, acknowledged and re-enabled. Runs in
 * the kernel test VM tier ({@code ./j4l test --vm EduDeviceTest}); elsewhere skipped.
 */
@NeedsKernel(modules = {"uio_pci_generic"}, paths = {"/sys/bus/pci/drivers/uio_pci_generic"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EduDeviceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @BeforeAll
    static void bind() throws Exception {
        assertEquals("1234:11e8", UioDevice.bindPci(EduDevice.VENDOR, EduDevice.DEVICE).pci().orElseThrow().id());
    }

    @Test
    void identifiesItselfAndIsAlive() throws Exception {
        try (EduDevice edu = EduDevice.open()) {
            assertEquals(0x010000ed, edu.identification());
            assertEquals("1.0", edu.version());
            assertTrue(edu.isAlive());
            assertEquals(~0xcafe, edu.liveness(0xcafe));
        }
    }

    @Test
    void computesFactorialsPolledAndByInterrupt() throws Exception {
        try (EduDevice edu = EduDevice.open()) {
            assertEquals(1, edu.factorial(0, WAIT));
            assertEquals(120, edu.factorial(5, WAIT));
            assertEquals(479001600, edu.factorial(12, WAIT));
            assertEquals((int) 6227020800L, edu.factorial(13, WAIT), "32-bit arithmetic, as the device's");
            long before = edu.uio().interruptCount();
            assertEquals(3628800, edu.factorialByInterrupt(10, WAIT));
            assertTrue(edu.uio().interruptCount() > before, "the factorial's interrupt was counted");
            assertEquals(0, edu.interruptStatus(), "and acknowledged");
        }
    }

    @Test
    void interruptsRoundTripAndAWaitWithoutOneTimesOut() throws Exception {
        try (EduDevice edu = EduDevice.open()) {
            long before = edu.uio().interruptCount();
            for (int bits : new int[] {0x2, 0x100, 0x8000_0000}) {
                assertEquals(bits, edu.raiseInterrupt(bits, WAIT));
                assertEquals(0, edu.interruptStatus(), "acknowledged");
            }
            long after = edu.uio().interruptCount();
            assertTrue(after >= before + 3, before + " -> " + after);
            assertEquals(after, edu.uio().lastInterruptCount());
            assertFalse(edu.uio().awaitInterrupt(Duration.ofMillis(200)), "nothing raised");
            KernelException e = assertThrows(KernelException.class, () -> edu.serveInterrupt(Duration.ofMillis(100)));
            assertEquals(Errno.ETIMEDOUT, e.errno());
        }
    }

    @Test
    void anInterruptLeftPendingByAnEarlierUserIsClearedOnOpen() throws Exception {
        try (UioDevice uio = UioDevice.openPci(EduDevice.VENDOR, EduDevice.DEVICE)) {
            uio.registers(0).write32(0x60, 0x4); // raised, never acknowledged nor re-enabled
            assertTrue(uio.awaitInterrupt(WAIT));
        }
        try (EduDevice edu = EduDevice.open()) {
            assertEquals(0, edu.interruptStatus());
            assertEquals(0x10, edu.raiseInterrupt(0x10, WAIT), "interrupts work again");
        }
    }
}
