package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.j4l.kernel.raw.LibcFs;
import dev.j4l.kernel.raw.Native;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Extended attributes: the {@code f*xattr} calls on an open descriptor and the {@code l*xattr} calls on a
 * path (never following a final symlink).
 *
 * <p>O_PATH descriptors cannot be used with the f* calls (the kernel answers EBADF); for them every method
 * here falls back to the path {@code /proc/self/fd/N}, which names the same file while the descriptor is
 * held — the technique passthrough filesystems use. Sizes: a {@code get} or {@code list} into a buffer too
 * small fails with ERANGE; pass a zero-length buffer to learn the size.
 */
public final class Xattrs {
    private Xattrs() {}

    /** {@code set} flags: fail if the attribute exists / does not exist. */
    public static final int XATTR_CREATE = 1;
    public static final int XATTR_REPLACE = 2;
    /** The longest attribute name in bytes (the kernel answers ERANGE beyond it). */
    public static final int XATTR_NAME_MAX = 255;
    /** The largest attribute value in bytes (the kernel answers E2BIG beyond it). */
    public static final int XATTR_SIZE_MAX = 65536;

    private static final long EBADF = -Errno.EBADF.number();

    /** fgetxattr(2) into {@code value[offset, offset+length)}; returns the value's size (length 0: size only). */
    public static int get(OwnedFd fd, String name, NativeBuffer value, long offset, int length) throws KernelException {
        MemorySegment v = value.segment(offset, length);
        int n = fd.acquire();
        try {
            Native.Scratch s = Native.scratch();
            MemorySegment nm = Fs.cString(s, name);
            // SAFETY: nm is the NUL-terminated name; v is value's checked slice of length bytes and size = length, the
            // most the kernel writes. The /proc path comes from the same scratch() after nm, so nm stays intact.
            long r = LibcFs.fgetxattr(n, nm, v, length);
            if (r == EBADF) r = LibcFs.getxattr(proc(s, n), nm, v, length);
            if (r < 0) throw KernelException.of("fgetxattr(" + name + ")", fd.description(), r);
            return (int) r;
        } finally {
            fd.release();
        }
    }

    /** The value as a new array (two calls: size, then value; retried if it grew in between). */
    public static byte[] get(OwnedFd fd, String name) throws KernelException {
        while (true) {
            int size = get(fd, name, EMPTY, 0, 0);
            NativeBuffer b = NativeBuffer.allocate(Math.max(1, size));
            try {
                int got = get(fd, name, b, 0, size);
                byte[] out = new byte[got];
                b.get(0, out, 0, got);
                return out;
            } catch (KernelException e) {
                if (e.errno() != Errno.ERANGE) throw e;
            }
        }
    }

