package dev.j4l.drivers.passthrough;

import dev.j4l.fuse.FuseMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The example in {@link PassthroughFs}'s documentation; {@code PassthroughFsTest} runs it. */
final class PassthroughExample {
    private PassthroughExample() {}

    static String mirrorAndRead(Path source, Path mountpoint) throws IOException {
        // @start region=mount
        PassthroughOptions options = PassthroughOptions.of(source);      // passthrough on, a day of caching
        try (FuseMount<Node> mount = PassthroughFs.mount(mountpoint, options)) {
            Files.writeString(mount.mountpoint().resolve("hello.txt"), "hi\n");   // lands in source/hello.txt
            return Files.readString(source.resolve("hello.txt"));
        }
        // @end
    }
}
