package dev.j4l.fuse.session;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;

/**
 * Replies written to a {@code /dev/fuse} descriptor: each reply is one write(2), which the kernel matches to
 * its request by {@code unique}, so any thread may write any reply (notifications too, with unique 0).
 */
record DevFuseChannel(OwnedFd device) implements ReplyChannel {

    @Override
    public int reply(long unique, int error, NativeBuffer out, int payload) {
        return write(out, ReplyChannel.header(out, payload, error, unique));
    }

    @Override
    public ReplyChannel detached() {
        return this;
    }

    /** Sends notification {@code code}: a message with unique 0 and the code where a reply has its error. */
    int notify(int code, NativeBuffer out, int body) {
        return write(out, ReplyChannel.header(out, body, code, 0));
    }

    private int write(NativeBuffer out, int length) {
        int r;
        try {
            r = FuseDevice.write(device, out, length);
        } catch (IllegalStateException closed) {
            return Errno.ENODEV.number();
        }
        return r < 0 ? -r : 0;
    }
}
