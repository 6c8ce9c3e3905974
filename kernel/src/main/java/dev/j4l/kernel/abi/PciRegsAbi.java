package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/linux/pci_regs.h} of Linux 6.1, as far as a UIO driver of a PCI device uses it: the command
 * and status registers of configuration space, whose interrupt bits {@code uio_pci_generic} works with (it masks
 * INTx by setting {@link #COMMAND_INTX_DISABLE} when the device interrupts; user space clears it to re-enable).
 * Pinned against the header by {@code PciRegsAbiTest}.
 */
public final class PciRegsAbi {
    private PciRegsAbi() {}

    /** {@code PCI_COMMAND}: offset of the 16-bit command register. */
    public static final int COMMAND = 0x04;
    /** {@code PCI_COMMAND_INTX_DISABLE}: INTx emulation disabled. */
    public static final int COMMAND_INTX_DISABLE = 0x400;
    /** {@code PCI_STATUS}: offset of the 16-bit status register. */
    public static final int STATUS = 0x06;
    /** {@code PCI_STATUS_INTERRUPT}: the device asserts INTx (read only). */
    public static final int STATUS_INTERRUPT = 0x08;
}
