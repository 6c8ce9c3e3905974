/**
 * The block-device driver framework: a driver implements {@link dev.j4l.block.BlockDriver} (read, write,
 * flush, discard, write zeroes on byte ranges) once, and a transport serves it. Built on {@code dev.j4l.kernel}
 * only; the NBD transport needs no native access at all.
 */
// The qualified export names dev.j4l.block.loop and dev.j4l.block.ublk, which are compiled after this module: javac cannot see it yet.
@SuppressWarnings("module")
module dev.j4l.block {
    requires transitive dev.j4l.kernel;
    exports dev.j4l.block;
    exports dev.j4l.block.nbd;
    // What every transport shares (request checks, lent windows): for transports in other modules.
    exports dev.j4l.block.transport to dev.j4l.block.loop, dev.j4l.block.ublk;
}
