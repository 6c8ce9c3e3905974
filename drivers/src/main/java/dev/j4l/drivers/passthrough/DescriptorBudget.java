package dev.j4l.drivers.passthrough;

import dev.j4l.fuse.FuseNotifier;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps the number of node descriptors under the process's open-file limit. Each node the kernel knows holds
 * an O_PATH descriptor, and the kernel forgets inodes only under memory pressure; a big tree would run the
 * daemon out of descriptors (EMFILE for every client). Past a high-water mark, a background thread asks the
 * kernel to drop the cached names of nodes not used since its last round ({@code invalidateEntry}); unused
 * inodes are then evicted, the kernel sends FORGET, and the descriptors close.
 */
final class DescriptorBudget {
    private static final System.Logger LOG = System.getLogger("dev.j4l.drivers.passthrough");

    private final int highWater;
    private final int lowWater;
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicBoolean pruning = new AtomicBoolean();
    /** Round of pruning; nodes remember the round in which they were last used. */
    private volatile int epoch = 1;
    private volatile boolean warned;

    /** @param limit descriptors the nodes may use (the process limit minus room for handles and the rest) */
    DescriptorBudget(int limit) {
        this.highWater = Math.max(64, limit * 4 / 5);
        this.lowWater = Math.max(32, limit * 3 / 5);
    }

    int epoch() {
        return epoch;
    }

    int live() {
        return live.get();
    }

    private volatile Collection<Node> nodes;
    private volatile java.util.function.Supplier<FuseNotifier<Node>> notifier;

    /** Where to find the nodes and, once the connection is up, the kernel's notifier. */
    void attach(Collection<Node> nodes, java.util.function.Supplier<FuseNotifier<Node>> notifier) {
        this.nodes = nodes;
        this.notifier = notifier;
    }

    void opened() {
        if (live.incrementAndGet() > highWater) {
            var n = notifier;
            if (n != null && nodes != null) check(nodes, n.get());
        }
    }

    void closed() {
        live.decrementAndGet();
    }

    /** Called after a node got a descriptor: starts a pruning round when over the high-water mark. */
    void check(Collection<Node> nodes, FuseNotifier<Node> notifier) {
        if (live.get() <= highWater || notifier == null || !pruning.compareAndSet(false, true)) return;
        Thread.ofPlatform().daemon().name("passthroughfs-prune").start(() -> {
            try {
                prune(nodes, notifier);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "passthroughfs: pruning cached inodes failed", e);
            } finally {
                pruning.set(false);
            }
        });
    }

    private void prune(Collection<Node> nodes, FuseNotifier<Node> notifier) {
        int round = epoch;
        epoch = round + 1;
        int excess = live.get() - lowWater;
        List<Node> idle = new ArrayList<>();
        for (Node n : nodes) {
            if (n.isLive() && n.hasDescriptor() && n.lastUsed() < round && n.parentHint() != null) idle.add(n);
        }
        // Leaves first: a directory's entry goes only once the kernel holds none of its children.
        idle.sort((a, b) -> Boolean.compare(a.isDirectory(), b.isDirectory()));
        int asked = 0;
        for (Node n : idle) {
            if (asked >= excess) break;
            Node p = n.parentHint();
            String name = n.nameHint();
            if (p != null && name != null && notifier.invalidateEntry(p, name)) asked++;
        }
        if (!warned) {
            warned = true;
            LOG.log(Level.INFO, "passthroughfs: " + live.get() + " inode descriptors open (limit " + highWater
                    + "); asking the kernel to forget idle ones");
        }
    }
}
