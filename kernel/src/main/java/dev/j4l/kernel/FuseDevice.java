package dev.j4l.kernel;

import dev.j4l.kernel.raw.Access;
import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.LibcAddr;
import dev.j4l.kernel.raw.Native;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code /dev/fuse}: opening and cloning the device, its ioctls, mounting a FUSE connection, and the
 * request/reply I/O of a FUSE server.
 *
 * <p>The I/O methods {@link #read} and {@link #write} are the server's hot path: they report failure as a
 * negative errno instead of throwing, because {@code ENOENT}, {@code EINTR} and {@code ENODEV} are ordinary
 * events on this device, and they never slice or allocate.
 */
public final class FuseDevice {
    private FuseDevice() {}

    /** {@code _IOR(229, 0, uint32_t)}: attach a fresh fd to an existing connection. */
    public static final long IOC_CLONE = 0x8004E500L;
    /** {@code _IOW(229, 1, struct fuse_backing_map)}. */
    public static final long IOC_BACKING_OPEN = 0x4010E501L;
    /** {@code _IOW(229, 2, uint32_t)}. */
    public static final long IOC_BACKING_CLOSE = 0x4004E502L;
    /** {@code _IO(229, 3)}: make mount(2) wait for the INIT reply (6.18+). */
    public static final long IOC_SYNC_INIT = 0xE503L;

    public static final String PATH = "/dev/fuse";

    /** Opens {@code /dev/fuse} read-write (close-on-exec). */
    public static OwnedFd open() throws KernelException {
        return Fs.open(PATH, Fs.O_RDWR);
    }

    /**
     * A new descriptor on the same connection as {@code session}: requests read from it must be answered on
     * it. The connection must already be mounted.
     */
    public static OwnedFd cloneOf(OwnedFd session) throws KernelException {
        OwnedFd clone = open();
        boolean ok = false;
        int s = session.acquire();
        try {
            MemorySegment arg = Native.scratch().allocate(4, 4);
            arg.set(ValueLayout.JAVA_INT, 0, s);
            int c = clone.acquire();
            try {
                int r = Libc.ioctl(c, IOC_CLONE, arg);
                if (r < 0) throw KernelException.of("ioctl(FUSE_DEV_IOC_CLONE)", PATH, r);
            } finally {
                clone.release();
            }
            ok = true;
            return clone;
        } finally {
            session.release();
            if (!ok) clone.close();
        }
    }

    /**
     * Asks the kernel to run INIT synchronously inside mount(2). Returns false when the kernel does not know
     * the ioctl (before 6.18), in which case mount(2) returns before INIT is read.
     */
    public static boolean enableSyncInit(OwnedFd dev) throws KernelException {
        int d = dev.acquire();
        try {
            int r = Libc.ioctl(d, IOC_SYNC_INIT, 0L);
            if (r >= 0) return true;
            if (r == -Errno.ENOTTY.number() || r == -Errno.EINVAL.number()) return false;
            throw KernelException.of("ioctl(FUSE_DEV_IOC_SYNC_INIT)", PATH, r);
        } finally {
            dev.release();
        }
    }

    /**
     * Reads one request into {@code buf} (from offset 0). Returns its length, or a negative errno:
     * {@code -ENODEV} once the filesystem is unmounted, {@code -ECONNABORTED} after an abort (when negotiated),
     * {@code -EINTR}/{@code -ENOENT}/{@code -EAGAIN} for a read to retry. Blocks: call it on a platform thread.
     */
    public static int read(OwnedFd dev, NativeBuffer buf) {
        int d = dev.acquire();
        try {
            return (int) Libc.read(d, buf.segment(), buf.segment().byteSize());
        } finally {
            dev.release();
        }
    }

    /** Writes {@code buf[0, length)} as one reply or notification; returns the length or a negative errno. */
    public static int write(OwnedFd dev, NativeBuffer buf, int length) {
        if (length < 0 || length > buf.segment().byteSize()) {
            throw new IndexOutOfBoundsException("length " + length + " of " + buf.segment().byteSize());
        }
        int d = dev.acquire();
        try {
            return (int) Libc.write(d, buf.segment(), length);
        } finally {
            dev.release();
        }
    }

    /**
     * pread(2) from {@code file} at {@code position} into {@code buf[offset, offset+length)}, for a driver
     * filling a read reply: allocates nothing (EINTR is retried). Returns the bytes read, 0 at end of file.
     */
    public static int pread(OwnedFd file, long position, NativeBuffer buf, long offset, int length)
            throws KernelException {
        int r = file.pread(buf, offset, length, position);
        if (r < 0) throw new KernelException("pread", file.description(), Errno.EAGAIN);
        return r;
    }

    /**
     * pwrite(2) of {@code buf[offset, offset+length)} to {@code file} at {@code position}, for a driver storing
     * a write request's data: allocates nothing (EINTR is retried). Returns the bytes written.
     */
    public static int pwrite(OwnedFd file, long position, NativeBuffer buf, long offset, int length)
            throws KernelException {
        int r = file.pwrite(buf, offset, length, position);
        if (r < 0) throw new KernelException("pwrite", file.description(), Errno.EAGAIN);
        return r;
    }

    /**
     * Registers {@code backing} as a passthrough backing file of the connection and returns its id
     * ({@code FUSE_DEV_IOC_BACKING_OPEN}). Needs CAP_SYS_ADMIN in the initial user namespace and negotiated
     * passthrough, else EPERM.
     */
    public static int openBacking(OwnedFd dev, OwnedFd backing) throws KernelException {
        int b = backing.acquire();
        try {
            MemorySegment map = Native.scratch().allocate(16, 8);
            map.set(ValueLayout.JAVA_INT, 0, b); // fd; flags (4) and padding (8) stay zero
            int d = dev.acquire();
            try {
                int r = Libc.ioctl(d, IOC_BACKING_OPEN, map);
                if (r < 0) throw KernelException.of("ioctl(FUSE_DEV_IOC_BACKING_OPEN)", backing.description(), r);
                return r;
            } finally {
                dev.release();
            }
        } finally {
            backing.release();
        }
    }

    /** Drops the server's reference to a backing id ({@code FUSE_DEV_IOC_BACKING_CLOSE}). */
    public static void closeBacking(OwnedFd dev, int backingId) throws KernelException {
        MemorySegment arg = Native.scratch().allocate(4, 4);
        arg.set(ValueLayout.JAVA_INT, 0, backingId);
        int d = dev.acquire();
        try {
            int r = Libc.ioctl(d, IOC_BACKING_CLOSE, arg);
            if (r < 0) throw KernelException.of("ioctl(FUSE_DEV_IOC_BACKING_CLOSE)", "backing id " + backingId, r);
        } finally {
            dev.release();
        }
    }

    /**
     * mount(2) of a FUSE filesystem served through {@code dev}: the data string is {@code fd=N,} followed by
     * {@code options} (which must hold rootmode, user_id and group_id). The descriptor number never leaves
     * this class.
     */
    public static void mount(OwnedFd dev, String source, String target, String fstype, long flags, String options)
            throws KernelException {
        int d = dev.acquire();
        try {
            String data = "fd=" + d + (options == null || options.isEmpty() ? "" : "," + options);
            Mounts.mount(source, target, fstype, flags, data);
        } finally {
            dev.release();
        }
    }

    /**
     * Takes ownership of an inherited descriptor that is already a mounted {@code /dev/fuse} connection (the
     * {@code /dev/fd/N} convention of a privileged launcher). Refuses numbers that are not {@code /dev/fuse}.
     */
    public static OwnedFd adoptInherited(int fd) throws KernelException {
        if (fd < 0) throw new KernelException("adopt", "/dev/fd/" + fd, Errno.EBADF);
        Path link = Path.of("/proc/self/fd/" + fd);
        String target;
        try {
            target = Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new KernelException("readlink", link.toString(), Errno.EBADF);
        }
        if (!PATH.equals(target)) throw new KernelException("adopt", "/dev/fd/" + fd + " -> " + target, Errno.EINVAL);
        return (OwnedFd) Access.fds().wrap(fd, PATH + " (inherited fd " + fd + ")");
    }
}
