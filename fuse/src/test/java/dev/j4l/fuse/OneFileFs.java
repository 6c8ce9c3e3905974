package dev.j4l.fuse;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.nio.charset.StandardCharsets;

/**
 * The least a mount needs, for tests of the mount machinery: a read-only root directory holding one file,
 * {@value #NAME}, whose content is {@link #TEXT}. Its attributes are made once, so serving it allocates
 * nothing per request.
 */
final class OneFileFs implements FuseFilesystem<OneFileFs.Node, Void> {
    enum Node { ROOT, FILE }

    static final String NAME = "file";
    static final String TEXT = "one file\n";
    private static final byte[] BYTES = TEXT.getBytes(StandardCharsets.UTF_8);

    private final long now = System.currentTimeMillis() * 1_000_000L;
    private final Attr rootAttr = Attr.of(FileMode.S_IFDIR | 0755, 0, 0, now);
    private final Attr fileAttr = Attr.of(FileMode.S_IFREG | 0444, 0, 0, now).withSize(BYTES.length);

    @Override
    public Node root() {
        return Node.ROOT;
    }

    @Override
    public Entry<Node> lookup(Request r, Node parent, String name) throws ErrnoException {
        if (parent == Node.ROOT && name.equals(NAME)) return Entry.of(Node.FILE, fileAttr);
        throw new ErrnoException(Errno.ENOENT);
    }

    @Override
    public Attr getattr(Request r, Node node, Void handle) {
        return node == Node.ROOT ? rootAttr : fileAttr;
    }

    @Override
    public void read(Request r, Node node, Void handle, long offset, int size, DataSink out) {
        if (offset < BYTES.length) out.put(BYTES, (int) offset, (int) Math.min(size, BYTES.length - offset));
    }

    @Override
    public void readdir(Request r, Node dir, Void handle, long offset, DirectoryFiller<Node> out) {
        if (offset < 1 && !out.add(".", 1, FileMode.S_IFDIR, 1)) return;
        if (offset < 2 && !out.add("..", 1, FileMode.S_IFDIR, 2)) return;
        if (offset < 3) out.add(NAME, Entry.of(Node.FILE, fileAttr), 3);
    }
}
