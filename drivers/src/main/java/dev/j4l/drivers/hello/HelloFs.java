package dev.j4l.drivers.hello;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DirectoryFiller;
import dev.j4l.fuse.Entry;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The first example driver, the smallest that is complete: a read-only filesystem holding one file. Mount it
 * with {@code ./j4l mount hello MOUNTPOINT}, or run {@link #main}. The next examples are
 * {@link dev.j4l.drivers.memfs} (an in-memory POSIX filesystem) and {@link dev.j4l.drivers.passthrough} (a
 * mirror of a host directory).
 *
 * <p>The nodes are the driver's own objects (here two enum constants); the framework numbers them for the
 * kernel. Every operation not written here answers ENOSYS, which the kernel turns into the right error for a
 * read-only filesystem.
 */
// @start region=hello
public final class HelloFs implements FuseFilesystem<HelloFs.Node, Void> {
    public enum Node { ROOT, HELLO }

    static final byte[] TEXT = "Hello, world!\n".getBytes(StandardCharsets.UTF_8);
    private final long now = System.currentTimeMillis() * 1_000_000L;
    private final Attr rootAttr = Attr.of(FileMode.S_IFDIR | 0755, 0, 0, now);
    private final Attr helloAttr = Attr.of(FileMode.S_IFREG | 0444, 0, 0, now).withSize(TEXT.length);

    @Override
    public Node root() {
        return Node.ROOT;
    }

    @Override
    public Entry<Node> lookup(Request r, Node parent, String name) throws ErrnoException {
        if (parent == Node.ROOT && name.equals("hello")) return Entry.of(Node.HELLO, helloAttr);
        throw new ErrnoException(Errno.ENOENT);
    }

    @Override
    public Attr getattr(Request r, Node node, Void handle) {
        return node == Node.ROOT ? rootAttr : helloAttr; // made once: no allocation per request
    }

    @Override
    public void read(Request r, Node node, Void handle, long offset, int size, DataSink out) {
        if (offset < TEXT.length) out.put(TEXT, (int) offset, (int) Math.min(size, TEXT.length - offset));
    }

    @Override
    public void readdir(Request r, Node dir, Void handle, long offset, DirectoryFiller<Node> out) {
        if (offset < 1 && !out.add(".", 1, FileMode.S_IFDIR, 1)) return;
        if (offset < 2 && !out.add("..", 1, FileMode.S_IFDIR, 2)) return;
        if (offset < 3) out.add("hello", Entry.of(Node.HELLO, helloAttr), 3);
    }
    // @end

    /** How hello mounts: named {@code hello} in the mount table (what {@code df} and {@code mount} show). */
    public static MountOptions mountOptions() {
        return MountOptions.builder().fsname("hello").subtype("hello").build();
    }

    /**
     * Mounts hello at the directory {@code args[0]} and serves it until it is unmounted; Ctrl-C (or SIGTERM)
     * unmounts it too.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: HelloFs MOUNTPOINT");
            System.exit(2);
        }
        try (FuseMount<Node> mount = FuseMount.mount(Path.of(args[0]), new HelloFs(), mountOptions())) {
            System.err.println("hello mounted at " + mount.mountpoint() + "; Ctrl-C or umount to stop");
            mount.awaitUnmount();
        }
    }
}
