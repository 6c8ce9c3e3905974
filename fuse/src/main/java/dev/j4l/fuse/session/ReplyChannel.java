package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.OUT_ERROR;
import static dev.j4l.kernel.abi.FuseAbi.OUT_HEADER;
import static dev.j4l.kernel.abi.FuseAbi.OUT_LEN;
import static dev.j4l.kernel.abi.FuseAbi.OUT_UNIQUE;

import dev.j4l.kernel.NativeBuffer;

/**
 * Where the reply to one request goes: the only code that writes {@code fuse_out_header} and the only code
 * that knows the transport. The request pipeline, deferred replies and notifications all send through one.
 * A reply's payload is already in place at {@code [OUT_HEADER, OUT_HEADER + payload)} of its buffer.
 */
sealed interface ReplyChannel permits DevFuseChannel, RingEntryChannel, RingEntryChannel.Later {

    /**
     * Sends a reply ({@code error} 0 or a negative errno) to request {@code unique}. Returns 0, or the positive
     * errno the transport refused it with: ENOENT when the request was interrupted meanwhile, ENODEV or
     * ECONNABORTED when the connection is gone.
     */
    int reply(long unique, int error, NativeBuffer out, int payload);

    /** A channel that answers this request later, from any thread (the request's own may be confined). */
    ReplyChannel detached();

    /** Fills in the out-header of a message of {@code payload} bytes; the one place that does. */
    static int header(NativeBuffer out, int payload, int error, long unique) {
        int length = OUT_HEADER + payload;
        out.putInt(OUT_LEN, length);
        out.putInt(OUT_ERROR, error);
        out.putLong(OUT_UNIQUE, unique);
        return length;
    }
}
