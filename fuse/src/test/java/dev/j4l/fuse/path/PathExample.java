package dev.j4l.fuse.path;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The code of the {@code {@snippet}} examples of the path API ({@link PathFilesystem}): runs as a test. */
class PathExample {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    // @start region=driver
    /** hello by path: a read-only filesystem holding one file, /hello. */
    static final class HelloPaths implements PathFilesystem<Void> {
        static final byte[] TEXT = "Hello, world!\n".getBytes(StandardCharsets.UTF_8);
        private final long now = System.currentTimeMillis() * 1_000_000L;
        private final Attr rootAttr = Attr.of(FileMode.S_IFDIR | 0755, 0, 0, now);
        private final Attr helloAttr = Attr.of(FileMode.S_IFREG | 0444, 0, 0, now).withSize(TEXT.length);

        @Override
        public Attr getattr(Request r, String path, Void handle) throws ErrnoException {
            return switch (path) {
                case "/" -> rootAttr;
                case "/hello" -> helloAttr;
                default -> throw new ErrnoException(Errno.ENOENT);
            };
        }

        @Override
        public void readdir(Request r, String path, PathFiller out) {
            out.add("hello", FileMode.S_IFREG);
        }

        @Override
        public void read(Request r, String path, Void handle, long offset, int size, DataSink out) {
            if (offset < TEXT.length) out.put(TEXT, (int) offset, (int) Math.min(size, TEXT.length - offset));
        }
    }
    // @end

    @Test
    void helloByPath() throws Exception {
        Needs.fuse();
        Path mountpoint = mounts.dir("hello");
        // @start region=mount
        try (var mount = FuseMount.mount(mountpoint, PathFilesystem.inodes(new HelloPaths()),
                MountOptions.builder().fsname("hello").subtype("hello").build())) {
            assertEquals("Hello, world!\n", Files.readString(mount.mountpoint().resolve("hello")));
        }
        // @end
    }

    @Test
    void listsAndRefusesChanges() throws Exception {
        Needs.fuse();
        Path mountpoint = mounts.dir("hello");
        try (var mount = mounts.closeAfter(FuseMount.mount(mountpoint, PathFilesystem.inodes(new HelloPaths()),
                MountOptions.defaults()))) {
            try (Stream<Path> s = Files.list(mount.mountpoint())) {
                assertEquals(List.of("hello"), s.map(p -> p.getFileName().toString()).toList());
            }
            Path hello = mountpoint.resolve("hello");
            assertEquals(14, Files.size(hello));
            var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> Files.createDirectory(mountpoint.resolve("d")));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("Read-only"), e.toString());
            org.junit.jupiter.api.Assertions.assertFalse(Files.exists(mountpoint.resolve("nothing")));
        }
    }
}
