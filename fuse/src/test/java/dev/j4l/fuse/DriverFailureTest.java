package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.testkit.LogCapture;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A driver that throws, blocks, or answers late: the caller gets the right errno and the daemon lives on. */
class DriverFailureTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();
    Path mnt;
    ScratchFs fs;
    FuseMount<ScratchFs.Node> mount;

    @BeforeEach
    void mount() throws Exception {
        Needs.fuse();
        mnt = mounts.dir("mnt");
        fs = new ScratchFs();
        fs.put("a", "alpha");
        mount = mounts.closeAfter(FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest").timeouts(Duration.ZERO).build()));
    }

    @Test
    void unexpectedExceptionIsEioLoggedWithOpAndNodeAndServingGoesOn() throws Exception {
        fs.lookupHook = (r, name) -> {
            if (name.equals("boom")) throw new IllegalStateException("driver bug");
            return null;
        };
        try (LogCapture log = new LogCapture("dev.j4l.fuse")) {
            Command.Result r = Command.of("stat", mnt.resolve("boom").toString()).exec();
            assertNotEquals(0, r.exit());
            assertTrue(r.output().contains("Input/output error"), r.output());
            assertTrue(log.contains("LOOKUP", "node 1", "request"), log.lines.toString());
        }
        assertEquals("alpha", Files.readString(mnt.resolve("a")));
        assertEquals("alpha", Command.run("cat", mnt.resolve("a").toString()));
    }

    @Test
    void errnoExceptionIsTheAnswer() throws Exception {
        fs.lookupHook = (r, name) -> {
            if (name.equals("secret")) throw new ErrnoException(Errno.EACCES);
            return null;
        };
        Command.Result r = Command.of("stat", mnt.resolve("secret").toString()).exec();
        assertTrue(r.output().contains("Permission denied"), r.output());
    }

    @Test
    void signalledCallerInterruptsTheDriver() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean sawFlag = new AtomicBoolean();
        AtomicBoolean sawThreadInterrupt = new AtomicBoolean();
        fs.lookupHook = (r, name) -> {
            if (!name.equals("block")) return null;
            entered.countDown();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            try {
                while (System.nanoTime() < end) Thread.sleep(20_000);
            } catch (InterruptedException e) {
                sawThreadInterrupt.set(true);
                sawFlag.set(r.isInterrupted());
                throw new ErrnoException(Errno.EINTR);
            }
            throw new ErrnoException(Errno.ETIMEDOUT);
        };
        Process stat = new ProcessBuilder("stat", mnt.resolve("block").toString()).start();
        assertTrue(entered.await(10, TimeUnit.SECONDS), "driver never saw the lookup");
        stat.destroy(); // SIGTERM while the request is in the driver
        assertTrue(stat.waitFor(10, TimeUnit.SECONDS), "caller still blocked after the signal");
        assertTrue(sawThreadInterrupt.get(), "driver thread was not interrupted");
        assertTrue(sawFlag.get(), "Request.isInterrupted() was false");
        assertEquals("alpha", Files.readString(mnt.resolve("a")));
    }

    @Test
    void deferredReplyFromAnotherThread() throws Exception {
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            ScratchFs.Node n = fs.put("real", "late answer");
            fs.lookupHook = (r, name) -> {
                if (!name.equals("later")) return null;
                Deferred<Entry<ScratchFs.Node>> d = r.defer();
                later.schedule(() -> d.complete(Entry.of(n, n.attr)), 100, TimeUnit.MILLISECONDS);
                return Entry.negative(0); // ignored: the request is deferred
            };
            assertEquals("late answer", Files.readString(mnt.resolve("later")));
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void interruptReachesADeferredRequest() throws Exception {
        CountDownLatch deferred = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Deferred<Entry<ScratchFs.Node>>> held =
                new java.util.concurrent.atomic.AtomicReference<>();
        fs.lookupHook = (r, name) -> {
            if (!name.equals("wait")) return null;
            held.set(r.defer()); // like a lock waiter: answered later by another thread
            deferred.countDown();
            return Entry.negative(0);
        };
        Process stat = new ProcessBuilder("stat", mnt.resolve("wait").toString()).start();
        assertTrue(deferred.await(10, TimeUnit.SECONDS));
        stat.destroy();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!held.get().isInterrupted() && System.nanoTime() < end) Thread.sleep(10);
        sawInterrupt.set(held.get().isInterrupted());
        assertTrue(sawInterrupt.get(), "deferred request never saw the INTERRUPT");
        assertTrue(held.get().fail(Errno.EINTR));
        assertTrue(stat.waitFor(10, TimeUnit.SECONDS), "caller still blocked after the deferred EINTR");
    }

    @Test
    void requestKnowsTheCallersGroups() throws Exception {
        Needs.root(); // setpriv sets the caller's groups
        java.util.concurrent.atomic.AtomicReference<int[]> groups = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger pid = new java.util.concurrent.atomic.AtomicInteger();
        fs.lookupHook = (r, name) -> {
            if (!name.equals("who")) return null;
            pid.set(r.pid());
            groups.set(r.supplementaryGroups());
            throw new ErrnoException(Errno.ENOENT);
        };
        Command.Result res = Command.of("setpriv", "--groups=7,42,4242", "stat", mnt.resolve("who").toString()).exec();
        assertTrue(res.output().contains("No such file"), res.output());
        assertTrue(pid.get() > 0);
        assertEquals(java.util.List.of(7, 42, 4242), java.util.Arrays.stream(groups.get()).boxed().sorted().toList());
    }

    @Test
    void droppedDeferredReplyBecomesEio() throws Exception {
        fs.lookupHook = (r, name) -> {
            if (!name.equals("dropped")) return null;
            r.defer(); // and forget about it
            return Entry.negative(0);
        };
        try (LogCapture log = new LogCapture("dev.j4l.fuse")) {
            Process stat = new ProcessBuilder("stat", mnt.resolve("dropped").toString()).redirectErrorStream(true).start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (stat.isAlive() && System.nanoTime() < end) {
                System.gc();
                Thread.sleep(50);
            }
            assertTrue(stat.waitFor(1, TimeUnit.SECONDS), "caller never answered");
            String out = new String(stat.getInputStream().readAllBytes());
            assertTrue(out.contains("Input/output error"), out);
            assertTrue(log.contains("dropped a deferred LOOKUP"), log.lines.toString());
        }
    }
}
