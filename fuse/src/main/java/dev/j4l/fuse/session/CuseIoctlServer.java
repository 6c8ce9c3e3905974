package dev.j4l.fuse.session;

import dev.j4l.fuse.Request;
import dev.j4l.kernel.ErrnoException;

/**
 * Serves a CUSE session's IOCTLs in place of {@code FuseFilesystem.ioctl}, for the CUSE framework: a session
 * made with one asks the kernel for unrestricted ioctls ({@code CUSE_UNRESTRICTED_IOCTL}), whose data the server
 * fetches with {@link IoctlCall#retry}, and answers each through its {@link IoctlCall} in place in the reply.
 */
public interface CuseIoctlServer<H> {
    /** Answers one IOCTL on the open file {@code handle}: {@link IoctlCall#answer} or {@link IoctlCall#retry}. */
    void ioctl(Request r, H handle, IoctlCall call) throws ErrnoException;
}
