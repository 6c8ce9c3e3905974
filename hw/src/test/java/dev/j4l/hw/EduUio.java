package dev.j4l.hw;

import dev.j4l.kernel.Uio;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** QEMU's edu device (PCI 1234:11e8, which vm/run adds) handed to uio_pci_generic, for the UIO tests. */
final class EduUio {
    private EduUio() {}

    static final int VENDOR = 0x1234, DEVICE = 0x11e8;
    static final int IDENTIFICATION = 0x00, LIVENESS = 0x04, INTERRUPT_STATUS = 0x24, INTERRUPT_RAISE = 0x60,
            INTERRUPT_ACK = 0x64, DMA_SOURCE = 0x80;

    /** The edu device's UIO name ({@code uio0}), binding it to uio_pci_generic first when it is not bound. */
    static String bind() throws IOException, InterruptedException {
        Optional<Uio.Info> have = find();
        if (have.isPresent()) return have.get().device();
        Files.writeString(Path.of("/sys/bus/pci/drivers/uio_pci_generic/new_id"), "1234 11e8\n");
        for (int i = 0; i < 250; i++) {
            have = find();
            if (have.isPresent()) return have.get().device();
            Thread.sleep(20);
        }
        throw new AssertionError("no UIO device for the edu device (is QEMU started with -device edu?)");
    }

    private static Optional<Uio.Info> find() throws IOException {
        return Uio.devices().stream()
                .filter(i -> i.pci().filter(p -> p.vendor() == VENDOR && p.device() == DEVICE).isPresent()).findFirst();
    }
}
