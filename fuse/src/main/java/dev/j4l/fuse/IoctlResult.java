package dev.j4l.fuse;

/** The answer to an ioctl: its return value and the bytes copied back to the caller's buffer. */
public record IoctlResult(int result, byte[] out) {
    public static IoctlResult of(int result) {
        return new IoctlResult(result, new byte[0]);
    }
}
