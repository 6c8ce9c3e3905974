package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.LibcFs;
import dev.j4l.kernel.raw.Native;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * Persistent file handles: {@code name_to_handle_at(2)} names a file by an opaque handle its filesystem can
 * resolve again later ({@code open_by_handle_at(2)}), even after its name changed or every cached inode of it
 * was dropped, as an NFS server does. A handle is bytes, checked by the filesystem that resolves it: a stale
 * or forged one is answered ESTALE (or EINVAL), never resolved to another file.
 */
public final class FileHandles {
    private FileHandles() {}

    /** {@code MAX_HANDLE_SZ}: the most handle bytes any filesystem uses. */
    public static final int MAX_HANDLE_BYTES = 128;
    /** struct file_handle: handle_bytes (u32), handle_type (int), then the bytes. */
    private static final int HEADER = 8;

    /** A file handle: the filesystem's type tag and its bytes (copied in and out). */
    public record FileHandle(int type, byte[] bytes) {
        public FileHandle {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length > MAX_HANDLE_BYTES) {
                throw new IllegalArgumentException("a file handle has at most " + MAX_HANDLE_BYTES + " bytes");
            }
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FileHandle h && h.type == type && Arrays.equals(h.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "FileHandle[type " + type + ", " + bytes.length + " bytes]";
        }
    }

    /** The handle of {@code path} (not following a final symlink). EOPNOTSUPP when its filesystem has none. */
    public static FileHandle of(String path) throws KernelException {
        Native.Scratch s = Native.scratch();
        MemorySegment p = Fs.cString(s, path);
        MemorySegment h = s.allocate(HEADER + MAX_HANDLE_BYTES);
        MemorySegment mountId = s.allocate(4);
        h.set(JAVA_INT, 0, MAX_HANDLE_BYTES);
        // SAFETY: p is the NUL-terminated path; h is a struct file_handle whose handle_bytes (set just above) says
        // the kernel may write MAX_HANDLE_BYTES bytes after the 8-byte header, which is h's size; mountId is the
        // int the kernel writes. All scratch, kept alive by the downcall and read before the next scratch().
        int r = LibcFs.nameToHandleAt(Libc.AT_FDCWD, p, h, mountId, 0);
        if (r < 0) throw KernelException.of("name_to_handle_at", path, r);
        int n = h.get(JAVA_INT, 0);
        if (n < 0 || n > MAX_HANDLE_BYTES) throw new KernelException("name_to_handle_at", path, Errno.EOVERFLOW);
        byte[] bytes = new byte[n];
        MemorySegment.copy(h, JAVA_BYTE, HEADER, bytes, 0, n);
        return new FileHandle(h.get(JAVA_INT, 4), bytes);
    }

    /**
     * Opens the file {@code handle} names in the filesystem {@code mount} (any open file or directory of it)
     * belongs to; {@code flags} as for open ({@code Fs.O_*}). Needs CAP_DAC_READ_SEARCH.
     */
    public static OwnedFd open(OwnedFd mount, FileHandle handle, int flags) throws KernelException {
        byte[] bytes = handle.bytes;
        int m = mount.acquire();
        try {
            Native.Scratch s = Native.scratch();
            MemorySegment h = s.allocate(HEADER + bytes.length);
            h.set(JAVA_INT, 0, bytes.length);
            h.set(JAVA_INT, 4, handle.type());
            MemorySegment.copy(bytes, 0, h, JAVA_BYTE, HEADER, bytes.length);
            // SAFETY: h is a struct file_handle of 8 + handle_bytes bytes, exactly what the kernel reads; scratch,
            // kept alive by the downcall. m is held by acquire() for the call.
            int fd = LibcFs.openByHandleAt(m, h, flags | Fs.O_CLOEXEC);
            if (fd < 0) throw KernelException.of("open_by_handle_at", handle.toString(), fd);
            return OwnedFd.adopt(fd, "file opened by handle");
        } finally {
            mount.release();
        }
    }
}
