package dev.j4l.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A device's registers: one memory map of a {@link Uio} device (a PCI BAR, say), read and written by offset in
 * accesses of 8, 16, 32 or 64 bits. No address leaves this object; an offset is checked against the window's
 * size and against the access's natural alignment before anything touches the device, and after
 * {@link #close()} (or the device's) every access throws.
 *
 * <p><b>What an access is.</b> Each read or write is exactly one access of the stated width, in the order the
 * program makes them, never merged, split, repeated, elided or cached: the JIT must not turn two reads of a
 * status register into one, nor move the write that starts a computation after the read that polls for its end.
 * A plain Java access promises none of that, so every access here is a {@code VarHandle} volatile access on the
 * mapping ({@code getVolatile}/{@code setVolatile}), which for an aligned value is atomic (one instruction of that
 * width) and totally ordered with every other volatile access of every thread. On x86-64 that is a {@code mov}
 * (a store followed by a fence), on arm64 {@code ldar}/{@code stlr}, both valid on device memory; the kernel maps
 * UIO memory uncached ({@code pgprot_noncached}), so the CPU does not combine or reorder what reaches the device
 * either. Values are little-endian, as PCI's registers are. Alignment is checked because a misaligned access to
 * device memory is split by x86 and faults (SIGBUS) on arm64.
 *
 * <p><b>Closing.</b> A window may be used from any number of threads (an interrupt thread and a control thread,
 * say) and closed from any of them; an access racing with {@link #close()} on another thread either completes
 * before the memory is unmapped or throws {@link IllegalStateException}; it never touches unmapped memory (see
 * the {@code SAFETY} note in the constructor).
 *
 * <p>Memory safety ends at the device's edge: what a device does with the values written (DMA to an address it
 * was given, say) is the device's, and UIO gives no IOMMU protection (VFIO does). See {@link Uio}.
 */
public final class RegisterWindow implements AutoCloseable {
    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final Arena mapping;
    private final MemorySegment registers;
    /** The device address of offset 0, modulo 8: alignment is the device's, not the offset's. */
    private final int misalignment;
    private final String description;
    private volatile boolean closed;

    /**
     * @param mapping the shared arena owning the whole mapping (closing it unmaps it)
     * @param registers the window: a slice of the mapping's segment
     */
    RegisterWindow(Arena mapping, MemorySegment registers, String description) {
        // SAFETY: every access goes through `registers`, a segment of the shared arena `mapping` that is the
        // mapping's only owner (DeviceMemory.attach: the arena's cleanup is the one munmap). The JDK checks the
        // arena is open on every access, and closing a shared arena is a handshake with every thread: an access in
        // flight on another thread when close() runs either finishes before close returns or fails with
        // IllegalStateException, and the cleanup (munmap) runs only after that. So no access, racing or late,
        // reaches unmapped memory. No segment of the mapping leaves this object, and none is ever handed to a
        // downcall (which could hold the arena open across close).
        this.mapping = mapping;
        this.registers = registers;
        // SAFETY: the address is only looked at (its low bits), never used to reach memory.
        this.misalignment = (int) (registers.address() & 7);
        this.description = description;
    }

    /** The window's size in bytes: offsets run from 0 to {@code size() - width}. */
    public long size() {
        return registers.byteSize();
    }

    /** Reads the byte at {@code offset}: 0 to 255. */
    public int read8(long offset) {
        check(offset, 1);
        return Byte.toUnsignedInt((byte) U8.getVolatile(registers, offset));
    }

    /** Reads the 16-bit register at {@code offset} (little-endian): 0 to 65535. */
    public int read16(long offset) {
        check(offset, 2);
        return Short.toUnsignedInt((short) U16.getVolatile(registers, offset));
    }

    /** Reads the 32-bit register at {@code offset} (little-endian); see {@link Integer#toUnsignedLong}. */
    public int read32(long offset) {
        check(offset, 4);
        return (int) U32.getVolatile(registers, offset);
    }

    /** Reads the 64-bit register at {@code offset} (little-endian), in one access. */
    public long read64(long offset) {
        check(offset, 8);
        return (long) U64.getVolatile(registers, offset);
    }

    /** Writes {@code value} (0 to 255) to the byte at {@code offset}. */
    public void write8(long offset, int value) {
        if ((value & ~0xff) != 0) throw new IllegalArgumentException(hex(value) + " does not fit in 8 bits");
        check(offset, 1);
        U8.setVolatile(registers, offset, (byte) value);
    }

    /** Writes {@code value} (0 to 65535) to the 16-bit register at {@code offset}. */
    public void write16(long offset, int value) {
        if ((value & ~0xffff) != 0) throw new IllegalArgumentException(hex(value) + " does not fit in 16 bits");
        check(offset, 2);
        U16.setVolatile(registers, offset, (short) value);
    }

    /** Writes {@code value} to the 32-bit register at {@code offset}. */
    public void write32(long offset, int value) {
        check(offset, 4);
        U32.setVolatile(registers, offset, value);
    }

    /** Writes {@code value} to the 64-bit register at {@code offset}, in one access. */
    public void write64(long offset, long value) {
        check(offset, 8);
        U64.setVolatile(registers, offset, value);
    }

    private void check(long offset, int width) {
        if (closed) throw new IllegalStateException("register window closed: " + description);
        if (offset < 0 || offset > registers.byteSize() - width) {
            throw new IndexOutOfBoundsException(width * 8 + "-bit access at " + hex(offset) + " outside " + description
                    + " (" + hex(registers.byteSize()) + " bytes)");
        }
        if (((misalignment + offset) & (width - 1)) != 0) {
            throw new IllegalArgumentException(width * 8 + "-bit access at " + hex(offset) + " of " + description
                    + " is not " + width + "-byte aligned");
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** Whether the window can still be used. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Unmaps the window; every later access, and one racing with this call on another thread, throws
     * {@link IllegalStateException}. Closing twice does nothing.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        mapping.close();
    }

    @Override
    public String toString() {
        return "RegisterWindow[" + description + ", " + hex(size()) + " bytes" + (closed ? ", closed" : "") + "]";
    }
}
