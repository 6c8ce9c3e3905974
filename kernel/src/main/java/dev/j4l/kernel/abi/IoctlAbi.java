package dev.j4l.kernel.abi;

/**
 * {@code include/uapi/asm-generic/ioctl.h} of Linux 6.18 (x86_64 and arm64 use it as is): how an ioctl number
 * encodes its direction and argument size ({@code _IOC}). Pinned against the header by {@code IoctlAbiTest}.
 */
public final class IoctlAbi {
    private IoctlAbi() {}

    public static final int IOC_NRBITS = 8, IOC_TYPEBITS = 8, IOC_SIZEBITS = 14, IOC_DIRBITS = 2;
    public static final int IOC_NRSHIFT = 0, IOC_TYPESHIFT = 8, IOC_SIZESHIFT = 16, IOC_DIRSHIFT = 30;
    /** {@code _IOC_NONE}: no data travels (the argument, if any, is a value). */
    public static final int IOC_NONE = 0;
    /** {@code _IOC_WRITE}: the caller writes, the device reads ({@code _IOW}). */
    public static final int IOC_WRITE = 1;
    /** {@code _IOC_READ}: the device writes, the caller reads ({@code _IOR}). */
    public static final int IOC_READ = 2;

    /** {@code _IOC(dir, type, nr, size)}. */
    public static int ioc(int dir, int type, int nr, int size) {
        return dir << IOC_DIRSHIFT | size << IOC_SIZESHIFT | type << IOC_TYPESHIFT | nr << IOC_NRSHIFT;
    }

    /** {@code _IOC_DIR(cmd)}. */
    public static int dir(int cmd) {
        return cmd >>> IOC_DIRSHIFT & (1 << IOC_DIRBITS) - 1;
    }

    /** {@code _IOC_SIZE(cmd)}. */
    public static int size(int cmd) {
        return cmd >>> IOC_SIZESHIFT & (1 << IOC_SIZEBITS) - 1;
    }
}
