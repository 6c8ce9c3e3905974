package dev.j4l.fuse.protocol;

import static dev.j4l.kernel.abi.FuseAbi.IN_HEADER;
import static dev.j4l.kernel.abi.FuseAbi.NAME_MAX;
import static dev.j4l.kernel.Fs.PATH_MAX;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileNames;
import dev.j4l.kernel.NativeBuffer;

/**
 * Reads the body of one request (what follows the in-header) for the decoders of {@link FuseOpcode}: every
 * offset is relative to the body, and nothing is read past its end, so a short or malformed message can only
 * produce an error, never another request's bytes. One per request loop, reset for each request.
 */
public final class RequestReader {
    private final NativeBuffer in;
    /** Room for the longest name or symlink target, copied out of the request to decode. */
    private final byte[] text = new byte[PATH_MAX];
    private int end;
    private int nameEnd;
    private int minor;
    private long flags;

    public RequestReader(NativeBuffer in) {
        this.in = in;
    }

    /**
     * Starts on a request whose body ends at {@code bodyEnd} (absolute), under the negotiated protocol minor
     * and INIT flags (both 0 before INIT).
     */
    public void reset(int bodyEnd, int minor, long flags) {
        this.end = bodyEnd;
        this.nameEnd = IN_HEADER;
        this.minor = minor;
        this.flags = flags;
    }

    /** Whether an INIT flag that changes a request's layout was negotiated. */
    public boolean has(long flag) {
        return (flags & flag) != 0;
    }

    /** Bytes in the body. */
    public int length() {
        return end - IN_HEADER;
    }

    /** The negotiated protocol minor (0 before INIT). */
    public int minor() {
        return minor;
    }

    public int u32(int off) {
        return in.getInt(IN_HEADER + off);
    }

    public long u64(int off) {
        return in.getLong(IN_HEADER + off);
    }

    /** The NUL-terminated name at body offset {@code off}; {@link #nextName} continues after its NUL. */
    public String name(int off) throws ErrnoException {
        int start = IN_HEADER + off;
        long nul = start <= end ? in.indexOf((byte) 0, start, end) : -1;
        if (nul < 0) throw new ErrnoException(Errno.EINVAL, "unterminated name");
        int len = (int) (nul - start);
        nameEnd = (int) nul + 1;
        if (len > NAME_MAX) throw new ErrnoException(Errno.ENAMETOOLONG);
        in.get(start, text, 0, len);
        // Names are bytes; FileNames escapes what is not UTF-8 so every name reaches the driver and comes back intact.
        return FileNames.decode(text, 0, len);
    }

    /** The name that follows the previous one (RENAME's new name, SYMLINK's name before its target). */
    public String nextName() throws ErrnoException {
        return name(nameEnd - IN_HEADER);
    }

    /** Body offset just past the last name read. */
    public int afterName() {
        return nameEnd - IN_HEADER;
    }

    /**
     * A SYMLINK target after the name: a path, not a name, so it may be up to PATH_MAX - 1 bytes; it runs to its
     * NUL or to the end of the body.
     */
    public String pathAfterName() throws ErrnoException {
        int start = nameEnd;
        if (start > end) throw new ErrnoException(Errno.EINVAL, "no symlink target");
        long nul = in.indexOf((byte) 0, start, end);
        int len = (int) ((nul < 0 ? end : nul) - start);
        if (len == 0) throw new ErrnoException(Errno.ENOENT, "empty symlink target");
        if (len > PATH_MAX - 1) throw new ErrnoException(Errno.ENAMETOOLONG);
        in.get(start, text, 0, len);
        return FileNames.decode(text, 0, len);
    }

    /** Checks that {@code [off, off + len)} of the body is inside it; returns its absolute offset in the request. */
    public int span(int off, int len) throws ErrnoException {
        if (len < 0 || off < 0 || off > length() || len > length() - off) {
            throw new ErrnoException(Errno.EINVAL, "request body of " + length() + " bytes has no " + len
                    + " bytes at " + off);
        }
        return IN_HEADER + off;
    }

    /** A copy of {@code [off, off + len)} of the body. */
    public byte[] bytes(int off, int len) throws ErrnoException {
        int at = span(off, len);
        byte[] b = new byte[len];
        in.get(at, b, 0, len);
        return b;
    }
}
