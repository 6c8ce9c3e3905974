package dev.j4l.fuse;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.nio.charset.StandardCharsets;

// @start region=hello
/** A read-only filesystem with one file, {@code /hello}, holding "Hello, world!\n". */
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
        return node == Node.ROOT ? rootAttr : helloAttr; // cached: no allocation per request
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
}
// @end
