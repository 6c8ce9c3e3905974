package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.abi.IoUringAbi;
import java.lang.foreign.MemorySegment;

/**
 * The shared memory of one io_uring: its SQ ring, CQ ring and SQE array, mapped from the ring's descriptor at the
 * lengths and with the offsets {@code io_uring_setup} reported. Each ring (FUSE's, ublk's) makes one and copies the
 * fields it uses into its own, so its submission and completion paths read final fields of the ring itself.
 * The segments have no scope of their own: the ring that made them uses none after {@link #unmap()}.
 */
public final class UringMapping {
    public final MemorySegment sqRing, cqRing, sqes;
    /** Offsets of the SQ ring's head, tail, flags and index array; its mask and entry count (values). */
    public final int sqHead, sqTail, sqFlags, sqArray, sqMask, sqEntries;
    /** Offsets of the CQ ring's head, tail and CQE array; its mask (a value). */
    public final int cqHead, cqTail, cqes, cqMask;
    private final long sqRingAddr, sqRingLen, cqRingAddr, cqRingLen, sqesAddr, sqesLen;
    private boolean unmapped;

    private UringMapping(MemorySegment p, long sqRingAddr, long sqRingLen, long cqRingAddr, long cqRingLen,
            long sqesAddr, long sqesLen) {
        this.sqRingAddr = sqRingAddr;
        this.sqRingLen = sqRingLen;
        this.cqRingAddr = cqRingAddr;
        this.cqRingLen = cqRingLen;
        this.sqesAddr = sqesAddr;
        this.sqesLen = sqesLen;
        int sq = IoUringAbi.PARAMS_SQ_OFF, cq = IoUringAbi.PARAMS_CQ_OFF;
        sqHead = p.get(JAVA_INT, sq + IoUringAbi.SQRING_HEAD);
        sqTail = p.get(JAVA_INT, sq + IoUringAbi.SQRING_TAIL);
        sqFlags = p.get(JAVA_INT, sq + IoUringAbi.SQRING_FLAGS);
        sqArray = p.get(JAVA_INT, sq + IoUringAbi.SQRING_ARRAY);
        sqEntries = p.get(JAVA_INT, IoUringAbi.PARAMS_SQ_ENTRIES);
        cqHead = p.get(JAVA_INT, cq + IoUringAbi.CQRING_HEAD);
        cqTail = p.get(JAVA_INT, cq + IoUringAbi.CQRING_TAIL);
        cqes = p.get(JAVA_INT, cq + IoUringAbi.CQRING_CQES);
        long cqLength = cqRingLen != 0 ? cqRingLen : sqRingLen;
        // SAFETY: the mappings made by map() from this ring's descriptor, each of the length io_uring_params gives
        // for it (one shared SQ/CQ mapping with FEAT_SINGLE_MMAP), mapped until unmap(); the ring that owns this
        // object uses none of the segments after calling it.
        sqRing = LibcMemory.segment(sqRingAddr, sqRingLen);
        cqRing = LibcMemory.segment(cqRingAddr, cqLength);
        sqes = LibcMemory.segment(sqesAddr, sqesLen);
        // The params hold offsets into the ring mappings; the masks themselves live in the rings.
        sqMask = sqRing.get(JAVA_INT, p.get(JAVA_INT, sq + IoUringAbi.SQRING_RING_MASK));
        cqMask = cqRing.get(JAVA_INT, p.get(JAVA_INT, cq + IoUringAbi.CQRING_RING_MASK));
    }

    /**
     * Maps the rings of io_uring {@code fd}, which {@code io_uring_setup} described in {@code params}, with SQEs of
     * {@code sqeSize} bytes (64, or 128 with SETUP_SQE128). Nothing stays mapped when it fails.
     */
    public static UringMapping map(MemorySegment params, int fd, int sqeSize) throws KernelException {
        int features = params.get(JAVA_INT, IoUringAbi.PARAMS_FEATURES);
        int sqEntries = params.get(JAVA_INT, IoUringAbi.PARAMS_SQ_ENTRIES);
        int cqEntries = params.get(JAVA_INT, IoUringAbi.PARAMS_CQ_ENTRIES);
        // The SQ ring ends with its index array (a u32 per entry), the CQ ring with its CQEs.
        long sqLen = params.get(JAVA_INT, IoUringAbi.PARAMS_SQ_OFF + IoUringAbi.SQRING_ARRAY) + (long) Integer.BYTES * sqEntries;
        long cqLen = params.get(JAVA_INT, IoUringAbi.PARAMS_CQ_OFF + IoUringAbi.CQRING_CQES) + (long) IoUringAbi.CQE_SIZE * cqEntries;
        boolean single = (features & IoUringAbi.FEAT_SINGLE_MMAP) != 0;
        if (single) sqLen = cqLen = Math.max(sqLen, cqLen);
        long sqesLen = (long) sqeSize * sqEntries;
        long sqA = 0, cqA = 0;
        try {
            sqA = mmap(sqLen, fd, IoUringAbi.OFF_SQ_RING);
            cqA = single ? sqA : mmap(cqLen, fd, IoUringAbi.OFF_CQ_RING);
            long sqesA = mmap(sqesLen, fd, IoUringAbi.OFF_SQES);
            try {
                return new UringMapping(params, sqA, sqLen, cqA, single ? 0 : cqLen, sqesA, sqesLen);
            } catch (RuntimeException e) {
                // SAFETY: as below, for the SQE mapping too; the object that would have held them was not made.
                LibcMemory.munmap(sqesA, sqesLen);
                throw e;
            }
        } catch (KernelException | RuntimeException e) {
            // SAFETY: undoes only the mappings made just above, of their lengths; nothing has seen them.
            if (cqA != 0 && !single) LibcMemory.munmap(cqA, cqLen);
            if (sqA != 0) LibcMemory.munmap(sqA, sqLen);
            throw e;
        }
    }

    private static long mmap(long len, int fd, long offset) throws KernelException {
        long a = LibcMemory.mmap(len, LibcMemory.PROT_READ | LibcMemory.PROT_WRITE,
                LibcMemory.MAP_SHARED | LibcMemory.MAP_POPULATE, fd, offset);
        if (a < 0 && a > -4096) throw KernelException.of("mmap", "io_uring", a);
        return a;
    }

    /**
     * Unmaps the rings, by the ring that made this, after its last use of the segments; a second call does
     * nothing.
     */
    public synchronized void unmap() {
        if (unmapped) return;
        unmapped = true;
        // SAFETY: the three mappings this object made, of their lengths, once (the flag above); the owning ring
        // uses no segment after this call (its own SAFETY comment at the call says why).
        LibcMemory.munmap(sqesAddr, sqesLen);
        if (cqRingLen != 0) LibcMemory.munmap(cqRingAddr, cqRingLen);
        LibcMemory.munmap(sqRingAddr, sqRingLen);
    }
}
