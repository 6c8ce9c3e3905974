package dev.j4l.fuse;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A flat in-memory filesystem for framework tests: files in the root directory only, with hooks a test can
 * set to make an operation block, throw or answer later. Nodes are {@link Node} objects (identity equality).
 */
class ScratchFs implements FuseFilesystem<ScratchFs.Node, ScratchFs.Node> {
    static final class Node {
        final String name;
        volatile byte[] data = new byte[0];
        volatile Attr attr;

        Node(String name, int mode) {
            this.name = name;
            long now = System.currentTimeMillis() * 1_000_000L;
            this.attr = Attr.of(mode, 0, 0, now);
        }

        void set(byte[] d) {
            data = d;
            attr = attr.withSize(d.length);
        }

        @Override
        public String toString() {
            return "Node[" + name + "]";
        }
    }

    /** Lets a test intervene in lookup (return null to continue normally). */
    interface LookupHook {
        Entry<Node> lookup(Request r, String name) throws ErrnoException;
    }

    final Node root = new Node("", FileMode.S_IFDIR | 0755);
    final ConcurrentSkipListMap<String, Node> files = new ConcurrentSkipListMap<>();
    final Map<Node, AtomicInteger> forgets = new ConcurrentHashMap<>();
    final AtomicInteger forgotten = new AtomicInteger();
    final AtomicInteger released = new AtomicInteger();
    volatile LookupHook lookupHook;
    volatile FuseConnection<Node> connection;

    Node put(String name, String text) {
        Node n = files.computeIfAbsent(name, k -> new Node(k, FileMode.S_IFREG | 0644));
        n.set(text.getBytes(StandardCharsets.UTF_8));
        return n;
    }

    @Override
    public Node root() {
        return root;
    }

    @Override
    public void init(FuseConnection<Node> c) {
        connection = c;
    }

    @Override
    public Entry<Node> lookup(Request r, Node parent, String name) throws ErrnoException {
        LookupHook h = lookupHook;
        if (h != null) {
            Entry<Node> e = h.lookup(r, name);
            if (e != null) return e;
        }
        if (parent != root) throw new ErrnoException(Errno.ENOTDIR);
        Node n = files.get(name);
        if (n == null) throw new ErrnoException(Errno.ENOENT);
        return Entry.of(n, n.attr);
    }

    @Override
    public void forget(Node node) {
        forgotten.incrementAndGet();
    }

    @Override
    public Attr getattr(Request r, Node node, Node handle) {
        return node.attr;
    }

    @Override
    public Attr setattr(Request r, Node node, Node handle, SetAttr changes) {
        if (changes.hasSize()) {
            byte[] d = java.util.Arrays.copyOf(node.data, (int) changes.size());
            node.data = d;
        }
        node.attr = changes.applyTo(node.attr, System.currentTimeMillis() * 1_000_000L);
        return node.attr;
    }

    @Override
    public Opened<Node> open(Request r, Node node, int flags) {
        return Opened.of(node);
    }

    @Override
    public void release(Request r, Node node, Node handle, int flags) {
        released.incrementAndGet();
    }

    @Override
    public void read(Request r, Node node, Node handle, long offset, int size, DataSink out) {
        byte[] d = node.data;
        if (offset < d.length) out.put(d, (int) offset, (int) Math.min(size, d.length - offset));
    }

    @Override
    public int write(Request r, Node node, Node handle, long offset, DataSource data, int flags) {
        synchronized (node) {
            byte[] d = node.data;
            int end = (int) offset + data.size();
            if (end > d.length) d = java.util.Arrays.copyOf(d, end);
            data.get(0, d, (int) offset, data.size());
            node.set(d);
        }
        return data.size();
    }

    @Override
    public Created<Node, Node> create(Request r, Node parent, String name, int mode, int flags) throws ErrnoException {
        if (parent != root) throw new ErrnoException(Errno.ENOTDIR);
        Node n = new Node(name, mode);
        if (files.putIfAbsent(name, n) != null) throw new ErrnoException(Errno.EEXIST);
        return Created.of(Entry.of(n, n.attr), Opened.of(n));
    }

    @Override
    public void unlink(Request r, Node parent, String name) throws ErrnoException {
        if (files.remove(name) == null) throw new ErrnoException(Errno.ENOENT);
    }

    @Override
    public void readdir(Request r, Node dir, Node handle, long offset, DirectoryFiller<Node> out) {
        List<Node> all = new ArrayList<>(files.values());
        for (int i = (int) offset; i < all.size(); i++) {
            Node n = all.get(i);
            if (!out.add(n.name, Entry.of(n, n.attr), i + 1)) return;
        }
    }
}
