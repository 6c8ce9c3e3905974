package dev.j4l.hw;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.RegisterWindow;
import dev.j4l.kernel.Uio;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A device driven from user space through UIO ({@code /dev/uioN}): its registers and its interrupt. Open it by
 * UIO name or by the PCI id of the device behind it, map its registers, and serve its interrupts:
 *
 * {@snippet class=dev.j4l.hw.UioExample region=uio}
 *
 * <p>{@link #registers(int)} gives a {@link RegisterWindow} of memory map {@code M} (a PCI BAR for
 * {@code uio_pci_generic}): offset-checked, alignment-checked 8/16/32/64-bit accesses that are never merged or
 * reordered, unusable once the device is closed. {@link #awaitInterrupt(Duration)} blocks the calling thread (use
 * a platform thread) until the device interrupts or the time passes; after serving an interrupt at the device
 * (reading and acknowledging its status), {@link #enableInterrupt()} unmasks it again. {@link #close()} from any
 * thread ends a wait and makes every register access throw.
 *
 * <p>A PCI device is handed to UIO by binding it to {@code uio_pci_generic}: {@link #bindPci(int, int)} (root). DMA
 * is not covered: UIO gives no IOMMU protection, so DMA from user space belongs to VFIO.
 */
public final class UioDevice implements AutoCloseable {
    /** Where {@code uio_pci_generic} takes new PCI ids. */
    public static final Path PCI_GENERIC = Path.of("/sys/bus/pci/drivers/uio_pci_generic");

    private final Uio uio;
    private volatile long lastCount = -1;

    private UioDevice(Uio uio) {
        this.uio = uio;
    }

    /** Opens {@code uioN} (or a path to its node). */
    public static UioDevice open(String name) throws KernelException {
        return new UioDevice(Uio.open(name));
    }

    /**
     * Opens the UIO device of the PCI device with these ids (the first, by UIO number, if several).
     *
     * @throws KernelException {@code ENODEV} when no UIO device has them (see {@link #bindPci(int, int)})
     */
    public static UioDevice openPci(int vendor, int device) throws KernelException, IOException {
        Optional<Uio.Info> found = findPci(vendor, device);
        if (found.isEmpty()) {
            throw new KernelException("open uio", "no UIO device for PCI " + String.format("%04x:%04x", vendor, device)
                    + " (bind it to uio_pci_generic first)", Errno.ENODEV);
        }
        return open(found.get().device());
    }

    /** The UIO device of the PCI device with these ids, if there is one. */
    public static Optional<Uio.Info> findPci(int vendor, int device) throws IOException {
        return Uio.devices().stream()
                .filter(i -> i.pci().filter(p -> p.vendor() == vendor && p.device() == device).isPresent())
                .findFirst();
    }

    /** The UIO devices there are now. */
    public static List<Uio.Info> devices() throws IOException {
        return Uio.devices();
    }

    /**
     * Hands the PCI devices with these ids to {@code uio_pci_generic} (writes {@code new_id}; root, and the module
     * loaded) unless one is a UIO device already, and waits up to 5 s for its UIO device. Returns it.
     *
     * @throws IOException when the driver is not loaded, the write is refused, or no UIO device appears
     */
    public static Uio.Info bindPci(int vendor, int device) throws IOException {
        Optional<Uio.Info> have = findPci(vendor, device);
        if (have.isPresent()) return have.get();
        if (!Files.isDirectory(PCI_GENERIC)) throw new IOException(PCI_GENERIC + " absent: load uio_pci_generic");
        try {
            Files.writeString(PCI_GENERIC.resolve("new_id"), String.format("%04x %04x%n", vendor, device));
        } catch (IOException e) {
            // EEXIST: the id was added before and the device was unbound since; bind it by slot instead.
            bindBySlot(vendor, device);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            have = findPci(vendor, device);
            if (have.isPresent()) return have.get();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the UIO device", e);
            }
        }
        throw new IOException(String.format("no UIO device appeared for PCI %04x:%04x", vendor, device));
    }

    private static void bindBySlot(int vendor, int device) throws IOException {
        try (var devices = Files.list(Path.of("/sys/bus/pci/devices"))) {
            for (Path d : (Iterable<Path>) devices::iterator) {
                if (Integer.decode(Files.readString(d.resolve("vendor")).strip()) == vendor
                        && Integer.decode(Files.readString(d.resolve("device")).strip()) == device
                        && !Files.exists(d.resolve("driver"))) {
                    Files.writeString(PCI_GENERIC.resolve("bind"), d.getFileName().toString());
                }
            }
        }
    }

    /** What sysfs said of the device when it was opened: name, driver, maps, PCI ids. */
    public Uio.Info info() {
        return uio.info();
    }

    /** The registers of memory map {@code map}; closed with this device. */
    public RegisterWindow registers(int map) throws KernelException {
        return uio.map(map);
    }

    /**
     * Waits until the device interrupts or {@code timeout} passes; true on an interrupt. {@link Duration#ZERO}
     * only checks; a negative timeout waits without limit.
     */
    public boolean awaitInterrupt(Duration timeout) throws KernelException {
        int ms = timeout.isNegative() ? -1 : (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        long count = uio.awaitInterrupt(ms);
        if (count < 0) return false;
        lastCount = count;
        return true;
    }

    /** The kernel's interrupt count as the last successful {@link #awaitInterrupt} read it; -1 before one. */
    public long lastInterruptCount() {
        return lastCount;
    }

    /** The interrupts the kernel has counted for this device so far. */
    public long interruptCount() throws IOException {
        return uio.interruptCount();
    }

    /** Unmasks the device's interrupt: call after acknowledging it at the device. */
    public void enableInterrupt() throws KernelException {
        uio.enableInterrupt();
    }

    @Override
    public void close() {
        uio.close();
    }

    @Override
    public String toString() {
        return "UioDevice[" + uio.info().device() + "]";
    }
}
