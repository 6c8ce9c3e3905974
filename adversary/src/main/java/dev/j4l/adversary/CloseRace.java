package dev.j4l.adversary;

import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Readers hammer an OwnedFd on file A while the main thread closes it and at once opens other files, which
 * the kernel gives the lowest free number — A's. A racing read must either read A or throw
 * IllegalStateException; it must never reach the file that reused the number, nor fail with EBADF (the number
 * closed under a call in flight).
 *
 * <p>Refused: the racing reads after close threw IllegalStateException. Break: a read saw another file, or
 * failed with a KernelException.
 */
final class CloseRace implements Attack {
    private static final int ROUNDS = 200;

    @Override
    public String name() {
        return "close-race";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        Path a = Files.createTempFile("adversary-A", ".txt");
        Path other = Files.createTempFile("adversary-other", ".txt");
        try {
            Files.writeString(a, "A");
            Files.writeString(other, "O");
            for (int round = 0; round < ROUNDS && !findings.anyBroken(); round++) race(findings, a, other);
        } finally {
            Files.deleteIfExists(a);
            Files.deleteIfExists(other);
        }
        return findings.verdict();
    }

    private static void race(Findings findings, Path a, Path other) throws Exception {
        OwnedFd fd = Fs.open(a.toString(), Fs.O_RDONLY);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            readers.add(Thread.ofPlatform().name("adversary-reader").start(() -> {
                NativeBuffer b = NativeBuffer.allocate(1);
                while (!stop.get()) {
                    try {
                        if (fd.pread(b, 0, 1, 0) == 1 && b.getByte(0) != 'A') {
                            findings.broken("a read racing close read another file (byte '" + (char) b.getByte(0) + "')");
                            return;
                        }
                    } catch (IllegalStateException closed) {
                        findings.refused(closed);
                        return;
                    } catch (KernelException e) {
                        findings.broken("a read racing close failed in the kernel: " + e.getMessage());
                        return;
                    }
                }
            }));
        }
        Thread.sleep(1);
        fd.close();
        List<OwnedFd> reusers = new ArrayList<>();
        for (int i = 0; i < 4; i++) reusers.add(Fs.open(other.toString(), Fs.O_RDONLY));
        Thread.sleep(2);
        stop.set(true);
        for (Thread t : readers) t.join();
        for (OwnedFd r : reusers) r.close();
    }
}
