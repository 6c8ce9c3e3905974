package dev.j4l.drivers.passthrough;

import dev.j4l.fuse.FuseMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A passthroughfs mount of {@code src} at {@code mnt} for a test, unmounted by {@link #close()} (and, should a
 * test end without closing it, by the test's {@link dev.j4l.testkit.TempMounts}, which holds both).
 */
final class Mirror implements AutoCloseable {
    final Path src;
    final Path mnt;
    final PassthroughFs fs;
    final FuseMount<Node> mount;

    private Mirror(Path src, Path mnt, PassthroughFs fs, FuseMount<Node> mount) {
        this.src = src;
        this.mnt = mnt;
        this.fs = fs;
        this.mount = mount;
    }

    static Mirror mount(Path src, Path mnt, PassthroughOptions o) throws IOException {
        Files.createDirectories(src);
        Files.createDirectories(mnt);
        PassthroughFs fs = new PassthroughFs(o);
        return new Mirror(src, mnt, fs, FuseMount.mount(mnt, fs, fs.mountOptions()));
    }

    static Mirror mount(Path dir, boolean passthrough) throws IOException {
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        return mount(src, dir.resolve("mnt"), PassthroughOptions.of(src).withPassthrough(passthrough));
    }

    @Override
    public void close() throws IOException {
        mount.close();
    }
}
