package dev.j4l.fuse;

/**
 * A passthrough backing file registered with the kernel ({@code FUSE_DEV_IOC_BACKING_OPEN}). Closing it
 * drops the server's reference; handed to {@link Opened#passthrough}, the framework closes it when the open
 * file is released. Closing twice is harmless.
 */
public interface BackingId extends AutoCloseable {
    int id();

    @Override
    void close();
}
