package dev.j4l.kernel;

import dev.j4l.kernel.abi.UinputAbi;
import dev.j4l.kernel.raw.Ioctl;
import java.util.ArrayList;
import java.util.List;

/**
 * An evdev node, {@code /dev/input/eventN} (character device 13:N), opened for reading its events: the device's
 * name ({@code EVIOCGNAME}), its ids ({@code EVIOCGID}) and the events it reports from the open on.
 *
 * <p>The ioctls are {@link UinputAbi}'s, made only on the descriptor this object opened (non-blocking) and checked
 * to be an input character device, whatever path was named, into buffers this object owns.
 */
public final class EventDevice implements AutoCloseable {
    /** The most bytes of name read back. */
    public static final int NAME_SIZE = 256;
    /** The most events one {@link #read} returns. */
    public static final int MAX_EVENTS = 64;

    static final Ioctl GET_ID = Ioctl.buffer("EVIOCGID", UinputAbi.EVIOCGID, UinputAbi.INPUT_ID_SIZE);
    static final Ioctl GET_NAME = Ioctl.buffer("EVIOCGNAME",
            UinputAbi.EVIOCGNAME_BASE | (long) NAME_SIZE << UinputAbi.IOC_SIZESHIFT, NAME_SIZE);

    /** INPUT_MAJOR (include/uapi/linux/major.h). */
    private static final int INPUT_MAJOR = 13;

    /** The ids of {@code struct input_id}. */
    public record Id(int bustype, int vendor, int product, int version) {}

    private final OwnedFd fd;
    /** Ioctl answers and read events: used under this object's lock. */
    private final NativeBuffer buf = NativeBuffer.allocate(Math.max(NAME_SIZE, UinputAbi.EVENT_SIZE * MAX_EVENTS));
    private final Poller poller = new Poller(1);

    private EventDevice(OwnedFd fd) {
        this.fd = fd;
        poller.add(fd, Poller.POLLIN);
    }

    /**
     * Opens {@code path} for reading; it must be an input device (character device 13:N).
     *
     * @throws KernelException with {@code EINVAL} when it is another file
     */
    public static EventDevice open(String path) throws KernelException {
        return new EventDevice(DeviceNode.open(path, Fs.O_RDONLY | Fs.O_NONBLOCK, FileStat.S_IFCHR, INPUT_MAJOR,
                "open evdev", "an input device (char 13:N)"));
    }

    /** The device's name ({@code EVIOCGNAME}), at most {@link #NAME_SIZE} - 1 bytes of it. */
    public synchronized String name() throws KernelException {
        buf.fill(0, NAME_SIZE, (byte) 0);
        // The kernel writes at most NAME_SIZE bytes (the length encoded in the request) into this object's buffer.
        fd.ioctl(GET_NAME, buf.slice(0, NAME_SIZE));
        long end = buf.indexOf((byte) 0, 0, NAME_SIZE);
        return buf.getString(0, (int) (end < 0 ? NAME_SIZE : end));
    }

    /** The device's ids ({@code EVIOCGID}). */
    public synchronized Id id() throws KernelException {
        NativeBuffer arg = buf.slice(0, UinputAbi.INPUT_ID_SIZE);
        fd.ioctl(GET_ID, arg);
        return new Id(Short.toUnsignedInt(arg.getShort(UinputAbi.INPUT_ID_BUSTYPE)),
                Short.toUnsignedInt(arg.getShort(UinputAbi.INPUT_ID_VENDOR)),
                Short.toUnsignedInt(arg.getShort(UinputAbi.INPUT_ID_PRODUCT)),
                Short.toUnsignedInt(arg.getShort(UinputAbi.INPUT_ID_VERSION)));
    }

    /**
     * The events queued, at most {@link #MAX_EVENTS}, waiting up to {@code timeoutMillis} for the first (0: just
     * check); empty when none came.
     *
     * @throws KernelException e.g. {@code ENODEV} once the device is gone
     */
    public synchronized List<InputEvent> read(int timeoutMillis) throws KernelException {
        List<InputEvent> out = new ArrayList<>();
        int n = fd.read(buf, 0, UinputAbi.EVENT_SIZE * MAX_EVENTS);
        if (n < 0 && timeoutMillis != 0 && poller.poll(timeoutMillis) > 0) {
            n = fd.read(buf, 0, UinputAbi.EVENT_SIZE * MAX_EVENTS);
        }
        for (int at = 0; at + UinputAbi.EVENT_SIZE <= n; at += UinputAbi.EVENT_SIZE) {
            out.add(new InputEvent(Short.toUnsignedInt(buf.getShort(at + UinputAbi.EVENT_TYPE)),
                    Short.toUnsignedInt(buf.getShort(at + UinputAbi.EVENT_CODE)),
                    buf.getInt(at + UinputAbi.EVENT_VALUE)));
        }
        return out;
    }

    /** The path this device was opened by. */
    public String path() {
        return fd.description();
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "EventDevice[" + fd.description() + "]";
    }
}
