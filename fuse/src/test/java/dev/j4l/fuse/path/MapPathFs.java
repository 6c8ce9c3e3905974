package dev.j4l.fuse.path;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.SetAttr.TimeChange;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A test driver that keeps everything by path and reads by path (it keeps no handles), so it works only if
 * the path layer hands it the right path after renames and for files unlinked while open.
 */
final class MapPathFs implements PathFilesystem<Void> {
    private static final class Item {
        Attr attr;
        byte[] data = new byte[0];
        String target;
        final Map<String, byte[]> xattrs = new TreeMap<>();

        Item(Attr attr) {
            this.attr = attr;
        }
    }

    private final Map<String, Item> items = new TreeMap<>();
    final List<String> unlinked = new ArrayList<>();

    MapPathFs() {
        items.put("/", new Item(Attr.of(FileMode.S_IFDIR | 0755, 0, 0, now())));
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    synchronized boolean has(String path) {
        return items.containsKey(path);
    }

    synchronized List<String> paths() {
        return new ArrayList<>(items.keySet());
    }

    private Item item(String path) throws ErrnoException {
        Item i = items.get(path);
        if (i == null) throw new ErrnoException(Errno.ENOENT);
        return i;
    }

    private void requireNew(String path) throws ErrnoException {
        if (items.containsKey(path)) throw new ErrnoException(Errno.EEXIST);
        Item parent = item(PathLayer.parentOf(path));
        if (!parent.attr.isDirectory()) throw new ErrnoException(Errno.ENOTDIR);
    }

    @Override
    public synchronized Attr getattr(Request r, String path, Void handle) throws ErrnoException {
        Item i = item(path);
        Attr a = i.attr.isRegularFile() ? i.attr.withSize(i.data.length) : i.attr;
        int links = (int) items.values().stream().filter(other -> other == i).count();
        return links > 1 ? a.withNlink(links) : a;
    }

    /** Hard links: both paths name one item (its data, attributes and xattrs). */
    @Override
    public synchronized void link(Request r, String from, String to) throws ErrnoException {
        Item i = item(from);
        if (i.attr.isDirectory()) throw new ErrnoException(Errno.EPERM);
        requireNew(to);
        items.put(to, i);
    }

    @Override
    public synchronized void mknod(Request r, String path, int mode, int rdev) throws ErrnoException {
        requireNew(path);
        items.put(path, new Item(Attr.of(mode, r.uid(), r.gid(), now()).toBuilder().rdev(rdev).build()));
    }

    @Override
    public synchronized void setxattr(Request r, String path, String name, byte[] value, int flags)
            throws ErrnoException {
        Item i = item(path);
        if (!name.startsWith("user.")) throw new ErrnoException(Errno.EOPNOTSUPP);
        boolean exists = i.xattrs.containsKey(name);
        if ((flags & dev.j4l.kernel.Xattrs.XATTR_CREATE) != 0 && exists) throw new ErrnoException(Errno.EEXIST);
        if ((flags & dev.j4l.kernel.Xattrs.XATTR_REPLACE) != 0 && !exists) throw new ErrnoException(Errno.ENODATA);
        i.xattrs.put(name, value.clone());
    }

    @Override
    public synchronized byte[] getxattr(Request r, String path, String name) throws ErrnoException {
        byte[] v = item(path).xattrs.get(name);
        if (v == null) throw new ErrnoException(Errno.ENODATA);
        return v;
    }

    @Override
    public synchronized List<String> listxattr(Request r, String path) throws ErrnoException {
        return List.copyOf(item(path).xattrs.keySet());
    }

    @Override
    public synchronized void removexattr(Request r, String path, String name) throws ErrnoException {
        if (item(path).xattrs.remove(name) == null) throw new ErrnoException(Errno.ENODATA);
    }

    @Override
    public synchronized void readdir(Request r, String path, PathFiller out) throws ErrnoException {
        if (!item(path).attr.isDirectory()) throw new ErrnoException(Errno.ENOTDIR);
        String prefix = path.equals("/") ? "/" : path + "/";
        for (var e : items.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(prefix) && k.length() > prefix.length() && k.indexOf('/', prefix.length()) < 0) {
                out.add(k.substring(prefix.length()), e.getValue().attr.mode());
            }
        }
    }

    @Override
    public synchronized Void open(Request r, String path, int flags) throws ErrnoException {
        Item i = item(path);
        if ((flags & Fs.O_TRUNC) != 0) i.data = new byte[0];
        return null;
    }

    @Override
    public synchronized void read(Request r, String path, Void handle, long offset, int size, DataSink out)
            throws ErrnoException {
        byte[] d = item(path).data;
        if (offset < d.length) out.put(d, (int) offset, (int) Math.min(size, d.length - offset));
    }

    @Override
    public synchronized int write(Request r, String path, Void handle, long offset, DataSource data)
            throws ErrnoException {
        Item i = item(path);
        int end = Math.toIntExact(offset + data.size());
        if (end > i.data.length) i.data = Arrays.copyOf(i.data, end);
        data.get(0, i.data, (int) offset, data.size());
        return data.size();
    }

