package dev.j4l.kernel.net;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;

/**
 * The kernel refused a netlink request. The message names the request and its target, the errno, and — when
 * the kernel gave one — its extended-ack explanation:
 * {@code RTM_NEWLINK set mtu 70000 on j4lt0: EINVAL (Invalid argument): MTU greater than device maximum}.
 */
public final class NetlinkException extends ErrnoException {
    private final String request;
    private final String extAck;

    public NetlinkException(String request, Errno errno, String extAck) {
        super(errno, request + ": " + errno.name() + " (" + errno.description() + ")"
                + (extAck == null || extAck.isEmpty() ? "" : ": " + extAck));
        this.request = request;
        this.extAck = extAck == null ? "" : extAck;
    }

    @Override
    protected boolean recordsStackTrace() {
        return true;
    }

    /** What was asked, e.g. {@code RTM_NEWADDR 10.0.0.1/24 on j4lt0}. */
    public String request() {
        return request;
    }

    /** The kernel's extended-ack text ({@code NLMSGERR_ATTR_MSG}), or an empty string when it sent none. */
    public String extAck() {
        return extAck;
    }
}
