package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * close() racing with reads on other threads: the readers must only ever see the file the descriptor was
 * opened on, even though the number is immediately reused by a newly opened file after the close.
 */
class OwnedFdRaceTest {
    @TempDir
    Path tmp;

    /** The number, read the way only this package can (it never appears in toString or messages). */
    private static int number(OwnedFd fd) {
        int n = fd.acquire();
        fd.release();
        return n;
    }

    @Test
    void racingReadsNeverReachTheFileThatReusesTheNumber() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        Files.write(a, "A".repeat(64).getBytes());
        Files.write(b, "B".repeat(64).getBytes());
        int readers = 3;
        int rounds = 200;
        AtomicLong goodReads = new AtomicLong();
        AtomicLong reusedNumbers = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int round = 0; round < rounds && failure.get() == null; round++) {
            OwnedFd fd = Fs.open(a.toString(), Fs.O_RDONLY);
            int number = number(fd);
            CountDownLatch started = new CountDownLatch(readers);
            List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    NativeBuffer buf = NativeBuffer.allocate(64);
                    started.countDown();
                    try {
                        while (true) {
                            int n = fd.pread(buf, 0, 64, 0);
                            for (int i = 0; i < n; i++) {
                                if (buf.getByte(i) != 'A') throw new AssertionError("read another file's data: " + (char) buf.getByte(i));
                            }
                            goodReads.incrementAndGet();
                        }
                    } catch (IllegalStateException closed) {
                        // expected: the descriptor was closed under us
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            started.await();
            fd.close();
            // Immediately open other files: one of them takes the old number as soon as the kernel frees it.
            List<OwnedFd> others = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                OwnedFd o = Fs.open(b.toString(), Fs.O_RDONLY);
                others.add(o);
            }
            for (Thread t : threads) t.join();
            OwnedFd late = Fs.open(b.toString(), Fs.O_RDONLY);
            others.add(late);
            for (OwnedFd o : others) {
                if (number(o) == number) reusedNumbers.incrementAndGet();
                o.close();
            }
        }
        if (failure.get() != null) throw new AssertionError(failure.get());
        assertTrue(goodReads.get() > 0, "the readers did read");
        // The scenario is real: the freed number was handed to the other file in (nearly) every round.
        assertTrue(reusedNumbers.get() >= rounds / 2, "number reused in " + reusedNumbers.get() + " of " + rounds + " rounds");
    }

    @Test
    void useAfterCloseAndDoubleCloseFailWithoutTouchingTheKernel() throws Exception {
        Path a = tmp.resolve("a");
        Files.writeString(a, "x");
        OwnedFd fd = Fs.open(a.toString(), Fs.O_RDONLY);
        fd.close();
        NativeBuffer buf = NativeBuffer.allocate(4);
        // Each of these must throw before any syscall: none of them reports a KernelException (EBADF).
        List<Executable> uses = List.of(() -> fd.read(buf), () -> fd.pread(buf, 0, 1, 0), () -> fd.write(buf),
                () -> Fs.inodeFlags(fd), fd::statusFlags, fd::dup, () -> Fs.stat(fd), () -> Fs.openat(fd, "x", 0),
                () -> Xattrs.list(fd), () -> Fs.truncate(fd, 0), fd::close);
        for (Executable u : uses) {
            try {
                u.run();
                throw new AssertionError("use after close succeeded");
            } catch (IllegalStateException expected) {
                assertTrue(expected.getMessage().contains("closed"), expected.getMessage());
            }
        }
        assertEquals(false, fd.isOpen());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, OwnedFd.CWD::close);
        assertTrue(OwnedFd.CWD.isOpen());
    }

    interface Executable {
        void run() throws Exception;
    }
}
