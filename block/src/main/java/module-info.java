/**
 * The block-device driver framework: a driver implements {@link dev.j4l.block.BlockDriver} (read, write,
 * flush, discard, write zeroes on byte ranges) once, and a transport serves it. Built on {@code dev.j4l.kernel}
 * only; the NBD transport needs no native access at all.
 */
module dev.j4l.block {
    requires transitive dev.j4l.kernel;
    exports dev.j4l.block;
    exports dev.j4l.block.nbd;
}
