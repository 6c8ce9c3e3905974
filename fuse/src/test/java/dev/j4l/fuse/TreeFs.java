package dev.j4l.fuse;

import java.util.Set;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small but complete in-memory tree for opcode coverage: every operation is implemented simply, under one
 * lock, and the operations that reached it are recorded in {@link #calls}.
 */
class TreeFs implements FuseFilesystem<TreeFs.Node, TreeFs.Node> {
    static final class Node {
        Attr attr;
        byte[] data = new byte[0];
        String target;
        final TreeMap<String, Node> children;
        final Map<String, byte[]> xattrs = new TreeMap<>();

        Node(Attr attr) {
            this.attr = attr;
            this.children = attr.isDirectory() ? new TreeMap<>() : null;
        }
    }

    final Node root;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, Integer> flocks = new ConcurrentHashMap<>();
    private long nextIno = 2;

    TreeFs() {
        root = new Node(Attr.of(FileMode.S_IFDIR | 0777, 0, 0, now()).toBuilder().ino(1).build());
    }

    static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private synchronized Node newNode(int mode, Request r) {
        return new Node(Attr.of(mode, r.uid(), r.gid(), now()).toBuilder().ino(nextIno++).build());
    }

    private Node child(Node dir, String name) throws ErrnoException {
        if (dir.children == null) throw new ErrnoException(Errno.ENOTDIR);
        Node n = dir.children.get(name);
        if (n == null) throw new ErrnoException(Errno.ENOENT);
        return n;
    }

    private Entry<Node> add(Node dir, String name, Node n) throws ErrnoException {
        if (dir.children.containsKey(name)) throw new ErrnoException(Errno.EEXIST);
        dir.children.put(name, n);
        if (n.attr.isDirectory()) dir.attr = dir.attr.withNlink(dir.attr.nlink() + 1);
        return Entry.of(n, n.attr);
    }

    @Override
    public Set<FuseCapability> capabilities() {
        return Set.of(FuseCapability.POSIX_LOCKS, FuseCapability.FLOCK_LOCKS);
    }

    @Override
    public Node root() {
        return root;
    }

    @Override
    public synchronized Entry<Node> lookup(Request r, Node parent, String name) throws ErrnoException {
        Node n = child(parent, name);
        return Entry.of(n, n.attr);
    }

    @Override
    public synchronized Attr getattr(Request r, Node node, Node handle) {
        return node.attr;
    }

    @Override
    public synchronized Attr setattr(Request r, Node node, Node handle, SetAttr s) {
        calls.add("setattr");
        if (s.hasSize()) node.data = Arrays.copyOf(node.data, (int) s.size());
        node.attr = s.applyTo(node.attr, now());
        return node.attr;
    }

    @Override
    public synchronized String readlink(Request r, Node node) throws ErrnoException {
        if (node.target == null) throw new ErrnoException(Errno.EINVAL);
        return node.target;
    }

    @Override
    public synchronized Entry<Node> symlink(Request r, Node parent, String name, String target) throws ErrnoException {
        Node n = newNode(FileMode.S_IFLNK | 0777, r);
        n.target = target;
        n.attr = n.attr.withSize(target.getBytes(StandardCharsets.UTF_8).length);
        return add(parent, name, n);
    }

    @Override
    public synchronized Entry<Node> mknod(Request r, Node parent, String name, int mode, int rdev) throws ErrnoException {
        calls.add("mknod");
        Node n = newNode(mode, r);
        n.attr = n.attr.toBuilder().rdev(rdev).build();
        return add(parent, name, n);
    }

    @Override
    public synchronized Entry<Node> mkdir(Request r, Node parent, String name, int mode) throws ErrnoException {
        return add(parent, name, newNode(FileMode.S_IFDIR | mode, r));
    }

    @Override
    public synchronized void unlink(Request r, Node parent, String name) throws ErrnoException {
        Node n = child(parent, name);
        if (n.attr.isDirectory()) throw new ErrnoException(Errno.EISDIR);
        parent.children.remove(name);
        n.attr = n.attr.withNlink(n.attr.nlink() - 1);
    }

    @Override
    public synchronized void rmdir(Request r, Node parent, String name) throws ErrnoException {
        Node n = child(parent, name);
        if (!n.attr.isDirectory()) throw new ErrnoException(Errno.ENOTDIR);
        if (!n.children.isEmpty()) throw new ErrnoException(Errno.ENOTEMPTY);
        parent.children.remove(name);
        parent.attr = parent.attr.withNlink(parent.attr.nlink() - 1);
    }

    @Override
    public synchronized void rename(Request r, Node parent, String name, Node newParent, String newName, int flags)
            throws ErrnoException {
        calls.add("rename:" + flags);
        Node n = child(parent, name);
        Node existing = newParent.children.get(newName);
        if ((flags & Fs.RENAME_NOREPLACE) != 0 && existing != null) throw new ErrnoException(Errno.EEXIST);
        if ((flags & Fs.RENAME_EXCHANGE) != 0) {
            if (existing == null) throw new ErrnoException(Errno.ENOENT);
            parent.children.put(name, existing);
            newParent.children.put(newName, n);
            return;
        }
        parent.children.remove(name);
        newParent.children.put(newName, n);
    }

    @Override
    public synchronized Entry<Node> link(Request r, Node node, Node newParent, String newName) throws ErrnoException {
        node.attr = node.attr.withNlink(node.attr.nlink() + 1);
        newParent.children.put(newName, node);
        return Entry.of(node, node.attr);
    }

    @Override
    public Opened<Node> open(Request r, Node node, int flags) {
        calls.add("open");
        return Opened.of(node);
    }

    @Override
    public synchronized void read(Request r, Node node, Node handle, long offset, int size, DataSink out) {
        if (offset < node.data.length) out.put(node.data, (int) offset, (int) Math.min(size, node.data.length - offset));
    }

    @Override
    public synchronized int write(Request r, Node node, Node handle, long offset, DataSource data, int flags) {
        int end = (int) offset + data.size();
        if (end > node.data.length) node.data = Arrays.copyOf(node.data, end);
        data.get(0, node.data, (int) offset, data.size());
        node.attr = node.attr.toBuilder().size(node.data.length).blocks((node.data.length + 511) / 512)
                .mtime(now()).ctime(now()).build();
        return data.size();
    }

    @Override
    public StatFs statfs(Request r, Node node) {
        return new StatFs(1000, 500, 400, 100, 50, 4096, 255, 4096);
    }

    @Override
    public void flush(Request r, Node node, Node handle, long lockOwner) {
        calls.add("flush");
    }

    @Override
    public void fsync(Request r, Node node, Node handle, boolean datasync) {
        calls.add("fsync:" + datasync);
    }

    @Override
    public synchronized void setxattr(Request r, Node node, String name, byte[] value, int flags) throws ErrnoException {
        boolean exists = node.xattrs.containsKey(name);
        if ((flags & 1) != 0 && exists) throw new ErrnoException(Errno.EEXIST);
        if ((flags & 2) != 0 && !exists) throw new ErrnoException(Errno.ENODATA);
        node.xattrs.put(name, value);
    }

    @Override
    public synchronized byte[] getxattr(Request r, Node node, String name) throws ErrnoException {
        byte[] v = node.xattrs.get(name);
        if (v == null) throw new ErrnoException(Errno.ENODATA);
        return v;
    }

    @Override
    public synchronized List<String> listxattr(Request r, Node node) {
        return new ArrayList<>(node.xattrs.keySet());
    }

    @Override
    public synchronized void removexattr(Request r, Node node, String name) throws ErrnoException {
        if (node.xattrs.remove(name) == null) throw new ErrnoException(Errno.ENODATA);
    }

    @Override
    public synchronized void readdir(Request r, Node dir, Node handle, long offset, DirectoryFiller<Node> out) {
        List<Map.Entry<String, Node>> all = new ArrayList<>(dir.children.entrySet());
        for (int i = (int) offset; i < all.size(); i++) {
            Node n = all.get(i).getValue();
            if (!out.add(all.get(i).getKey(), Entry.of(n, n.attr), i + 1)) return;
        }
    }

    @Override
    public FileLock getlk(Request r, Node node, Node handle, long owner, FileLock lock) {
        calls.add("getlk");
        return FileLock.unlocked(lock);
    }

    @Override
    public void setlk(Request r, Node node, Node handle, long owner, FileLock lock, boolean sleep) {
        calls.add("setlk:" + lock.type() + ":" + sleep);
    }

    @Override
    public void flock(Request r, Node node, Node handle, long owner, int type, boolean sleep) throws ErrnoException {
        calls.add("flock:" + type);
        if (type == FileLock.F_UNLCK) flocks.remove(Long.toString(owner));
        else flocks.put(Long.toString(owner), type);
    }

    @Override
    public void access(Request r, Node node, int mask) {
        calls.add("access:" + mask);
    }

    @Override
    public synchronized Created<Node, Node> create(Request r, Node parent, String name, int mode, int flags)
            throws ErrnoException {
        calls.add("create");
        Node n = newNode(mode, r);
        return Created.of(add(parent, name, n), Opened.of(n));
    }

    @Override
    public synchronized Created<Node, Node> tmpfile(Request r, Node parent, int mode, int flags) {
        calls.add("tmpfile");
        Node n = newNode(mode, r);
        n.attr = n.attr.withNlink(0);
        return Created.of(Entry.of(n, n.attr), Opened.of(n));
    }

    @Override
    public synchronized void fallocate(Request r, Node node, Node handle, int mode, long offset, long length) {
        calls.add("fallocate:" + mode);
        if ((mode & 1) == 0 && offset + length > node.data.length) {
            node.data = Arrays.copyOf(node.data, (int) (offset + length));
            node.attr = node.attr.withSize(node.data.length);
        }
    }

    @Override
    public synchronized long lseek(Request r, Node node, Node handle, long offset, int whence) throws ErrnoException {
        calls.add("lseek:" + whence);
        if (offset >= node.data.length) throw new ErrnoException(Errno.ENXIO);
        return whence == 3 ? offset : node.data.length; // all data, one hole at the end
    }

    @Override
    public synchronized long copyFileRange(Request r, Node in, Node inHandle, long inOffset, Node out, Node outHandle,
            long outOffset, long length, long flags) {
        calls.add("copy_file_range");
        int n = (int) Math.max(0, Math.min(length, in.data.length - inOffset));
        if (outOffset + n > out.data.length) out.data = Arrays.copyOf(out.data, (int) (outOffset + n));
        System.arraycopy(in.data, (int) inOffset, out.data, (int) outOffset, n);
        out.attr = out.attr.withSize(out.data.length);
        return n;
    }

    @Override
    public synchronized Statx statx(Request r, Node node, Node handle, int flags, int mask) {
        calls.add("statx");
        return new Statx(node.attr, Fs.STATX_BASIC_STATS | Fs.STATX_BTIME, 1_234_000_000_567L, 0, 0);
    }

    @Override
    public int poll(Request r, Node node, Node handle, int events, PollHandle wakeup) {
        calls.add("poll");
        return events & 0x5; // POLLIN | POLLOUT... as asked
    }

    @Override
    public IoctlResult ioctl(Request r, Node node, Node handle, int cmd, long arg, int flags, DataSource in, int outSize) {
        StringBuilder given = new StringBuilder();
        for (byte b : in.toByteArray()) given.append(String.format("%02x", b));
        calls.add("ioctl:" + Integer.toHexString(cmd) + ":" + given);
        byte[] out = new byte[outSize];
        for (int i = 0; i < outSize; i++) out[i] = (byte) (i < in.size() ? in.get(i) + 1 : 0x7f);
        return new IoctlResult(42, out);
    }
}
