package dev.j4l.posix;

import dev.j4l.kernel.Mounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A kernel tmpfs on a private mountpoint: the suite's reference filesystem. Unmounted by {@link #close}. */
public final class TmpfsMount implements AutoCloseable {
    private final Path base;
    private final Path root;

    public TmpfsMount(String size) throws Exception {
        base = worldTraversableTempDir("j4l-tmpfs-");
        root = Files.createDirectory(base.resolve("mnt"));
        Mounts.mount("j4l-tmpfs", root.toString(), "tmpfs", Mounts.MS_NOSUID, "mode=0755,size=" + size);
    }

    public Path root() {
        return root;
    }

    /** A temporary directory others may pass through (JUnit's are 0700, which would hide mounts from nobody). */
    public static Path worldTraversableTempDir(String prefix) throws Exception {
        Path d = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    @Override
    public void close() throws Exception {
        try {
            Mounts.unmount(root.toString(), Mounts.MNT_DETACH);
        } finally {
            Files.deleteIfExists(root);
            Files.deleteIfExists(base);
        }
    }
}
