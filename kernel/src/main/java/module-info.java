/**
 * The only j4l module allowed to touch native memory or call the kernel.
 *
 * <p>{@code dev.j4l.kernel.raw} holds the downcalls and struct layouts and is not exported: everything
 * reachable from outside is safe to use from code that has no native access at all.
 */
// The qualified exports name dev.j4l.fuse, dev.j4l.input and dev.j4l.block.ublk, which are compiled after this module: javac cannot see it yet.
@SuppressWarnings("module")
module dev.j4l.kernel {
    exports dev.j4l.kernel;
    exports dev.j4l.kernel.net;
    // FUSE-over-io_uring rings: usable only by the FUSE framework, which owns the buffers they name.
    exports dev.j4l.kernel.uring to dev.j4l.fuse;
    // ublk devices and queues: for the block framework's ublk transport, which lends their buffers to drivers.
    exports dev.j4l.kernel.ublk to dev.j4l.block.ublk;
    // Kernel ABI layouts (offsets and sizes only, no memory access): for the frameworks that encode those structs.
    exports dev.j4l.kernel.abi to dev.j4l.fuse, dev.j4l.net, dev.j4l.input, dev.j4l.chardev;
}
