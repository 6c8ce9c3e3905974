package dev.j4l.kernel;

/**
 * Native memory for a {@link NativeBuffer} could not be had: the request would pass the process's native memory
 * limit, or the kernel refused the memory. An ordinary, recoverable result (a FUSE request that meets it is
 * answered {@code ENOMEM}), never an {@link OutOfMemoryError}.
 *
 * <p>The limit is the system property {@code j4l.nativeMemoryLimit} in bytes, by default the JVM's maximum heap
 * size, the same default the JDK gives its direct memory ({@code -XX:MaxDirectMemorySize}).
 */
public final class NativeMemoryLimitException extends RuntimeException {
    public NativeMemoryLimitException(String message) {
        super(message);
    }

    public NativeMemoryLimitException(String message, Throwable cause) {
        super(message, cause);
    }
}
