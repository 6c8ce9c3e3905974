package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.inode.InodeTable;
import dev.j4l.kernel.FuseIoUringSwitch;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The framework's lookup/forget ledger returns to its starting size, in-process and under a real kernel. */
class InodeLedgerTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void millionLookupForgetCyclesLeaveTheTableAtItsStartingSize() {
        AtomicLong forgotten = new AtomicLong();
        Object root = new Object();
        InodeTable<Object> t = new InodeTable<>(root, n -> forgotten.incrementAndGet());
        int startSize = t.size();
        int startCapacity = t.capacity();
        long firstId = 0;
        for (int i = 0; i < 1_000_000; i++) {
            Object node = new Object();
            long id = t.lookup(node);
            assertEquals(id, t.lookup(node)); // same node, same id
            if (i == 0) firstId = id;
            t.forget(id, 2);
        }
        assertEquals(startSize, t.size());
        assertEquals(1_000_000, forgotten.get());
        assertTrue(t.capacity() <= startCapacity + 1, "node ids were not reused: " + t.capacity());
        assertNull(t.node(firstId));
        assertEquals(root, t.node(1));
    }

    @Test
    void concurrentLookupsAndForgetsBalance() throws Exception {
        Object root = new Object();
        AtomicLong forgotten = new AtomicLong();
        InodeTable<Object> t = new InodeTable<>(root, n -> forgotten.incrementAndGet());
        Object[] keys = new Object[16];
        for (int i = 0; i < keys.length; i++) keys[i] = "k" + i;
        List<Thread> threads = new ArrayList<>();
        for (int th = 0; th < 4; th++) {
            int seed = th;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 200_000; i++) {
                    Object k = keys[(i * 31 + seed) % keys.length];
                    long id = t.lookup(k);
                    if (t.node(id) != k) throw new AssertionError("id " + id + " maps to another node");
                    t.forget(id, 1);
                }
            }));
        }
        for (Thread th : threads) th.join();
        assertEquals(1, t.size());
    }

    /** Over io_uring, FORGETs come through the one /dev/fuse reader, which gathers them into batches. */
    @ParameterizedTest(name = "io_uring {0}")
    @ValueSource(booleans = {false, true})
    void realKernelForgetsEverythingItLookedUp(boolean ioUring) throws Exception {
        Needs.fuse();
        if (ioUring) {
            Assumptions.assumeTrue(Files.isWritable(FuseIoUringSwitch.PARAMETER), "kernel without FUSE io_uring");
        }
        Path mnt = mounts.dir("mnt");
        ScratchFs fs = new ScratchFs();
        for (int i = 0; i < 200; i++) fs.put("f" + i, "x");
        MountOptions options = MountOptions.builder().subtype("j4ltest").timeouts(Duration.ofSeconds(60))
                .ioUring(ioUring).build();
        try (FuseMount<ScratchFs.Node> m = ioUring ? FuseIoUringSwitch.whileOn(() -> FuseMount.mount(mnt, fs, options))
                : FuseMount.mount(mnt, fs, options)) {
            assertEquals(ioUring, m.usesIoUring());
            InodeTable<ScratchFs.Node> t = m.session().inodes();
            int cap = 0;
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 200; i++) assertTrue(Files.exists(mnt.resolve("f" + i)));
                try (var s = Files.list(mnt)) {
                    assertEquals(200, s.count()); // readdirplus lookups count too
                }
                // At most one node per name (+ root); fewer when memory pressure or another process's
                // drop_caches made the kernel forget some of them already during the round.
                assertTrue(t.size() <= 201, "more nodes than names: " + t.size());
                if (round == 0) cap = t.capacity();
                dropCaches();
                long end = System.nanoTime() + 5_000_000_000L;
                while (t.size() > 1 && System.nanoTime() < end) Thread.sleep(10);
                assertEquals(1, t.size(), "round " + round + ": kernel did not forget every node");
            }
            assertTrue(t.capacity() <= cap + 8, "node ids grow instead of being reused: " + t.capacity());
            // Every round looked up all 200 names at least once and every node was forgotten again.
            assertTrue(fs.forgotten.get() >= 20 * 200, "forgotten " + fs.forgotten.get());
        }
    }

    /** Makes the kernel evict unused dentries and inodes, which sends FORGETs. */
    static void dropCaches() throws Exception {
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
    }
}
