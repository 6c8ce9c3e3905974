package dev.j4l.chardev;

import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.Opened;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.ErrnoException;

/**
 * A {@link CharDevice} as the FUSE engine sees a driver: one node (CUSE requests name none) and a handle per
 * open file, which carries the driver's state (so that a null state is still a handle).
 */
final class CharDeviceFilesystem<S> implements FuseFilesystem<Object, CharDeviceFilesystem.Open<S>> {
    /** The one node of a CUSE channel. */
    private static final Object DEVICE = new Object();

    record Open<S>(S state) {}

    private final CharDevice<S> driver;

    CharDeviceFilesystem(CharDevice<S> driver) {
        this.driver = driver;
    }

    @Override
    public Object root() {
        return DEVICE;
    }

    @Override
    public Opened<Open<S>> open(Request r, Object node, int flags) throws ErrnoException {
        return Opened.of(new Open<>(driver.open(r, flags)));
    }

    @Override
    public void read(Request r, Object node, Open<S> handle, long offset, int size, DataSink out)
            throws ErrnoException {
        driver.read(r, handle.state(), offset, size, out);
    }

    @Override
    public int write(Request r, Object node, Open<S> handle, long offset, DataSource data, int writeFlags)
            throws ErrnoException {
        return driver.write(r, handle.state(), data);
    }

    @Override
    public void release(Request r, Object node, Open<S> handle, int flags) {
        driver.release(handle.state());
    }
}
