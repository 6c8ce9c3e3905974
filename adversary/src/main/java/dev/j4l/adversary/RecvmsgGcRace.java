package dev.j4l.adversary;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Sockets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Two attacks on the SCM_RIGHTS calls.
 *
 * <p>{@code receiveWithFds} with a buffer allocated inline (no other reference) blocks in recvmsg(2); the
 * kernel holds only the buffer's address, so a collection may free the buffer under it, and the data that
 * arrives later lands in fresh buffers that reuse the memory. Break: a fresh buffer got the data.
 *
 * <p>{@code sendWithFds} with its varargs array swapped between descriptors A and B by another thread, for
 * thousands of calls: acquiring one element and releasing another leaks a use of A (its close(2) never runs)
 * and releases B below zero (B reads as closed though nobody closed it). Break: any of that observed.
 */
final class RecvmsgGcRace implements Attack {
    /**
     * At or above NativeBuffer's mapping threshold, so a buffer is a mapping of its own: when it dies the
     * mapping goes, and the next mapping of the same size is normally placed in the same hole — the fresh
     * buffers get the address the kernel still holds, whichever thread allocates them.
     */
    private static final int SIZE = 64 * 1024;
    private static final int ROUNDS = 8;
    private static final byte DATA = 0x5A;

    @Override
    public String name() {
        return "recvmsg-gc-race";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        try (Sockets.Pair pair = Sockets.pair(Sockets.AF_UNIX, Sockets.SOCK_STREAM)) {
            warmUp(pair);
            for (int round = 0; round < ROUNDS && !findings.anyBroken(); round++) {
                System.err.println("recvmsg-gc-race: blocked receive, round " + round); // a crash shows where it was
                blockedReceive(findings, pair, round);
            }
        }
        if (!findings.anyBroken()) findings.heldBack("recvmsg wrote only into the buffer passed, in " + ROUNDS + " rounds");
        System.err.println("recvmsg-gc-race: sendWithFds with a swapped attachment array");
        swappedAttachments(findings);
        return findings.verdict();
    }

    /** Compiled code keeps only live references as GC roots: that is when the inline buffer can die mid-call. */
    private static void warmUp(Sockets.Pair pair) throws KernelException {
        NativeBuffer one = NativeBuffer.allocate(1);
        NativeBuffer in = NativeBuffer.allocate(SIZE);
        for (int i = 0; i < 20_000; i++) {
            Sockets.send(pair.second(), one, 0, 1, 0);
            Sockets.receiveWithFds(pair.first(), in, 0, SIZE, 0, 0);
        }
    }

    private static void blockedReceive(Findings findings, Sockets.Pair pair, int round) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread receiver = Thread.ofPlatform().name("adversary-recvmsg").start(() -> {
            try {
                Sockets.receiveWithFds(pair.first(), NativeBuffer.allocate(SIZE), 0, SIZE, 0, 0);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Thread.sleep(100); // the receiver is in recvmsg(2) now
        FreshBuffers.collectGarbage();
        FreshBuffers fresh = FreshBuffers.allocate(16, SIZE);
        NativeBuffer data = NativeBuffer.allocate(SIZE);
        data.fill(0, SIZE, DATA);
        Sockets.send(pair.second(), data, 0, SIZE, 0);
        receiver.join(10_000);
        int hit = fresh.countHolding(DATA);
        if (hit > 0) {
            findings.broken("round " + round + ": " + hit + " of " + fresh.size()
                    + " fresh buffers never passed to receiveWithFds received the message");
        } else if (failure.get() != null) {
            findings.refused(failure.get());
        }
    }

    private static void swappedAttachments(Findings findings) throws Exception {
        try (DescriptorLedger ledger = new DescriptorLedger();
             Sockets.Pair pair = Sockets.pair(Sockets.AF_UNIX, Sockets.SOCK_STREAM)) {
            OwnedFd[] attached = {ledger.a};
            AtomicBoolean stop = new AtomicBoolean();
            Thread swapper = Thread.ofPlatform().name("adversary-swapper").start(() -> {
                while (!stop.get()) {
                    attached[0] = ledger.b;
                    attached[0] = ledger.a;
                }
            });
            NativeBuffer one = NativeBuffer.allocate(1);
            NativeBuffer in = NativeBuffer.allocate(16);
            try {
                for (int i = 0; i < 5_000; i++) {
                    try {
                        Sockets.sendWithFds(pair.second(), one, 0, 1, attached);
                    } catch (IllegalStateException e) {
                        findings.broken("sendWithFds call " + i + " refused a descriptor nobody closed: " + e.getMessage());
                        break;
                    }
                    for (OwnedFd got : Sockets.receiveWithFds(pair.first(), in, 0, 16, 1, 0).fds()) got.close();
                }
            } finally {
                stop.set(true);
                swapper.join();
            }
            ledger.audit(findings);
        }
    }
}
