package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Poller;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The newer notifications (RESEND 7.40, INC_EPOCH 7.44, PRUNE 7.45), poll wake-ups, expiring an entry, and
 * an interrupt reaching a deferred reply's callback, each against the kernel's real caches.
 */
class ProtocolTailTest {
    /** ScratchFs with a poll that is not ready until a test says so. */
    static final class PollingFs extends ScratchFs {
        final AtomicReference<PollHandle> waiting = new AtomicReference<>();
        volatile int revents;

        @Override
        public int poll(Request r, Node node, Node handle, int events, PollHandle wakeup) {
            if (wakeup != null) waiting.set(wakeup);
            return revents & events;
        }
    }

    @RegisterExtension
    final TempMounts mounts = new TempMounts();
    Path mnt;
    PollingFs fs;
    FuseMount<ScratchFs.Node> mount;

    @BeforeEach
    void mount() throws Exception {
        Needs.fuse();
        mnt = mounts.dir("mnt");
        fs = new PollingFs();
        // Long timeouts: without a notification the kernel keeps serving what it cached.
        mount = mounts.closeAfter(FuseMount.mount(mnt, fs,
                MountOptions.builder().subtype("j4ltest").timeouts(Duration.ofHours(1)).build()));
    }

    /** Replaces the node behind {@code name} with one of a different size, behind the kernel's back. */
    private void replaceBehindTheKernel(String name) {
        fs.files.remove(name);
        fs.put(name, "four");
    }

    @Test
    void expireEntryMakesTheKernelLookUpAgain() throws Exception {
        fs.put("x", "one");
        assertEquals(3, Files.size(mnt.resolve("x")));
        replaceBehindTheKernel("x");
        assertEquals(3, Files.size(mnt.resolve("x")), "kernel should still use its cached entry");
        assertTrue(mount.notifier().expireEntry(fs.root, "x"));
        assertEquals(4, Files.size(mnt.resolve("x")));
    }

    @Test
    void aNewEpochMakesEveryCachedNameStale() throws Exception {
        fs.put("a", "one");
        fs.put("b", "one");
        assertEquals(3, Files.size(mnt.resolve("a")));
        assertEquals(3, Files.size(mnt.resolve("b")));
        replaceBehindTheKernel("a");
        replaceBehindTheKernel("b");
        assertEquals(3, Files.size(mnt.resolve("a")), "kernel should still use its cached entry");
        assertTrue(mount.notifier().newEpoch());
        assertEquals(4, Files.size(mnt.resolve("a")));
        assertEquals(4, Files.size(mnt.resolve("b")));
    }

    @Test
    void pruneDropsUnusedInodesAndTheyAreForgotten() throws Exception {
        ScratchFs.Node n = fs.put("p", "prune me");
        ScratchFs.Node kept = fs.put("k", "keep me");
        assertEquals(8, Files.size(mnt.resolve("p")));
        try (OwnedFd _ = Fs.open(mnt.resolve("k").toString(), Fs.O_RDONLY)) {
            assertNotEquals(0, mount.session().inodes().nodeidOf(n));
            int before = fs.forgotten.get();
            assertTrue(mount.notifier().prune(List.of(n, kept)));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (mount.session().inodes().nodeidOf(n) != 0 && System.nanoTime() < end) Thread.sleep(10);
            assertEquals(0, mount.session().inodes().nodeidOf(n), "the pruned inode was never forgotten");
            assertTrue(fs.forgotten.get() > before);
            // An inode in use stays.
            assertNotEquals(0, mount.session().inodes().nodeidOf(kept));
        }
        assertEquals("prune me", Files.readString(mnt.resolve("p")), "a pruned name is looked up again");
    }

    @Test
    void resendPendingSendsAnUnansweredRequestAgain() throws Exception {
        fs.put("re", "again");
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        CountDownLatch held = new CountDownLatch(1);
        AtomicReference<Deferred<Entry<ScratchFs.Node>>> first = new AtomicReference<>();
        fs.lookupHook = (r, name) -> {
            if (!name.equals("re")) return null;
            arrivals.add(r.unique());
            if (arrivals.size() > 1) return null; // answered normally the second time
            first.set(r.defer()); // taken, never answered: as if the daemon lost it
            held.countDown();
            return Entry.negative(0);
        };
        Process stat = new ProcessBuilder("stat", "-c", "%s", mnt.resolve("re").toString()).start();
        assertTrue(held.await(10, TimeUnit.SECONDS));
        assertTrue(mount.notifier().resendPending());
        assertTrue(stat.waitFor(10, TimeUnit.SECONDS), "the request was not sent again");
        assertEquals(0, stat.exitValue());
        assertEquals("5", new String(stat.getInputStream().readAllBytes()).trim());
        assertEquals(2, arrivals.size());
        // The kernel marks a request it sends again (FUSE_UNIQUE_RESEND, the top bit of its id).
        assertTrue(arrivals.get(1) < 0, "resent request id " + Long.toHexString(arrivals.get(1)));
        // The answer to the first copy finds no request any more; it is dropped, not delivered twice.
        assertTrue(first.get().fail(Errno.EIO));
    }

    @Test
    void pollWakeupWakesAWaitingPoll() throws Exception {
        fs.put("q", "queue");
        try (OwnedFd fd = Fs.open(mnt.resolve("q").toString(), Fs.O_RDONLY)) {
            Poller p = new Poller(1);
            int i = p.add(fd, Poller.POLLIN);
            AtomicReference<Integer> ready = new AtomicReference<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    ready.set(p.poll(20_000));
                } catch (Exception e) {
                    ready.set(-1);
                }
            });
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (fs.waiting.get() == null && System.nanoTime() < end) Thread.sleep(10);
            assertTrue(fs.waiting.get() != null, "the kernel never asked to be notified");
            assertTrue(waiter.isAlive(), "poll returned before anything was ready");
            fs.revents = Poller.POLLIN;
            assertTrue(mount.notifier().pollWakeup(fs.waiting.get()));
            waiter.join(10_000);
            assertEquals(1, ready.get(), "the wake-up did not end the poll");
            assertTrue(p.isReady(i, Poller.POLLIN));
        }
    }

    @Test
    void anInterruptRunsTheDeferredRepliesCallback() throws Exception {
        CountDownLatch deferred = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(1);
        fs.lookupHook = (r, name) -> {
            if (!name.equals("slow")) return null;
            Deferred<Entry<ScratchFs.Node>> d = r.defer();
            // What a lock waiter does: give up when the caller does, without anybody polling.
            d.onInterrupt(() -> {
                ran.countDown();
                d.fail(Errno.EINTR);
            });
            deferred.countDown();
            return Entry.negative(0);
        };
        Process stat = new ProcessBuilder("stat", mnt.resolve("slow").toString()).start();
        assertTrue(deferred.await(10, TimeUnit.SECONDS));
        stat.destroy(); // SIGTERM: the kernel sends INTERRUPT for the pending LOOKUP
        assertTrue(ran.await(10, TimeUnit.SECONDS), "the interrupt callback never ran");
        assertTrue(stat.waitFor(10, TimeUnit.SECONDS), "caller still blocked after the callback's EINTR");
    }
}
