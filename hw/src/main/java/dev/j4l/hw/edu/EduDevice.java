package dev.j4l.hw.edu;

import dev.j4l.hw.UioDevice;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.RegisterWindow;
import java.io.IOException;
import java.time.Duration;

/**
 * A driver for QEMU's {@code edu} device ({@code -device edu}, PCI 1234:11e8; QEMU's docs/specs/edu.rst), the
 * example UIO driver: through {@code uio_pci_generic} it reads the identification register, checks liveness,
 * computes factorials (polled or by interrupt) and raises and acknowledges interrupts.
 *
 * <p>Registers (BAR 0, 32-bit accesses below 0x80, as the device allows): 0x00 identification
 * {@code 0xRRrr00ed}, 0x04 liveness (reads back the inverse of what was written), 0x08 factorial (write n, read
 * n! once the status register's 0x01 is clear; 32-bit arithmetic), 0x20 status (0x01 computing, 0x80 interrupt
 * when done), 0x24 interrupt status, 0x60 raise interrupt (ORs the value into the status), 0x64 acknowledge
 * (clears those bits; the INTx line drops when none is left). The device's DMA engine (0x80 to 0x98) is left
 * alone: DMA from user space needs an IOMMU and VFIO, not UIO.
 *
 * <p>Serving an interrupt: read the interrupt status, acknowledge it at the device, then re-enable the interrupt
 * ({@link UioDevice#enableInterrupt()}, which for {@code uio_pci_generic} clears PCI INTx masking). In the other
 * order the still-asserted line would interrupt again at once.
 */
public final class EduDevice implements AutoCloseable {
    public static final int VENDOR = 0x1234, DEVICE = 0x11e8;

    static final int IDENTIFICATION = 0x00, LIVENESS = 0x04, FACTORIAL = 0x08, STATUS = 0x20,
            INTERRUPT_STATUS = 0x24, INTERRUPT_RAISE = 0x60, INTERRUPT_ACK = 0x64;
    static final int STATUS_COMPUTING = 0x01, STATUS_IRQ_ON_FACTORIAL = 0x80;
    /** The interrupt status bit the device sets when a factorial is done with {@link #STATUS_IRQ_ON_FACTORIAL}. */
    public static final int FACTORIAL_IRQ = 0x01;

    private final UioDevice uio;
    private final RegisterWindow regs;

    private EduDevice(UioDevice uio) throws KernelException {
        this.uio = uio;
        this.regs = uio.registers(0);
        int id = regs.read32(IDENTIFICATION);
        if ((id & 0xffff) != 0x00ed) {
            uio.close();
            throw new KernelException("open edu", uio + ": identification 0x" + Integer.toHexString(id)
                    + " is not an edu device's", Errno.ENODEV);
        }
    }

    /** Opens the edu device's UIO device (bound to {@code uio_pci_generic}) and starts with no interrupt pending. */
    public static EduDevice open() throws KernelException, IOException {
        return open(UioDevice.openPci(VENDOR, DEVICE));
    }

    /**
     * Drives {@code uio}, which must be an edu device, and takes it over (closing this closes it): acknowledges any
     * pending interrupt and enables interrupts, so a previous user's leftovers do not show up as an interrupt.
     */
    public static EduDevice open(UioDevice uio) throws KernelException {
        EduDevice edu = new EduDevice(uio);
        try {
            edu.acknowledge(edu.interruptStatus());
            uio.awaitInterrupt(Duration.ZERO); // takes an interrupt counted before this open, if any
            uio.enableInterrupt();
        } catch (KernelException | RuntimeException e) {
            edu.close();
            throw e;
        }
        return edu;
    }

    /** The identification register, {@code 0xRRrr00ed}. */
    public int identification() {
        return regs.read32(IDENTIFICATION);
    }

    /** The device's version, {@code "major.minor"}, from the identification register. */
    public String version() {
        int id = identification();
        return (id >>> 24) + "." + ((id >>> 16) & 0xff);
    }

    /** Writes {@code value} to the liveness register and returns what it reads back (the inverse, when alive). */
    public int liveness(int value) {
        regs.write32(LIVENESS, value);
        return regs.read32(LIVENESS);
    }

    /** Whether the device answers the liveness check with the inverse of two patterns. */
    public boolean isAlive() {
        return liveness(0x12345678) == ~0x12345678 && liveness(0xa5a5a5a5) == ~0xa5a5a5a5;
    }

    /**
     * {@code n!} in 32-bit arithmetic, as the device computes it, polling the status register.
     *
     * @throws KernelException {@code ETIMEDOUT} when the device is still computing after {@code timeout}
     */
    public int factorial(int n, Duration timeout) throws KernelException {
        regs.write32(STATUS, 0);
        regs.write32(FACTORIAL, n);
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((regs.read32(STATUS) & STATUS_COMPUTING) != 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new KernelException("edu factorial", uio + " still computing " + n + "!", Errno.ETIMEDOUT);
            }
            Thread.onSpinWait();
        }
        return regs.read32(FACTORIAL);
    }

    /**
     * {@code n!} with the device interrupting when done: waits for the interrupt, checks it is the factorial's,
     * acknowledges it and re-enables the interrupt.
     *
     * @throws KernelException {@code ETIMEDOUT} when no interrupt comes within {@code timeout}, {@code EIO} when
     *     another interrupt comes
     */
    public int factorialByInterrupt(int n, Duration timeout) throws KernelException {
        regs.write32(STATUS, STATUS_IRQ_ON_FACTORIAL);
        regs.write32(FACTORIAL, n);
        int status = serveInterrupt(timeout);
        regs.write32(STATUS, 0);
        if ((status & FACTORIAL_IRQ) == 0) {
            throw new KernelException("edu factorial", uio + " interrupted with status 0x" + Integer.toHexString(status), Errno.EIO);
        }
        return regs.read32(FACTORIAL);
    }

    /**
     * Makes the device interrupt with {@code bits} (written to the raise register), serves the interrupt and
     * returns the interrupt status it had.
     *
     * @throws KernelException {@code ETIMEDOUT} when no interrupt comes within {@code timeout}
     */
    public int raiseInterrupt(int bits, Duration timeout) throws KernelException {
        if (bits == 0) throw new IllegalArgumentException("an interrupt needs a non-zero status");
        regs.write32(INTERRUPT_RAISE, bits);
        return serveInterrupt(timeout);
    }

    /**
     * Waits for an interrupt, reads the interrupt status, acknowledges it and re-enables the interrupt; returns
     * the status.
     */
    public int serveInterrupt(Duration timeout) throws KernelException {
        if (!uio.awaitInterrupt(timeout)) {
            throw new KernelException("edu interrupt", uio + ": none within " + timeout.toMillis() + " ms", Errno.ETIMEDOUT);
        }
        int status = interruptStatus();
        acknowledge(status);
        uio.enableInterrupt();
        return status;
    }

    /** The interrupt status register: the bits raised and not yet acknowledged. */
    public int interruptStatus() {
        return regs.read32(INTERRUPT_STATUS);
    }

    /** Clears {@code bits} of the interrupt status; the device lowers its interrupt once none is left. */
    public void acknowledge(int bits) {
        if (bits != 0) regs.write32(INTERRUPT_ACK, bits);
    }

    /** The UIO device this driver runs on (for its interrupt count, or to wait itself). */
    public UioDevice uio() {
        return uio;
    }

    @Override
    public void close() {
        uio.close();
    }
}
