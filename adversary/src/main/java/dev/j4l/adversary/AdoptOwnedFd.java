package dev.j4l.adversary;

import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Descriptor numbers are public knowledge ({@code /proc/self/fd}). A driver opens {@code /dev/fuse}, looks
 * its number up, and asks j4l to adopt that number as an "inherited" descriptor: two owners of one number, so
 * closing one leaves the other acting on whatever reuses the number. The same through
 * {@code FuseMount.mount("/dev/fd/N")}, which adopts and serves (and finally closes) the number. And
 * {@code OwnedFd.toString()} must not carry the number at all.
 *
 * <p>Refused: adoptInherited throws KernelException, mount throws IOException. Break: an OwnedFd for an
 * already owned number, a served mount, or the number in toString().
 */
final class AdoptOwnedFd implements Attack {
    @Override
    public String name() {
        return "adopt-owned-fd";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        try (OwnedFd dev = FuseDevice.open()) {
            int n = ownedNumber();
            findings.expectRefusalExplained("FuseDevice.adoptInherited(" + n + ") of an owned /dev/fuse", () -> {
                OwnedFd twin = FuseDevice.adoptInherited(n);
                return "returned a second owner of the number: " + twin.description();
            }, KernelException.class);
            if (String.valueOf(dev).matches(".*\\b" + n + "\\b.*")) {
                findings.broken("OwnedFd.toString() shows the descriptor number: " + dev);
            }
        }
        try (OwnedFd dev = FuseDevice.open()) {
            int n = ownedNumber();
            long start = System.nanoTime();
            try (FuseMount<String> m = FuseMount.mount(Path.of("/dev/fd/" + n), new RootOnlyFs(), MountOptions.defaults())) {
                findings.broken("FuseMount.mount(/dev/fd/" + n + ") served a descriptor owned by another OwnedFd: " + m);
            } catch (IOException e) {
                long seconds = (System.nanoTime() - start) / 1_000_000_000L;
                // Refusing means checking ownership up front; failing only when INIT never comes means the
                // framework adopted the number and served it for a while.
                if (seconds >= 5) {
                    findings.broken("FuseMount.mount(/dev/fd/" + n + ") adopted the owned descriptor and failed only after "
                            + seconds + " s: " + e.getMessage());
                } else {
                    findings.refused(e);
                }
            }
            if (!ProcSelf.descriptorsOf(FuseDevice.PATH).contains(n) && dev.isOpen()) {
                findings.broken("the mount attempt closed descriptor " + n + ", which another OwnedFd still owns");
            }
        }
        return findings.verdict();
    }

    /** The number of the one /dev/fuse descriptor this process has open. */
    private static int ownedNumber() throws IOException {
        return ProcSelf.descriptorOf(FuseDevice.PATH);
    }
}
