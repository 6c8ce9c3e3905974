package dev.j4l.kernel;

import dev.j4l.kernel.abi.FuseAbi;
import dev.j4l.kernel.raw.InheritedDescriptors;
import dev.j4l.kernel.raw.Ioctl;
import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.Native;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

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

    /** Attach a fresh descriptor to an existing connection: reads the session's descriptor number (a u32). */
    static final Ioctl IOC_CLONE = Ioctl.buffer("FUSE_DEV_IOC_CLONE", FuseAbi.DEV_IOC_CLONE, Integer.BYTES);
    /** Register a backing file: reads a {@code struct fuse_backing_map} (fd, flags, 8 bytes padding). */
    static final Ioctl IOC_BACKING_OPEN = Ioctl.buffer("FUSE_DEV_IOC_BACKING_OPEN", FuseAbi.DEV_IOC_BACKING_OPEN,
            FuseAbi.BACKING_MAP);
    /** Drop a backing id: reads the id (a u32). */
    static final Ioctl IOC_BACKING_CLOSE = Ioctl.buffer("FUSE_DEV_IOC_BACKING_CLOSE", FuseAbi.DEV_IOC_BACKING_CLOSE,
            Integer.BYTES);
    /** Make mount(2) wait for the INIT reply (6.18+). */
    static final Ioctl IOC_SYNC_INIT = Ioctl.none("FUSE_DEV_IOC_SYNC_INIT", FuseAbi.DEV_IOC_SYNC_INIT);

    public static final String PATH = "/dev/fuse";

    /** Opens {@code /dev/fuse} read-write (close-on-exec). */
    public static OwnedFd open() throws KernelException {
        return requireDevice(Fs.open(PATH, Fs.O_RDWR));
    }

    /** The misc device /dev/fuse: major 10, minor 229 (FUSE_MINOR in include/linux/miscdevice.h). */
    private static final int FUSE_MAJOR = 10, FUSE_MINOR = 229;

    public static final String CUSE_PATH = "/dev/cuse";
    /** The misc device /dev/cuse: major 10, minor 203 (CUSE_MINOR in include/linux/miscdevice.h). */
    private static final int CUSE_MINOR = 203;

    /**
     * Opens {@code /dev/cuse} read-write (close-on-exec): a new CUSE channel, on which the kernel has already
     * queued {@code CUSE_INIT}. It speaks the FUSE protocol through {@link #read} and {@link #write}; the
     * character device it announces lives until the descriptor is closed. None of the {@code /dev/fuse}
     * ioctls apply to it (they are refused, as for any descriptor that is not {@code /dev/fuse}).
     *
     * @throws KernelException {@code EINVAL} if the path is not the CUSE misc device
     */
    public static OwnedFd openCuse() throws KernelException {
        OwnedFd fd = Fs.open(CUSE_PATH, Fs.O_RDWR);
        try {
            FileStat st = Fs.stat(fd);
            if (st.type() != FileStat.S_IFCHR || st.rdevMajor() != FUSE_MAJOR || st.rdevMinor() != CUSE_MINOR) {
                throw new KernelException("open", CUSE_PATH + " is not the CUSE device", Errno.EINVAL);
            }
            return fd;
        } catch (KernelException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * Checks that {@code fd} is a {@code /dev/fuse} descriptor (once: then it is marked), so that a FUSE ioctl or
     * io_uring command never reaches another driver's handler, which could read it as a different request.
     *
     * @return {@code fd}
     * @throws KernelException with {@code EINVAL} if it is not
     */
    public static OwnedFd requireDevice(OwnedFd fd) throws KernelException {
        if (fd.fuseDevice) return fd;
        FileStat st = Fs.stat(fd);
        if (st.type() != FileStat.S_IFCHR || st.rdevMajor() != FUSE_MAJOR || st.rdevMinor() != FUSE_MINOR) {
            throw new KernelException("FUSE ioctl", fd.description() + " is not /dev/fuse", Errno.EINVAL);
        }
        fd.fuseDevice = true;
        return fd;
    }

    /**
     * A new descriptor on the same connection as {@code session}: requests read from it must be answered on
     * it. The connection must already be mounted.
     */
    public static OwnedFd cloneOf(OwnedFd session) throws KernelException {
        requireDevice(session);
        OwnedFd clone = open();
        boolean ok = false;
        int s = session.acquire();
        try {
            MemorySegment arg = Native.scratch().allocate(ValueLayout.JAVA_INT);
            arg.set(ValueLayout.JAVA_INT, 0, s);
            // The session's number goes to the kernel inside this module only; both descriptors are held.
            clone.ioctl(IOC_CLONE, arg);
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
        requireDevice(dev);
        try {
            dev.ioctl(IOC_SYNC_INIT, 0L);
            return true;
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOTTY || e.errno() == Errno.EINVAL) return false;
            throw e;
        }
    }

    /**
     * Reads one request into {@code buf} (from offset 0). Returns its length, or a negative errno:
     * {@code -ENODEV} once the filesystem is unmounted, {@code -ECONNABORTED} after an abort (when negotiated),
     * {@code -EINTR}/{@code -ENOENT}/{@code -EAGAIN} for a read to retry. Blocks: call it on a platform thread.
     */
    public static int read(OwnedFd dev, NativeBuffer buf) {
        MemorySegment s = buf.segment();
        int d = dev.acquire();
        try {
            // SAFETY: the kernel writes at most s.byteSize() bytes into s, which the downcall keeps alive.
            return (int) Libc.read(d, s, s.byteSize());
        } finally {
            dev.release();
        }
    }

    /** Writes {@code buf[0, length)} as one reply or notification; returns the length or a negative errno. */
    public static int write(OwnedFd dev, NativeBuffer buf, int length) {
        if (length < 0 || length > buf.segment().byteSize()) {
            throw new IndexOutOfBoundsException("length " + length + " of " + buf.segment().byteSize());
        }
        MemorySegment s = buf.segment();
        int d = dev.acquire();
        try {
            // SAFETY: length is within s (checked above); the kernel reads [0, length) of s, kept alive by the downcall.
            return (int) Libc.write(d, s, length);
        } finally {
            dev.release();
        }
    }

    /**
     * Registers {@code backing} as a passthrough backing file of the connection and returns its id
     * ({@code FUSE_DEV_IOC_BACKING_OPEN}). Needs CAP_SYS_ADMIN in the initial user namespace and negotiated
     * passthrough, else EPERM.
     */
    public static int openBacking(OwnedFd dev, OwnedFd backing) throws KernelException {
        requireDevice(dev);
        int b = backing.acquire();
        try {
            // Per open of a passthrough file: scratch memory, not a GC-managed allocation.
            MemorySegment map = Native.scratch().allocate(FuseAbi.BACKING_MAP, 8);
            map.set(ValueLayout.JAVA_INT, FuseAbi.BACKING_MAP_FD, b); // flags and padding stay zero
            try {
                return dev.ioctl(IOC_BACKING_OPEN, map);
            } catch (KernelException e) {
                throw new KernelException("ioctl(FUSE_DEV_IOC_BACKING_OPEN)", backing.description(), e.errno());
            }
        } finally {
            backing.release();
        }
    }

    /** Drops the server's reference to a backing id ({@code FUSE_DEV_IOC_BACKING_CLOSE}). */
    public static void closeBacking(OwnedFd dev, int backingId) throws KernelException {
        requireDevice(dev);
        MemorySegment arg = Native.scratch().allocate(ValueLayout.JAVA_INT);
        arg.set(ValueLayout.JAVA_INT, 0, backingId);
        dev.ioctl(IOC_BACKING_CLOSE, arg);
    }

    /**
     * mount(2) of a FUSE filesystem served through {@code dev}: the data string is {@code fd=N,} followed by
     * {@code options} (which must hold rootmode, user_id and group_id). The descriptor number never leaves
     * this class.
     */
    public static void mount(OwnedFd dev, String source, String target, String fstype, long flags, String options)
            throws KernelException {
        Mounts.refuseDescriptorOptions(target, options);
        int d = dev.acquire();
        try {
            String data = "fd=" + d + (options == null || options.isEmpty() ? "" : "," + options);
            Mounts.mountNamingHeldDescriptors(source, target, fstype, flags, data);
        } finally {
            dev.release();
        }
    }

    /**
     * Takes ownership of an inherited descriptor that is already a mounted {@code /dev/fuse} connection (the
     * {@code /dev/fd/N} convention of a privileged launcher). Only a number that was open as {@code /dev/fuse}
     * when this module first ran, before it opened anything itself, is accepted, and only once: a descriptor
     * some {@link OwnedFd} already owns can never get a second owner this way.
     *
     * <p>One thing this cannot tell: a {@code /dev/fuse} the program opened through {@code java.io} before
     * its first use of j4l looks inherited. Launchers that pass descriptors should use j4l first.
     *
     * @throws KernelException with {@code EBADF} for any other number
     */
    public static OwnedFd adoptInherited(int fd) throws KernelException {
        if (!InheritedDescriptors.take(fd, PATH)) {
            throw new KernelException("adopt", "an inherited /dev/fuse descriptor (none such, or taken already)",
                    Errno.EBADF);
        }
        OwnedFd dev = OwnedFd.adopt(fd, PATH + " (inherited)");
        try {
            return requireDevice(dev);
        } catch (KernelException e) {
            dev.close(); // taken, so ours: a look-alike that is not the device
            throw e;
        }
    }
}
