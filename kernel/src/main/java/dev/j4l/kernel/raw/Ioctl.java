package dev.j4l.kernel.raw;

import java.lang.foreign.MemorySegment;

/**
 * One ioctl request the kernel module makes, with what its argument is and how many bytes the kernel touches
 * through it. There is no other way to issue an ioctl: each request j4l uses is a constant beside its header's
 * other definitions, and every call checks its argument against the constant. A driver never chooses a
 * request number or an argument address; it calls a typed operation ({@code Fs.inodeFlags},
 * {@code TunDevice.features()}...) built on one of these.
 *
 * <p>The size is the kernel's, read from the driver that serves the request, not the {@code _IOC} encoding:
 * the two disagree for old requests ({@code TUNSETIFF} is encoded {@code _IOW('T', 202, int)} but copies a
 * whole {@code struct ifreq}).
 *
 * @param name the request's name in its header, for messages
 * @param request the request number
 * @param argument what the third argument of ioctl(2) is
 * @param size for {@link Argument#BUFFER}: the bytes the kernel reads or writes at the argument; for
 *     {@link Argument#SIZED_BUFFER}: the size of the header; else 0
 * @param lengthAt for {@link Argument#SIZED_BUFFER}: the offset in the header of the {@code int} counting the
 *     bytes that follow it; else 0
 * @param maxLength for {@link Argument#SIZED_BUFFER}: the most bytes j4l lets follow the header; else 0
 */
public record Ioctl(String name, long request, Argument argument, long size, long lengthAt, long maxLength) {
    /** What the kernel does with the third argument. */
    public enum Argument {
        /** Nothing: {@code _IO} requests. The argument is passed as 0. */
        NONE,
        /** An integer taken by value, never dereferenced (TUN's {@code TUNSETPERSIST}, {@code TUNSETOFFLOAD}...). */
        VALUE,
        /** The address of a buffer of {@link #size} bytes holding no pointers, which the kernel reads and/or writes. */
        BUFFER,
        /**
         * The address of a header of {@link #size} bytes followed by as many bytes as the header's {@code int} at
         * {@link #lengthAt} says, holding no pointers, which the kernel reads ({@code RNDADDENTROPY}'s
         * {@code struct rand_pool_info}). The count must be from 0 to {@link #maxLength}, and the argument must
         * hold the header and that many bytes.
         */
        SIZED_BUFFER
    }

    public Ioctl {
        boolean buffer = argument == Argument.BUFFER || argument == Argument.SIZED_BUFFER;
        if (buffer != (size > 0)) {
            throw new IllegalArgumentException(name + ": a BUFFER argument has a positive size, others none");
        }
        boolean sized = argument == Argument.SIZED_BUFFER;
        if (sized ? lengthAt < 0 || lengthAt + 4 > size || maxLength <= 0 : lengthAt != 0 || maxLength != 0) {
            throw new IllegalArgumentException(name + ": only a SIZED_BUFFER has a length field, inside its header");
        }
    }

    public Ioctl(String name, long request, Argument argument, long size) {
        this(name, request, argument, size, 0, 0);
    }

    public static Ioctl none(String name, long request) {
        return new Ioctl(name, request, Argument.NONE, 0);
    }

    public static Ioctl value(String name, long request) {
        return new Ioctl(name, request, Argument.VALUE, 0);
    }

    public static Ioctl buffer(String name, long request, long size) {
        return new Ioctl(name, request, Argument.BUFFER, size);
    }

    /** A {@link Argument#SIZED_BUFFER} request: a {@code header}-byte header whose int at {@code lengthAt} counts the bytes after it. */
    public static Ioctl sizedBuffer(String name, long request, long header, long lengthAt, long maxLength) {
        return new Ioctl(name, request, Argument.SIZED_BUFFER, header, lengthAt, maxLength);
    }

    /**
     * The bytes the kernel touches at {@code arg} for this request: {@link #size}, plus for a
     * {@link Argument#SIZED_BUFFER} the count its header gives.
     *
     * @throws IllegalArgumentException if {@code arg} is smaller than that, or the count is negative or above
     *     {@link #maxLength}
     */
    public long touched(MemorySegment arg) {
        if (arg.byteSize() < size) {
            throw new IllegalArgumentException(name + " needs a " + size + "-byte argument, got " + arg.byteSize());
        }
        if (argument != Argument.SIZED_BUFFER) return size;
        int length = arg.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, lengthAt);
        if (length < 0 || length > maxLength) {
            throw new IllegalArgumentException(name + ": " + length + " bytes after the header, outside 0.." + maxLength);
        }
        if (arg.byteSize() < size + length) {
            throw new IllegalArgumentException(name + " needs a " + (size + length) + "-byte argument (header and "
                    + length + " bytes), got " + arg.byteSize());
        }
        return size + length;
    }
    /**
     * ioctl(2) on descriptor number {@code fd} with {@code arg} as the buffer; returns the raw result.
     *
     * @throws IllegalArgumentException if {@code arg} is smaller than what the kernel touches
     */
    public int call(int fd, MemorySegment arg) {
        if (argument != Argument.BUFFER && argument != Argument.SIZED_BUFFER) {
            throw new IllegalStateException(name + " takes no buffer");
        }
        touched(arg);
        // SAFETY: the kernel touches `size` bytes at arg's address (the request's contract, recorded in this
        // constant), plus for a SIZED_BUFFER the count in the header just checked, all of which lie within arg;
        // the downcall keeps arg's memory alive until ioctl returns. A SIZED_BUFFER's header is this module's
        // own memory (a thread's scratch or a buffer it locks), so no other thread changes the count meanwhile.
        return Libc.ioctl(fd, request, arg);
    }

    /** ioctl(2) on descriptor number {@code fd} with an integer argument (0 for {@link Argument#NONE}). */
    public int call(int fd, long value) {
        if (argument == Argument.BUFFER || argument == Argument.SIZED_BUFFER) {
            throw new IllegalStateException(name + " takes a buffer, not a value");
        }
        if (argument == Argument.NONE && value != 0) throw new IllegalArgumentException(name + " takes no argument");
        // SAFETY: the kernel does not dereference the argument of a NONE or VALUE request.
        return Libc.ioctl(fd, request, value);
    }
}
