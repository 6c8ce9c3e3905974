package dev.j4l.chardev;

import dev.j4l.kernel.NativeBuffer;

/**
 * The argument of one ioctl, lent to {@link CharDevice#ioctl} for its call: a bounded view of the declared bytes
 * (the caller's bytes for {@link IoctlCommand.Direction#IN IN}; zeroes for {@link IoctlCommand.Direction#OUT OUT},
 * which go back to the caller; the caller's bytes, changed in place, for
 * {@link IoctlCommand.Direction#IN_OUT IN_OUT}), or for {@link IoctlCommand.Direction#NONE NONE} a plain value.
 * Usable only on the call's thread until the call returns; after that every method throws
 * {@link IllegalStateException}. Offsets are bytes from the start; numbers are in the machine's byte order, as the
 * caller's C structs are.
 */
public final class IoctlArgument {
    private final IoctlCommand command;
    private final long value;
    /** The declared bytes (null for NONE), lent from the reply or the request for this call only. */
    private final NativeBuffer bytes;
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    IoctlArgument(IoctlCommand command, long value, NativeBuffer bytes) {
        this.command = command;
        this.value = value;
        this.bytes = bytes;
    }

    void close() {
        closed = true;
    }

    private void check() {
        if (closed) throw new IllegalStateException("IoctlArgument of " + command.name() + " used after its call returned");
        if (Thread.currentThread() != owner) throw new WrongThreadException("IoctlArgument used off its call's thread");
    }

    private NativeBuffer readable() {
        check();
        if (!command.direction().in() && !command.direction().out()) {
            throw new IllegalStateException(command.name() + " carries no data; its argument is value()");
        }
        return bytes;
    }

    private NativeBuffer writable() {
        check();
        if (!command.direction().out()) {
            throw new IllegalStateException(command.name() + " answers no data to its caller");
        }
        return bytes;
    }

    /** The command this argument belongs to. */
    public IoctlCommand command() {
        check();
        return command;
    }

    /** The argument of a {@link IoctlCommand.Direction#NONE NONE} command: a number the caller passed. */
    public long value() {
        check();
        if (command.direction() != IoctlCommand.Direction.NONE) {
            throw new IllegalStateException(command.name() + " carries data, not a value");
        }
        return value;
    }

    /** The argument's size in bytes (0 for a value). */
    public int size() {
        check();
        return command.size();
    }

    public byte getByte(int offset) {
        return readable().getByte(offset);
    }

    public short getShort(int offset) {
        return readable().getShort(offset);
    }

    public int getInt(int offset) {
        return readable().getInt(offset);
    }

    public long getLong(int offset) {
        return readable().getLong(offset);
    }

    /** Copies {@code length} bytes at {@code offset} into {@code dst[dstOffset..]}. */
    public void get(int offset, byte[] dst, int dstOffset, int length) {
        readable().get(offset, dst, dstOffset, length);
    }

    public void putByte(int offset, byte v) {
        writable().putByte(offset, v);
    }

    public void putShort(int offset, short v) {
        writable().putShort(offset, v);
    }

    public void putInt(int offset, int v) {
        writable().putInt(offset, v);
    }

    public void putLong(int offset, long v) {
        writable().putLong(offset, v);
    }

    /** Copies {@code src[srcOffset, srcOffset+length)} to {@code offset}. */
    public void put(int offset, byte[] src, int srcOffset, int length) {
        writable().put(offset, src, srcOffset, length);
    }

    @Override
    public String toString() {
        return "IoctlArgument[" + command + "]";
    }
}
