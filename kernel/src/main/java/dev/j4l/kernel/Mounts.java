package dev.j4l.kernel;

import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.Native;
import java.lang.foreign.MemorySegment;

/** mount(2) and umount2(2). */
public final class Mounts {
    private Mounts() {}

    public static final long MS_RDONLY = 0x1;
    public static final long MS_NOSUID = 0x2;
    public static final long MS_NODEV = 0x4;
    public static final long MS_NOEXEC = 0x8;
    public static final long MS_NOATIME = 0x400;
    public static final long MS_BIND = 0x1000;
    public static final long MS_REC = 0x4000;
    public static final long MS_PRIVATE = 1L << 18;
    public static final long MS_SLAVE = 1L << 19;

    public static final int MNT_FORCE = 0x1;
    public static final int MNT_DETACH = 0x2;
    public static final int MNT_EXPIRE = 0x4;
    public static final int UMOUNT_NOFOLLOW = 0x8;

    /**
     * mount(2). {@code source}, {@code fstype} and {@code data} may be null. Options that hand the filesystem a
     * descriptor by number ({@code fd=}, 9p's {@code rfdno=}/{@code wfdno=}) are refused with {@code EINVAL}:
     * a number names whatever the process has open there, owned or not. FUSE mounts go through
     * {@link FuseDevice#mount}, which names a descriptor it holds.
     */
    public static void mount(String source, String target, String fstype, long flags, String data)
            throws KernelException {
        refuseDescriptorOptions(target, data);
        mountNamingHeldDescriptors(source, target, fstype, flags, data);
    }

    /** Throws EINVAL if the comma-separated {@code data} names a descriptor by number. */
    static void refuseDescriptorOptions(String target, String data) throws KernelException {
        if (data == null) return;
        for (String option : data.split(",")) {
            String key = option.split("=", 2)[0].trim();
            if (key.equals("fd") || key.equals("rfdno") || key.equals("wfdno")) {
                throw new KernelException("mount", target + " (option " + key + "= names a descriptor by number)",
                        Errno.EINVAL);
            }
        }
    }

    /** mount(2) whose data may name descriptors: only for callers in this module that hold them for the call. */
    static void mountNamingHeldDescriptors(String source, String target, String fstype, long flags, String data)
            throws KernelException {
        Fs.checkPath(target);
        // Text only: a NUL would end the string the kernel parses, and a filesystem that takes binary mount data
        // could find a descriptor number after it.
        for (String text : new String[] {source, fstype, data}) {
            if (text != null && text.indexOf('\0') >= 0) {
                throw new KernelException("mount", target + " (NUL in source, type or options)", Errno.EINVAL);
            }
        }
        Native.Scratch s = Native.scratch();
        MemorySegment src = source == null ? MemorySegment.NULL : s.cString(source);
        MemorySegment tgt = s.cString(target);
        MemorySegment type = fstype == null ? MemorySegment.NULL : s.cString(fstype);
        MemorySegment d = data == null ? MemorySegment.NULL : s.cString(data);
        // SAFETY: each string is NULL or NUL-terminated scratch from one scratch() just above. The kernel reads source,
        // target and type up to their NUL; from d it copies up to a page (copy_mount_options), possibly past the
        // NUL: it only reads there, a fault ends the copy, and text options are parsed only up to the NUL.
        int r = Libc.mount(src, tgt, type, flags, d);
        if (r < 0) throw KernelException.of("mount", target, r);
    }

    /** umount2(2) with {@code MNT_*} / {@code UMOUNT_NOFOLLOW} flags. */
    public static void unmount(String target, int flags) throws KernelException {
        Fs.checkPath(target);
        // SAFETY: target is NUL-terminated scratch made in the argument list; the kernel reads up to the NUL.
        int r = Libc.umount2(Native.scratch().cString(target), flags);
        if (r < 0) throw KernelException.of("umount2", target, r);
    }
}
