package dev.j4l.adversary;

import dev.j4l.kernel.Fs;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Two descriptors A and B on files of their own, for attacks that try to make j4l confuse one with the other
 * (acquire one, release the other). Afterwards {@link #audit} checks that each still behaves as an owned
 * descriptor should: open until closed, the first close succeeds, the second throws, it reads closed after,
 * and its number is really gone (a leaked use would keep close(2) from ever running).
 */
final class DescriptorLedger implements AutoCloseable {
    final OwnedFd a;
    final OwnedFd b;
    private final Path fileA;
    private final Path fileB;
    private final int numberA;
    private final int numberB;

    DescriptorLedger() throws IOException {
        fileA = Files.createTempFile("adversary-A", ".txt");
        fileB = Files.createTempFile("adversary-B", ".txt");
        a = Fs.open(fileA.toString(), Fs.O_RDONLY);
        b = Fs.open(fileB.toString(), Fs.O_RDONLY);
        numberA = ProcSelf.descriptorOf(fileA.toString());
        numberB = ProcSelf.descriptorOf(fileB.toString());
    }

    /** Records in {@code findings} every way A or B no longer behaves as an owned descriptor. */
    void audit(Findings findings) throws IOException {
        if (!a.isOpen() || !b.isOpen()) {
            findings.broken("a descriptor never closed reads as closed (A open: " + a.isOpen() + ", B open: " + b.isOpen() + ")");
        }
        auditClose(findings, "A", a, fileA, numberA);
        auditClose(findings, "B", b, fileB, numberB);
    }

    private static void auditClose(Findings findings, String name, OwnedFd fd, Path file, int number) throws IOException {
        try {
            fd.close();
        } catch (IllegalStateException e) {
            findings.broken("the first close of " + name + " threw " + e);
        }
        findings.expectRefusal("second close of " + name, fd::close, IllegalStateException.class);
        if (fd.isOpen()) findings.broken(name + " reads as open after close");
        if (ProcSelf.descriptorsOf(file.toString()).contains(number)) {
            findings.broken(name + "'s descriptor is still open after close: a use was never released, so close(2) never ran");
        }
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(fileA);
        Files.deleteIfExists(fileB);
    }
}
