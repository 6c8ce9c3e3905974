package dev.j4l.drivers.passthrough;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.j4l.fuse.FuseMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A passthroughfs mount of {@code src} at {@code mnt} for a test, unmounted by {@link #close()}. */
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

    static void assumeRoot() throws IOException {
        boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
        assumeTrue(root, "needs root (mounts FUSE filesystems)");
    }

    static boolean isMounted(Path dir) throws IOException {
        String d = dir.toAbsolutePath().normalize().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.split(" ")[4].equals(d));
    }

    /** Runs a tool; returns stdout, throws with stderr on failure. */
    static String run(String... cmd) throws IOException, InterruptedException {
        Result r = exec(List.of(cmd));
        if (r.exit != 0) throw new IOException(String.join(" ", cmd) + " failed (" + r.exit + "): " + r.err + r.out);
        return r.out;
    }

    record Result(int exit, String out, String err) {}

    static Result exec(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("mirror-out", ".txt");
        Path err = Files.createTempFile("mirror-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(124, Files.readString(out), "timed out");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