    private static final int BLOCK = 4096, FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2, SEEK_DATA = 3;

    /** Mode 0 grows the file; PUNCH_HOLE|KEEP_SIZE zeroes a range; anything else is not supported. */
    @Override
    public synchronized void fallocate(Request r, String path, Void handle, int mode, long offset, long length)
            throws ErrnoException {
        Item i = item(path);
        int end = Math.toIntExact(offset + length);
        if (mode == 0) {
            if (end > i.data.length) i.data = Arrays.copyOf(i.data, end);
        } else if (mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)) {
            Arrays.fill(i.data, (int) Math.min(offset, i.data.length), Math.min(end, i.data.length), (byte) 0);
        } else {
            throw new ErrnoException(Errno.EOPNOTSUPP);
        }
    }

    /** A 4 KiB block of zeros is a hole, any other block data; past the last byte is a hole. */
    @Override
    public synchronized long lseek(Request r, String path, Void handle, long offset, int whence) throws ErrnoException {
        byte[] d = item(path).data;
        if (offset < 0 || offset >= d.length) throw new ErrnoException(Errno.ENXIO);
        boolean wantData = whence == SEEK_DATA;
        for (long block = offset / BLOCK * BLOCK; block < d.length; block += BLOCK) {
            boolean data = false;
            for (int k = (int) block; k < Math.min(d.length, block + BLOCK) && !data; k++) data = d[k] != 0;
            if (data == wantData) return Math.max(block, offset);
        }
        if (wantData) throw new ErrnoException(Errno.ENXIO);
        return d.length;
    }

    @Override
    public synchronized Void create(Request r, String path, int mode, int flags) throws ErrnoException {
        requireNew(path);
        items.put(path, new Item(Attr.of(mode, r.uid(), r.gid(), now())));
        return null;
    }

    @Override
    public synchronized void mkdir(Request r, String path, int mode) throws ErrnoException {
        requireNew(path);
        items.put(path, new Item(Attr.of(FileMode.S_IFDIR | mode, r.uid(), r.gid(), now())));
    }

    @Override
    public synchronized void symlink(Request r, String target, String path) throws ErrnoException {
        requireNew(path);
        Item i = new Item(Attr.of(FileMode.S_IFLNK | 0777, r.uid(), r.gid(), now()).withSize(target.length()));
        i.target = target;
        items.put(path, i);
    }

    @Override
    public synchronized String readlink(Request r, String path) throws ErrnoException {
        Item i = item(path);
        if (i.target == null) throw new ErrnoException(Errno.EINVAL);
        return i.target;
    }

    @Override
    public synchronized void unlink(Request r, String path) throws ErrnoException {
        if (item(path).attr.isDirectory()) throw new ErrnoException(Errno.EISDIR);
        items.remove(path);
        unlinked.add(path);
    }

    @Override
    public synchronized void rmdir(Request r, String path) throws ErrnoException {
        if (!item(path).attr.isDirectory()) throw new ErrnoException(Errno.ENOTDIR);
        String prefix = path + "/";
        if (items.keySet().stream().anyMatch(k -> k.startsWith(prefix))) throw new ErrnoException(Errno.ENOTEMPTY);
        items.remove(path);
    }

    @Override
    public synchronized void rename(Request r, String from, String to, int flags) throws ErrnoException {
        Item moving = item(from);
        if (flags != 0 && flags != Fs.RENAME_NOREPLACE) throw new ErrnoException(Errno.EINVAL);
        Item replaced = items.get(to);
        if (replaced != null) {
            if (flags == Fs.RENAME_NOREPLACE) throw new ErrnoException(Errno.EEXIST);
            if (replaced.attr.isDirectory()) rmdir(r, to);
            else items.remove(to);
        }
        Map<String, Item> moved = new TreeMap<>();
        String prefix = from + "/";
        for (var it = items.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().startsWith(prefix)) {
                moved.put(to + e.getKey().substring(from.length()), e.getValue());
                it.remove();
            }
        }
        items.remove(from);
        items.put(to, moving);
        items.putAll(moved);
    }

    @Override
    public synchronized void truncate(Request r, String path, long size, Void handle) throws ErrnoException {
        Item i = item(path);
        i.data = Arrays.copyOf(i.data, Math.toIntExact(size));
    }

    @Override
    public synchronized void chmod(Request r, String path, int mode) throws ErrnoException {
        Item i = item(path);
        i.attr = i.attr.toBuilder().mode((i.attr.mode() & FileMode.S_IFMT) | mode).build();
    }

    @Override
    public synchronized void chown(Request r, String path, int uid, int gid) throws ErrnoException {
        Item i = item(path);
        Attr.Builder b = i.attr.toBuilder();
        if (uid != -1) b.uid(uid);
        if (gid != -1) b.gid(gid);
        i.attr = b.build();
    }

    @Override
    public synchronized void utimens(Request r, String path, TimeChange atime, TimeChange mtime)
            throws ErrnoException {
        Item i = item(path);
        long now = now();
        i.attr = i.attr.toBuilder().atime(atime.resolve(i.attr.atime(), now)).mtime(mtime.resolve(i.attr.mtime(), now))
                .build();
    }
}
