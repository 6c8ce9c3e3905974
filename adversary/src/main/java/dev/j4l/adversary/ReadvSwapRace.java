package dev.j4l.adversary;

import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Vectored I/O takes an array the caller still holds. While {@code readv} waits in the kernel, another thread
 * swaps the array's elements out, so the buffers the kernel was given are referenced by nobody; a collection
 * frees them and fresh buffers reuse the memory. When data then arrives, the kernel writes it into the freed
 * memory: the fresh buffers, never passed to any call, change. {@code writev} the other way round: the kernel
 * sends the content of fresh buffers (a secret) it was never given. {@code preadv}/{@code pwritev} on a file
 * cannot block, so they race in a loop against a swapping thread, a collecting thread and a checking thread.
 *
 * <p>Correct: the kernel uses only the buffers the array held at entry, kept alive for the call. Break: a
 * fresh buffer received data, or its secret was sent.
 */
final class ReadvSwapRace implements Attack {
    private static final int BUFFERS = 64;
    private static final int SIZE = 4096;
    private static final int ROUNDS = 8;
    private static final byte DATA = 0x5A;
    private static final byte SECRET = 0x53;

    @Override
    public String name() {
        return "readv-swap-race";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        warmUp();
        for (int round = 0; round < ROUNDS && !findings.anyBroken(); round++) blockedReadv(findings, round);
        for (int round = 0; round < ROUNDS && !findings.anyBroken(); round++) blockedWritev(findings, round);
        if (!findings.anyBroken()) preadvLoop(findings);
        if (!findings.anyBroken()) pwritevLoop(findings);
        if (!findings.anyBroken()) {
            findings.heldBack("in " + ROUNDS + " blocked readv and writev rounds and the preadv/pwritev loops the kernel"
                    + " used only the buffers passed");
        }
        return findings.verdict();
    }

    /**
     * Compiles the vectored path first: compiled code keeps only live references as GC roots, which is what
     * lets the swapped-out buffers die while the call still runs (the interpreter may keep dead locals alive).
     */
    private static void warmUp() throws KernelException {
        try (Pipe p = Pipe.open(0)) {
            NativeBuffer one = NativeBuffer.allocate(1);
            for (int i = 0; i < 20_000; i++) {
                p.writeEnd().writev(one);
                p.readEnd().readv(one);
            }
        }
    }

