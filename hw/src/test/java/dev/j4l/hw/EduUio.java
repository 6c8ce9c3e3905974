package dev.j4l.hw;

import java.io.IOException;

/** QEMU's edu device (PCI 1234:11e8, which vm/run adds) handed to uio_pci_generic, for the UIO tests. */
final class EduUio {
    private EduUio() {}

    static final int VENDOR = 0x1234, DEVICE = 0x11e8;
    static final int IDENTIFICATION = 0x00, LIVENESS = 0x04, INTERRUPT_STATUS = 0x24, INTERRUPT_RAISE = 0x60,
            INTERRUPT_ACK = 0x64, DMA_SOURCE = 0x80;

    /** The edu device's UIO name ({@code uio0}), binding it to uio_pci_generic first when it is not bound. */
    static String bind() throws IOException {
        return UioDevice.bindPci(VENDOR, DEVICE).device();
    }
}
