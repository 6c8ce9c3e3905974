package dev.j4l.kernel.raw;

import java.lang.foreign.MemorySegment;

/**
 * An ioctl request whose argument holds addresses of further buffers ({@code I2C_SMBUS} names a data union,
 * {@code I2C_RDWR} an array of messages each naming its bytes), which {@link Ioctl} does not take: its buffers
 * hold no pointers. The kernel follows those addresses, so each must name memory that is in bounds and alive for
 * the whole call. The rule here: the argument is one segment that holds the header and every buffer it links
 * to, and before each call {@link #links} checks every address and length in it against that segment; the
 * segment is this module's own memory, built for the call on the calling thread, so nothing changes it between
 * the check and the kernel's reads.
 *
 * @param name the request's name in its header, for messages
 * @param request the request number
 * @param headerSize the bytes of the header at the start of the argument
 * @param links checks that every address in the argument names a range inside it, throwing
 *     {@link IllegalArgumentException} when one does not; it returns the bytes the kernel may touch
 */
public record LinkedIoctl(String name, long request, long headerSize, Links links) {
    /** The check of one request kind's embedded addresses. */
    @FunctionalInterface
    public interface Links {
        /**
         * Checks each address and length in {@code arg} (whose header is at offset 0) and returns the bytes of
         * {@code arg} the kernel may touch.
         *
         * @throws IllegalArgumentException if an address or length leaves {@code arg}
         */
        long check(MemorySegment arg);
    }

    public LinkedIoctl {
        if (headerSize <= 0) throw new IllegalArgumentException(name + ": a header has a positive size");
    }

    /**
     * Whether {@code [address, address+length)} lies inside {@code arg}: the one test every {@link Links} uses.
     */
    public static boolean inside(MemorySegment arg, long address, long length) {
        // SAFETY: addresses are compared here, not followed.
        long start = address - arg.address();
        return length >= 0 && start >= 0 && start <= arg.byteSize() - length;
    }

    /**
     * ioctl(2) on descriptor number {@code fd} with {@code arg}; returns the raw result.
     *
     * @throws IllegalArgumentException if {@code arg} is smaller than the header or an address in it leaves it
     */
    public int call(int fd, MemorySegment arg) {
        if (arg.byteSize() < headerSize) {
            throw new IllegalArgumentException(name + " needs a " + headerSize + "-byte header, got " + arg.byteSize());
        }
        links.check(arg);
        // SAFETY: the header and every buffer it names lie in arg (links just checked each address and length
        // against arg's bounds); arg is memory this module built for this call on this thread, so no other
        // thread rewrites an address after the check; the downcall keeps arg alive until ioctl returns.
        return Libc.ioctl(fd, request, arg);
    }
}
