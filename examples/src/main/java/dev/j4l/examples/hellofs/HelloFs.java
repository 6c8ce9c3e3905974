package dev.j4l.examples.hellofs;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.path.PathFiller;
import dev.j4l.fuse.path.PathFilesystem;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A read-only filesystem holding one file, {@code /hello}, written with j4l's path API. */
public final class HelloFs implements PathFilesystem<Void> {
    /** The file's text. */
    public static final String TEXT = "Hello from a j4l driver outside the j4l build!\n";
    private static final byte[] BYTES = TEXT.getBytes(StandardCharsets.UTF_8);

    private final long now = System.currentTimeMillis() * 1_000_000L;
    private final Attr rootAttr = Attr.of(FileMode.S_IFDIR | 0755, 0, 0, now);
    private final Attr helloAttr = Attr.of(FileMode.S_IFREG | 0444, 0, 0, now).withSize(BYTES.length);

    /** A fresh filesystem; mount it through {@link PathFilesystem#inodes}. */
    public HelloFs() {}

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
        if (offset < BYTES.length) out.put(BYTES, (int) offset, (int) Math.min(size, BYTES.length - offset));
    }

    /** The options it mounts with. */
    public static MountOptions mountOptions() {
        return MountOptions.builder().fsname("hellofs").subtype("hellofs").readOnly(true).build();
    }

    /** Mounts at {@code args[0]} until unmounted (Ctrl-C unmounts too). */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: HelloFs MOUNTPOINT");
            System.exit(2);
        }
        try (var mount = FuseMount.mount(Path.of(args[0]), PathFilesystem.inodes(new HelloFs()), mountOptions())) {
            System.out.println("mounted " + mount.mountpoint());
            mount.awaitUnmount();
        }
    }
}
