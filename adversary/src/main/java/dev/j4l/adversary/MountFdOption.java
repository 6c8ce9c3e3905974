package dev.j4l.adversary;

import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.Mounts;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A FUSE mount names its /dev/fuse descriptor by number in the mount data ({@code fd=N}): j4l keeps that
 * number inside FuseDevice.mount, but {@code Mounts.mount} takes any data string, and FuseDevice.mount appends
 * the caller's options after its own {@code fd=} — a later {@code fd=} wins. Either way a driver mounts a
 * descriptor it does not own (here: another OwnedFd's /dev/fuse, found in /proc/self/fd).
 *
 * <p>Refused: both calls throw. Break: a mount was made.
 */
final class MountFdOption implements Attack {
    private static final String OPTIONS = ",rootmode=40000,user_id=0,group_id=0";

    @Override
    public String name() {
        return "mount-fd-option";
    }

    @Override
    public boolean needsRoot() {
        return true;
    }

    @Override
    public Verdict run() throws Exception {
        Findings f = new Findings();
        Path dir = Files.createTempDirectory("adversary-mnt");
        long flags = Mounts.MS_NOSUID | Mounts.MS_NODEV;
        try {
            try (OwnedFd victim = FuseDevice.open()) {
                int n = ProcSelf.descriptorOf(FuseDevice.PATH);
                f.expectRefusalExplained("Mounts.mount(fuse, \"fd=<a number owned by another OwnedFd>\")", () -> {
                    Mounts.mount("adversary", dir.toString(), "fuse.adversary", flags, "fd=" + n + OPTIONS);
                    return "mounted a /dev/fuse descriptor named by number";
                });
                detach(dir);
                if (!victim.isOpen()) f.broken("the victim descriptor reads as closed");
            }
            // A fresh victim: a /dev/fuse descriptor can be mounted only once.
            try (OwnedFd victim = FuseDevice.open()) {
                int n = ProcSelf.descriptorOf(FuseDevice.PATH);
                try (OwnedFd mine = FuseDevice.open()) {
                    f.expectRefusalExplained("FuseDevice.mount(own device, options \"fd=<another's number>\")", () -> {
                        FuseDevice.mount(mine, "adversary", dir.toString(), "fuse.adversary", flags, "fd=" + n + OPTIONS);
                        // Which descriptor did the kernel take? The mounted one has INIT waiting; an unmounted one
                        // answers reads with EPERM.
                        victim.setNonBlocking(true);
                        int r = FuseDevice.read(victim, NativeBuffer.allocate(256 * 1024));
                        return r > 0 ? "mounted, and the kernel took the options' fd=: the victim descriptor got the INIT request"
                                : "mounted with two fd= options (the victim descriptor's read gave " + r + ")";
                    });
                }
                if (!victim.isOpen()) f.broken("the victim descriptor reads as closed");
            }
        } finally {
            detach(dir);
            Files.deleteIfExists(dir);
        }
        return f.verdict();
    }

    private static void detach(Path dir) throws Exception {
        if (Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + dir + " ")) {
            new ProcessBuilder(List.of("umount", "-l", dir.toString())).inheritIO().start().waitFor();
        }
    }
}
