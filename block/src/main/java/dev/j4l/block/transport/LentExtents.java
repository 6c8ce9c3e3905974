package dev.j4l.block.transport;

import dev.j4l.block.Allocation;
import dev.j4l.block.ExtentSink;

/**
 * The {@link ExtentSink} lent to one {@link dev.j4l.block.BlockDriver#extents} call: it fills the request's
 * {@link ExtentList}, only on the calling thread and only until the call returns ({@link IllegalStateException}
 * after; {@link WrongThreadException} elsewhere), so a kept sink cannot touch another request's list.
 */
final class LentExtents implements ExtentSink {
    private final ExtentList list;
    private final Thread owner = Thread.currentThread();
    private volatile boolean valid = true;

    LentExtents(ExtentList list) {
        this.list = list;
    }

    void close() {
        valid = false;
    }

    @Override
    public boolean extent(long length, Allocation allocation) {
        if (!valid) throw new IllegalStateException("ExtentSink used after its call returned");
        if (Thread.currentThread() != owner) throw new WrongThreadException("ExtentSink used off its call's thread");
        return list.add(length, allocation);
    }
}
