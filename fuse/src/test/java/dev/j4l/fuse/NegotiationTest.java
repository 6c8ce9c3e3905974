package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.kernel.abi.FuseAbi.InitFlags;
import dev.j4l.fuse.protocol.Negotiated;
import dev.j4l.kernel.abi.FuseAbi;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** INIT negotiation against what 6.18 offers, older kernels, and conflicting options. */
class NegotiationTest {
    /** What Linux 6.18.44 offered on this machine (kernel-interfaces.md §1.5). */
    static final long OFFERED_618 = 0x73fffffbL | (0x5fdL << 32);

    @Test
    void modernKernelGetsLargeWritesAndWhatTheOptionsAsk() {
        Negotiated n = Negotiated.negotiate(45, 131072, OFFERED_618, MountOptions.defaults(), Set.of(), 256);
        assertEquals(45, n.minor());
        assertEquals(1 << 20, n.maxWrite());
        assertEquals(256, n.maxPages());
        assertTrue(n.has(InitFlags.MAX_PAGES) && n.has(InitFlags.PARALLEL_DIROPS) && n.has(InitFlags.DO_READDIRPLUS)
                && n.has(InitFlags.READDIRPLUS_AUTO) && n.has(InitFlags.ABORT_ERROR) && n.has(InitFlags.INIT_EXT));
        assertFalse(n.has(InitFlags.POSIX_LOCKS) || n.has(InitFlags.FLOCK_LOCKS), "locks the driver cannot serve");
        assertFalse(n.has(InitFlags.WRITEBACK_CACHE) || n.has(InitFlags.PASSTHROUGH));
        assertEquals(0, n.flags() & ~n.offered(), "asked for something not offered");
        assertEquals(64, n.initOutSize());
    }

    @Test
    void passthroughAndWritebackExcludeEachOther() {
        MountOptions both = MountOptions.builder().passthrough(true).writebackCache(true).build();
        Negotiated n = Negotiated.negotiate(45, 131072, OFFERED_618, both, Set.of(FuseCapability.POSIX_LOCKS, FuseCapability.FLOCK_LOCKS), 256);
        assertTrue(n.has(InitFlags.WRITEBACK_CACHE));
        assertFalse(n.has(InitFlags.PASSTHROUGH));
        Negotiated p = Negotiated.negotiate(45, 131072, OFFERED_618, MountOptions.builder().passthrough(true).build(),
                Set.of(FuseCapability.POSIX_LOCKS, FuseCapability.FLOCK_LOCKS), 256);
        assertTrue(p.has(InitFlags.PASSTHROUGH));
        assertEquals(1, p.maxStackDepth());
        assertTrue(p.has(InitFlags.POSIX_LOCKS) && p.has(InitFlags.FLOCK_LOCKS));
    }

    @Test
    void olderKernelsGetOlderStructsAndNoExtendedFlags() {
        long offered31 = 0x3fffffbL & ~InitFlags.INIT_EXT; // a 5.x-era kernel: no flags2
        Negotiated n = Negotiated.negotiate(31, 131072, offered31, MountOptions.defaults(), Set.of(), 256);
        assertEquals(31, n.minor());
        assertEquals(0, n.flags() >>> 32);
        assertFalse(n.has(InitFlags.INIT_EXT));
        Negotiated old = Negotiated.negotiate(22, 131072, 0xffffL, MountOptions.defaults(), Set.of(), 256);
        assertEquals(24, old.initOutSize());
        assertEquals(32, old.maxPages(), "without MAX_PAGES the kernel uses 32 pages");
        assertEquals(128 * 1024, old.maxWrite());
        Negotiated ancient = Negotiated.negotiate(8, 131072, 0xffL, MountOptions.defaults(), Set.of(), 256);
        assertEquals(FuseAbi.ENTRY_OUT_COMPAT, ancient.entryOutSize());
        assertEquals(FuseAbi.ATTR_OUT_COMPAT, ancient.attrOutSize());
        assertEquals(FuseAbi.WRITE_IN_COMPAT, ancient.writeInSize());
    }

    @Test
    void maxWriteIsClampedByThePageLimit() {
        Negotiated n = Negotiated.negotiate(45, 131072, OFFERED_618, MountOptions.defaults(), Set.of(), 64);
        assertEquals(64, n.maxPages());
        assertEquals(64 * 4096, n.maxWrite());
    }

    @Test
    void opcodeTableKnowsEveryNumberOf745() {
        for (int i = 1; i <= 53; i++) {
            if (i == 7 || i == 19) continue; // unused numbers
            FuseOpcode o = FuseOpcode.of(i);
            assertTrue(o != null && o.number() == i, "opcode " + i);
        }
        assertEquals(FuseOpcode.CUSE_INIT, FuseOpcode.of(4096));
        assertEquals(null, FuseOpcode.of(54));
        assertTrue(FuseOpcode.READDIRPLUS.countsLookup() && FuseOpcode.TMPFILE.countsLookup());
        assertFalse(FuseOpcode.GETATTR.countsLookup());
    }
}
