package dev.j4l.kernel.abi;

import org.junit.jupiter.api.Test;

/** {@link PciRegsAbi} against {@code include/uapi/linux/pci_regs.h} of Linux 6.1, as the header writes it. */
class PciRegsAbiTest {
    @Test
    void everyConstantIsTheHeaders() {
        new CStruct.Pins(PciRegsAbi.class)
                // #define PCI_COMMAND 0x04 / PCI_COMMAND_INTX_DISABLE 0x400 / PCI_STATUS 0x06 / PCI_STATUS_INTERRUPT 0x08
                .pin("COMMAND", 0x04).pin("COMMAND_INTX_DISABLE", 0x400)
                .pin("STATUS", 0x06).pin("STATUS_INTERRUPT", 0x08)
                .check();
    }
}
