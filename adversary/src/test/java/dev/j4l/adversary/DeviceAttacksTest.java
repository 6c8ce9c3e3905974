package dev.j4l.adversary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.j4l.hw.UioDevice;
import dev.j4l.testkit.NeedsKernel;
import dev.j4l.testkit.TempMounts;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.TestAbortedException;

/**
 * The attacks with a device half, run whole where their devices are (the kernel test VM tier): a UIO device (QEMU's
 * edu device on uio_pci_generic), an i2c-dev adapter (i2c-stub), {@code /dev/uinput} with evdev, and
 * {@code /dev/cuse}. Each must be refused with every half run: a child that skips a half fails here.
 */
@NeedsKernel(modules = {"uio_pci_generic", "i2c-dev", "i2c-stub chip_addr=0x50", "uinput", "evdev", "cuse"},
        paths = {"/sys/bus/pci/drivers/uio_pci_generic", "/dev/uinput", "/dev/cuse"})
class DeviceAttacksTest {
    private static final List<String> ATTACKS =
            List.of("uio-register-reach", "i2c-message-bounds", "input-feedback-misuse", "kept-chardev-views");
    /** What a child prints when it could not run a device half. */
    private static final List<String> HALF_SKIPPED = List.of("skipped:", "did not run");

    @RegisterExtension
    final TempMounts mounts = new TempMounts("adversary-");

    @BeforeAll
    static void bindTheEduDevice() throws Exception {
        UioDevice.bindPci(0x1234, 0x11e8); // QEMU's edu device, which the VM tier's QEMU has
    }

    @TestFactory
    Stream<DynamicTest> everyDeviceHalfRunsAndIsRefused() {
        return ATTACKS.stream().map(attack -> DynamicTest.dynamicTest(attack, () -> {
            String out;
            try {
                out = AttackChild.assertRefused(attack, mounts.dir(attack));
            } catch (TestAbortedException e) {
                throw new AssertionError(attack + " skipped where its device is: " + e.getMessage(), e);
            }
            for (String marker : HALF_SKIPPED) {
                assertFalse(out.lines().anyMatch(l -> l.contains(marker)),
                        () -> attack + ": a device half did not run:\n" + out);
            }
            if (out.lines().noneMatch(l -> l.startsWith("refused:"))) fail(attack + ": no probe was refused:\n" + out);
        }));
    }
}
