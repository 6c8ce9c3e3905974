package dev.j4l.fuse;

import java.util.Objects;

/**
 * The answer to a name lookup ({@code struct fuse_entry_out}): the driver's node and its attributes.
 *
 * <p>The driver names the node by its own object; the framework maps it to a kernel node id and counts
 * the kernel's references, so the same node object always gets the same node id while the kernel holds it,
 * and {@link FuseFilesystem#forget} is called once the kernel has dropped every reference. A node object's
 * {@code equals}/{@code hashCode} must stay stable while it is known to the kernel.
 *
 * @param node the driver's node, or null for a negative entry ("no such name", cached for
 *     {@code entryTimeoutNanos})
 * @param entryTimeoutNanos how long the kernel may cache the name, or {@link #DEFAULT_TIMEOUT} for the
 *     mount's configured value
 * @param attrTimeoutNanos how long the kernel may cache the attributes, or {@link #DEFAULT_TIMEOUT}
 */
public record Entry<N>(N node, Attr attr, long entryTimeoutNanos, long attrTimeoutNanos) {
    /** Use the timeouts of {@link MountOptions}. */
    public static final long DEFAULT_TIMEOUT = -1;

    public Entry {
        if (node != null) Objects.requireNonNull(attr, "attr of a positive entry");
    }

    public static <N> Entry<N> of(N node, Attr attr) {
        return new Entry<>(Objects.requireNonNull(node, "node"), attr, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT);
    }

    /** "No such name", remembered by the kernel for {@code timeoutNanos}; equivalent to ENOENT when 0. */
    public static <N> Entry<N> negative(long timeoutNanos) {
        return new Entry<>(null, null, timeoutNanos, 0);
    }

    public boolean isNegative() {
        return node == null;
    }
}