    /** fsetxattr(2) of {@code value[offset, offset+length)} with {@code XATTR_*} flags (0 = create or replace). */
    public static void set(OwnedFd fd, String name, NativeBuffer value, long offset, int length, int flags)
            throws KernelException {
        MemorySegment v = value.segment(offset, length);
        int n = fd.acquire();
        try {
            Native.Scratch s = Native.scratch();
            MemorySegment nm = Fs.cString(s, name);
            // SAFETY: nm is the NUL-terminated name; the kernel reads size = length bytes of v, value's checked slice
            // of that length. The /proc path comes from the same scratch() after nm, so nm stays intact.
            int r = LibcFs.fsetxattr(n, nm, v, length, flags);
            if (r == EBADF) r = LibcFs.setxattr(proc(s, n), nm, v, length, flags);
            if (r < 0) throw KernelException.of("fsetxattr(" + name + ")", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    public static void set(OwnedFd fd, String name, byte[] value, int flags) throws KernelException {
        set(fd, name, NativeBuffer.copyOf(value), 0, value.length, flags);
    }

    /** flistxattr(2): the NUL-separated names into {@code list[offset, offset+length)}; returns the size (length 0: size only). */
    public static int list(OwnedFd fd, NativeBuffer list, long offset, int length) throws KernelException {
        MemorySegment v = list.segment(offset, length);
        int n = fd.acquire();
        try {
            // SAFETY: v is list's checked slice of length bytes and size = length, the most the kernel writes; the
            // /proc path is scratch made in the argument list.
            long r = LibcFs.flistxattr(n, v, length);
            if (r == EBADF) r = LibcFs.listxattr(proc(Native.scratch(), n), v, length);
            if (r < 0) throw KernelException.of("flistxattr", fd.description(), r);
            return (int) r;
        } finally {
            fd.release();
        }
    }

    /** The attribute names. */
    public static List<String> list(OwnedFd fd) throws KernelException {
        while (true) {
            int size = list(fd, EMPTY, 0, 0);
            NativeBuffer b = NativeBuffer.allocate(Math.max(1, size));
            try {
                return names(b, list(fd, b, 0, size));
            } catch (KernelException e) {
                if (e.errno() != Errno.ERANGE) throw e;
            }
        }
    }

    /** fremovexattr(2). */
    public static void remove(OwnedFd fd, String name) throws KernelException {
        int n = fd.acquire();
        try {
            Native.Scratch s = Native.scratch();
            MemorySegment nm = Fs.cString(s, name);
            // SAFETY: nm and the /proc path are NUL-terminated strings from one scratch(), both intact here.
            int r = LibcFs.fremovexattr(n, nm);
            if (r == EBADF) r = LibcFs.removexattr(proc(s, n), nm);
            if (r < 0) throw KernelException.of("fremovexattr(" + name + ")", fd.description(), r);
        } finally {
            fd.release();
        }
    }

    // ---- by path (lgetxattr & co.: a final symlink is not followed) ----

    public static int get(String path, String name, NativeBuffer value, long offset, int length) throws KernelException {
        MemorySegment v = value.segment(offset, length);
        Native.Scratch s = Native.scratch();
        // SAFETY: path and name: disjoint NUL-terminated strings from one scratch(); v is value's checked slice of
        // length bytes and size = length, the most the kernel writes.
        long r = LibcFs.lgetxattr(Fs.cString(s, path), Fs.cString(s, name), v, length);
        if (r < 0) throw KernelException.of("lgetxattr(" + name + ")", path, r);
        return (int) r;
    }

    public static byte[] get(String path, String name) throws KernelException {
        while (true) {
            int size = get(path, name, EMPTY, 0, 0);
            NativeBuffer b = NativeBuffer.allocate(Math.max(1, size));
            try {
                int got = get(path, name, b, 0, size);
                byte[] out = new byte[got];
                b.get(0, out, 0, got);
                return out;
            } catch (KernelException e) {
                if (e.errno() != Errno.ERANGE) throw e;
            }
        }
    }

    public static void set(String path, String name, byte[] value, int flags) throws KernelException {
        NativeBuffer v = NativeBuffer.copyOf(value);
        Native.Scratch s = Native.scratch();
        // SAFETY: path and name: disjoint NUL-terminated scratch strings; v holds max(1, value.length) bytes and the
        // kernel reads size = value.length of them.
        int r = LibcFs.lsetxattr(Fs.cString(s, path), Fs.cString(s, name), v.segment(), value.length, flags);
        if (r < 0) throw KernelException.of("lsetxattr(" + name + ")", path, r);
    }

    public static List<String> list(String path) throws KernelException {
        while (true) {
            // SAFETY: size 0 with a NULL list: the kernel only returns the size; the path is scratch made in the
            // argument list.
            long size = LibcFs.llistxattr(Fs.cPath(path), MemorySegment.NULL, 0);
            if (size < 0) throw KernelException.of("llistxattr", path, size);
            NativeBuffer b = NativeBuffer.allocate(Math.max(1, size));
            // SAFETY: b holds max(1, size) bytes and the kernel writes at most size (ERANGE if the list grew).
            long r = LibcFs.llistxattr(Fs.cPath(path), b.segment(), size);
            if (r == -Errno.ERANGE.number()) continue;
            if (r < 0) throw KernelException.of("llistxattr", path, r);
            return names(b, (int) r);
        }
    }

    public static void remove(String path, String name) throws KernelException {
        Native.Scratch s = Native.scratch();
        // SAFETY: path and name: disjoint NUL-terminated strings from one scratch(), made in the argument list.
        int r = LibcFs.lremovexattr(Fs.cString(s, path), Fs.cString(s, name));
        if (r < 0) throw KernelException.of("lremovexattr(" + name + ")", path, r);
    }

    private static final NativeBuffer EMPTY = NativeBuffer.allocate(1).slice(0, 0);

    private static MemorySegment proc(Native.Scratch s, int fd) {
        return s.cString("/proc/self/fd/" + fd);
    }

    private static List<String> names(NativeBuffer b, int size) {
        List<String> out = new ArrayList<>();
        MemorySegment seg = b.segment();
        int start = 0;
        for (int i = 0; i < size; i++) {
            if (seg.get(JAVA_BYTE, i) == 0) {
                if (i > start) out.add(FileNames.decode(b, start, i - start));
                start = i + 1;
            }
        }
        return out;
    }
}