    private static void blockedReadv(Findings findings, int round) throws Exception {
        try (Pipe p = Pipe.open(0)) {
            NativeBuffer[] iov = buffers(BUFFERS, (byte) 0);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().name("adversary-readv").start(() -> {
                try {
                    p.readEnd().readv(iov);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            Thread.sleep(100); // the reader is in readv(2) now, waiting for data
            swapOut(iov);
            FreshBuffers.collectGarbage();
            FreshBuffers fresh = FreshBuffers.allocate(BUFFERS * 4, SIZE);
            NativeBuffer data = NativeBuffer.allocate(16 * SIZE); // a pipe's default capacity
            data.fill(0, data.size(), DATA);
            p.writeEnd().write(data);
            reader.join(10_000);
            int hit = fresh.countHolding(DATA);
            if (hit > 0) {
                findings.broken("readv round " + round + ": " + hit + " of " + fresh.size()
                        + " fresh buffers never passed to readv received the pipe's data");
            } else if (failure.get() != null) {
                findings.refused(failure.get());
            }
        }
    }

    private static void blockedWritev(Findings findings, int round) throws Exception {
        try (Pipe p = Pipe.open(0)) {
            NativeBuffer junk = NativeBuffer.allocate(SIZE);
            p.writeEnd().setNonBlocking(true);
            while (p.writeEnd().write(junk) > 0) {
                // fill the pipe so writev blocks
            }
            p.writeEnd().setNonBlocking(false);
            NativeBuffer[] iov = buffers(BUFFERS, (byte) 'W');
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().name("adversary-writev").start(() -> {
                try {
                    p.writeEnd().writev(iov);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            Thread.sleep(100); // the writer is in writev(2) now, waiting for room
            swapOut(iov);
            FreshBuffers.collectGarbage();
            FreshBuffers secrets = FreshBuffers.allocate(BUFFERS * 4, SIZE).fill(SECRET);
            long leaked = drainCounting(p.readEnd(), writer, SECRET);
            if (leaked > 0) {
                findings.broken("writev round " + round + ": the pipe carried " + leaked
                        + " bytes of a secret held only by buffers never passed to writev (" + secrets.size() + " live)");
            } else if (failure.get() != null) {
                findings.refused(failure.get());
            }
        }
    }

    /** preadv on a file in a loop while the array's elements are replaced and the collector runs. */
    private static void preadvLoop(Findings findings) throws Exception {
        Path file = Files.createTempFile("adversary-preadv", ".bin");
        try {
            Files.write(file, filled(8 * SIZE, DATA));
            try (OwnedFd fd = Fs.open(file.toString(), Fs.O_RDONLY)) {
                NativeBuffer[] iov = buffers(8, (byte) 0);
                race(iov, (byte) 0, () -> fd.preadv(0, iov), () -> {
                    FreshBuffers fresh = FreshBuffers.allocate(32, SIZE);
                    Thread.sleep(1);
                    int hit = fresh.countHolding(DATA);
                    if (hit > 0) findings.broken("preadv: " + hit + " fresh buffers never passed received the file's data");
                });
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** pwritev appending to a file while fresh buffers hold a secret; the file must never contain it. */
    private static void pwritevLoop(Findings findings) throws Exception {
        Path file = Files.createTempFile("adversary-pwritev", ".bin");
        try {
            long[] position = {0};
            try (OwnedFd fd = Fs.open(file.toString(), Fs.O_WRONLY)) {
                NativeBuffer[] iov = buffers(8, (byte) 'W');
                race(iov, (byte) 'W', () -> {
                    if (position[0] < (32L << 20)) position[0] += Math.max(0, fd.pwritev(position[0], iov));
                }, () -> {
                    FreshBuffers secrets = FreshBuffers.allocate(32, SIZE).fill(SECRET);
                    Thread.sleep(1);
                    java.lang.ref.Reference.reachabilityFence(secrets);
                });
            }
            byte[] written = Files.readAllBytes(file);
            long leaked = 0;
            for (byte b : written) if (b == SECRET) leaked++;
            if (leaked > 0) findings.broken("pwritev: the file holds " + leaked + " bytes of a secret never passed to pwritev");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /**
     * Runs {@code call} for 1.5 s while one thread keeps replacing {@code iov}'s elements with new buffers of
     * {@code content} (the old ones become garbage), one keeps collecting, and one runs {@code check}.
     */
    private static void race(NativeBuffer[] iov, byte content, Step call, Step check) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = Thread.ofPlatform().name("adversary-swapper").start(() -> {
            for (int k = 0; !stop.get(); k++) {
                NativeBuffer b = NativeBuffer.allocate(SIZE);
                if (content != 0) b.fill(0, SIZE, content);
                iov[k % iov.length] = b;
            }
        });
        Thread collector = Thread.ofPlatform().name("adversary-gc").start(() -> {
            while (!stop.get()) {
                System.gc();
                Thread.onSpinWait();
            }
        });
        Thread checker = Thread.ofPlatform().name("adversary-checker").start(() -> {
            try {
                while (!stop.get()) check.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            long end = System.nanoTime() + 1_500_000_000L;
            while (System.nanoTime() < end) call.run();
        } finally {
            stop.set(true);
            swapper.join();
            collector.join();
            checker.join();
        }
    }

    /** Replaces every element of {@code iov} (null or a tiny buffer), so the buffers the kernel got are garbage. */
    private static void swapOut(NativeBuffer[] iov) throws InterruptedException {
        Thread swapper = Thread.ofPlatform().name("adversary-swapper").start(() -> {
            for (int k = 0; k < 10 * iov.length; k++) iov[k % iov.length] = (k & 1) == 0 ? null : NativeBuffer.allocate(16);
        });
        swapper.join();
    }

    /** Reads the pipe until the writer is done and the pipe is empty; returns how many bytes equal {@code value}. */
    private static long drainCounting(OwnedFd readEnd, Thread writer, byte value) throws Exception {
        readEnd.setNonBlocking(true);
        NativeBuffer buf = NativeBuffer.allocate(16 * SIZE);
        long count = 0;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean writerDone = !writer.isAlive(); // before the read: an empty pipe after it means the end
            int r = readEnd.read(buf);
            if (r > 0) {
                for (int i = 0; i < r; i++) if (buf.getByte(i) == value) count++;
            } else if (writerDone) {
                break;
            } else {
                Thread.sleep(1);
            }
        }
        writer.join(1000);
        return count;
    }

    private static NativeBuffer[] buffers(int n, byte content) {
        NativeBuffer[] b = new NativeBuffer[n];
        for (int i = 0; i < n; i++) {
            b[i] = NativeBuffer.allocate(SIZE);
            if (content != 0) b[i].fill(0, SIZE, content);
        }
        return b;
    }

    private static byte[] filled(int n, byte value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, value);
        return b;
    }
}
