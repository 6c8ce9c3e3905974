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
 * @param size for {@link Argument#BUFFER}: the bytes the kernel reads or writes at the argument; else 0
 */
public record Ioctl(String name, long request, Argument argument, long size) {
    /** What the kernel does with the third argument. */
    public enum Argument {
        /** Nothing: {@code _IO} requests. The argument is passed as 0. */
        NONE,
        /** An integer taken by value, never dereferenced (TUN's {@code TUNSETPERSIST}, {@code TUNSETOFFLOAD}...). */
        VALUE,
        /** The address of a buffer of {@link #size} bytes holding no pointers, which the kernel reads and/or writes. */
        BUFFER
    }

    public Ioctl {
        if ((argument == Argument.BUFFER) != (size > 0)) {
            throw new IllegalArgumentException(name + ": a BUFFER argument has a positive size, others none");
        }
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

    /**
     * ioctl(2) on descriptor number {@code fd} with {@code arg} as the buffer; returns the raw result.
     *
     * @throws IllegalArgumentException if {@code arg} is smaller than what the kernel touches
     */
    public int call(int fd, MemorySegment arg) {
        if (argument != Argument.BUFFER) throw new IllegalStateException(name + " takes no buffer");
        if (arg.byteSize() < size) {
            throw new IllegalArgumentException(name + " needs a " + size + "-byte argument, got " + arg.byteSize());
        }
        // SAFETY: the kernel touches `size` bytes at arg's address (the request's contract, recorded in this
        // constant), which lie within arg; the downcall keeps arg's memory alive until ioctl returns.
        return Libc.ioctl(fd, request, arg);
    }

    /** ioctl(2) on descriptor number {@code fd} with an integer argument (0 for {@link Argument#NONE}). */
    public int call(int fd, long value) {
        if (argument == Argument.BUFFER) throw new IllegalStateException(name + " takes a buffer, not a value");
        if (argument == Argument.NONE && value != 0) throw new IllegalArgumentException(name + " takes no argument");
        // SAFETY: the kernel does not dereference the argument of a NONE or VALUE request.
        return Libc.ioctl(fd, request, value);
    }
}
