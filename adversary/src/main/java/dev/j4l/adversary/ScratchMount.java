package dev.j4l.adversary;

import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A FUSE mount on a fresh directory under {@code java.io.tmpdir} that is gone afterwards whatever happened:
 * closing unmounts through {@link FuseMount#close()} and, if the mount is still there, {@code umount -l}.
 * (The test also detaches whatever a killed child left under its temporary directory.)
 */
final class ScratchMount<N> implements AutoCloseable {
    final Path dir;
    final FuseMount<N> mount;

    private ScratchMount(Path dir, FuseMount<N> mount) {
        this.dir = dir;
        this.mount = mount;
    }

    /** One worker, so a later call meets the framework objects of an earlier one; no caching of any kind. */
    static <N, H> ScratchMount<N> of(FuseFilesystem<N, H> fs) throws IOException {
        Path dir = Files.createTempDirectory("adversary-mnt");
        MountOptions options = MountOptions.builder().fsname("adversary").subtype("adversary").workers(1)
                .timeouts(Duration.ZERO).readdirplus(MountOptions.Readdirplus.OFF).build();
        try {
            return new ScratchMount<>(dir, FuseMount.mount(dir, fs, options));
        } catch (IOException | RuntimeException e) {
            detach(dir);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            mount.close();
        } finally {
            detach(dir);
        }
    }

    private static void detach(Path dir) throws IOException {
        try {
            if (Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + dir + " ")) {
                new ProcessBuilder(List.of("umount", "-l", dir.toString())).inheritIO().start().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(dir);
        }
    }
}
