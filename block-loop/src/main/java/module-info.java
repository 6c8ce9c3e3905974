/**
 * The loop transport of the block framework: a {@link dev.j4l.block.BlockDriver} served as a real
 * {@code /dev/loopN}, whose bytes are one file of a private j4l FUSE mount. Built on {@code dev.j4l.block} and
 * {@code dev.j4l.fuse}; needs no native access of its own.
 */
module dev.j4l.block.loop {
    requires transitive dev.j4l.block;
    requires dev.j4l.fuse;
    exports dev.j4l.block.loop;
}
