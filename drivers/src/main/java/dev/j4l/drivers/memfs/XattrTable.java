package dev.j4l.drivers.memfs;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileNames;
import dev.j4l.kernel.Xattrs;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Extended attributes of one inode: a short list of name/value pairs (inodes rarely carry more than a few).
 * Not thread-safe: the owning node's lock guards it.
 */
final class XattrTable {
    static final long ENTRY_COST = 64;

    private final List<String> names = new ArrayList<>(2);
    private final List<byte[]> values = new ArrayList<>(2);

    /** Namespaces we store; the kernel already refused trusted.* to callers without CAP_SYS_ADMIN. */
    static void checkName(String name) throws ErrnoException {
        int len = FileNames.encodedLength(name); // in the kernel's bytes, as the limit is
        if (len == 0) throw new ErrnoException(Errno.ERANGE);
        if (len > Xattrs.XATTR_NAME_MAX) throw new ErrnoException(Errno.ERANGE);
        if (!(name.startsWith("user.") || name.startsWith("trusted.") || name.startsWith("security."))) {
            throw new ErrnoException(Errno.EOPNOTSUPP);
        }
        if (name.indexOf('.') == name.length() - 1) throw new ErrnoException(Errno.EINVAL);
    }

    static long cost(String name, int valueLength) {
        return ENTRY_COST + name.length() + valueLength;
    }

    byte[] get(String name) throws ErrnoException {
        int i = names.indexOf(name);
        if (i < 0) throw new ErrnoException(Errno.ENODATA);
        return values.get(i);
    }

    /** Returns the change in charged bytes (positive: more used); the caller charged it already. */
    long sizeDelta(String name, int valueLength, int flags) throws ErrnoException {
        int i = names.indexOf(name);
        if (i < 0) {
            if ((flags & Xattrs.XATTR_REPLACE) != 0) throw new ErrnoException(Errno.ENODATA);
            return cost(name, valueLength);
        }
        if ((flags & Xattrs.XATTR_CREATE) != 0) throw new ErrnoException(Errno.EEXIST);
        return (long) valueLength - values.get(i).length;
    }

    void set(String name, byte[] value) {
        int i = names.indexOf(name);
        if (i < 0) {
            names.add(name);
            values.add(value);
        } else {
            values.set(i, value);
        }
    }

    /** Removes the attribute and returns the bytes it was charged. */
    long remove(String name) throws ErrnoException {
        int i = names.indexOf(name);
        if (i < 0) throw new ErrnoException(Errno.ENODATA);
        names.remove(i);
        byte[] v = values.remove(i);
        return cost(name, v.length);
    }

    /** The NUL-separated name list as listxattr(2) returns it. */
    byte[] list() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String n : names) {
            byte[] b = FileNames.encode(n);
            out.write(b, 0, b.length);
            out.write(0);
        }
        return out.toByteArray();
    }

    long totalCost() {
        long c = 0;
        for (int i = 0; i < names.size(); i++) c += cost(names.get(i), values.get(i).length);
        return c;
    }

    boolean isEmpty() {
        return names.isEmpty();
    }

    static byte[] copy(byte[] v) {
        return Arrays.copyOf(v, v.length);
    }
}
