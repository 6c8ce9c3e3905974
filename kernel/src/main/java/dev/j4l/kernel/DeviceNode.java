package dev.j4l.kernel;

/**
 * Opening a device node for a typed operation, checked to be the device that operation is for (its type and
 * major, and minor when it names one), so that an ioctl or a read meant for one driver never reaches another,
 * which could take it as a different request. The one place every device class of this module opens through.
 */
final class DeviceNode {
    private DeviceNode() {}

    /**
     * The major number the kernel gave the character-device driver {@code driver} ({@code /proc/devices}), for
     * drivers whose major is allocated at boot ({@code gpiochip}).
     *
     * @throws KernelException with {@code ENODEV} when no such driver is registered
     */
    static int characterMajor(String driver) throws KernelException {
        String devices;
        try {
            devices = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/devices"));
        } catch (java.io.IOException e) {
            throw new KernelException("read /proc/devices", e.getMessage(), Errno.EIO);
        }
        boolean character = false;
        for (String line : devices.split("\n")) {
            if (line.startsWith("Character devices:")) character = true;
            else if (line.startsWith("Block devices:")) character = false;
            else if (character) {
                String[] f = line.strip().split("\\s+");
                if (f.length == 2 && f[1].equals(driver)) return Integer.parseInt(f[0]);
            }
        }
        throw new KernelException("find " + driver + " devices", "no character device driver " + driver
                + " in /proc/devices", Errno.ENODEV);
    }

    /**
     * Opens {@code path} with {@code flags} and returns it when it is a device of {@code type}
     * ({@link FileStat#S_IFCHR} or {@link FileStat#S_IFBLK}) with {@code major} and one of {@code minors} (any
     * minor when none are given); else closes it.
     *
     * @param operation names the call in the error, e.g. {@code "open hwrng"}
     * @param expected what the path should have been, e.g. {@code "the hw_random device (char 10:183)"}
     * @throws KernelException with {@code EINVAL} when it is another file
     */
    static OwnedFd open(String path, int flags, int type, int major, String operation, String expected, int... minors)
            throws KernelException {
        OwnedFd fd = Fs.open(path, flags);
        try {
            FileStat st = Fs.stat(fd);
            boolean minorOk = minors.length == 0;
            for (int m : minors) minorOk |= st.rdevMinor() == m;
            if (st.type() != type || st.rdevMajor() != major || !minorOk) {
                throw new KernelException(operation, path + " is not " + expected, Errno.EINVAL);
            }
            return fd;
        } catch (KernelException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }
}
