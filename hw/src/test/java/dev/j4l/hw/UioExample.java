package dev.j4l.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.RegisterWindow;
import dev.j4l.testkit.NeedsKernel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The documentation example of {@link UioDevice}: it runs as a test, in the kernel test VM tier (QEMU's edu device). */
@NeedsKernel(modules = {"uio_pci_generic"}, paths = {"/sys/bus/pci/drivers/uio_pci_generic"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UioExample {
    @Test
    void readsRegistersAndServesAnInterrupt() throws Exception {
        UioDevice.bindPci(0x1234, 0x11e8); // QEMU's edu device, handed to uio_pci_generic (root)
        // @start region=uio
        try (UioDevice edu = UioDevice.openPci(0x1234, 0x11e8)) {
            RegisterWindow regs = edu.registers(0);              // BAR 0
            int id = regs.read32(0x00);                          // identification: 0x010000ed
            regs.write32(0x60, 0x1);                             // ask the device to interrupt
            boolean interrupted = edu.awaitInterrupt(Duration.ofSeconds(5));
            int status = regs.read32(0x24);                      // why it interrupted
            regs.write32(0x64, status);                          // acknowledge at the device...
            edu.enableInterrupt();                               // ...then unmask the interrupt again
            boolean again = edu.awaitInterrupt(Duration.ofMillis(100)); // false: nothing raised since
            // @end
            assertEquals(0x010000ed, id);
            assertTrue(interrupted);
            assertEquals(0x1, status);
            assertFalse(again);
            assertTrue(edu.lastInterruptCount() > 0);
        }
    }
}
