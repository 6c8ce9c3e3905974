/**
 * The ublk transport of the block framework: a {@link dev.j4l.block.BlockDriver} served as a real
 * {@code /dev/ublkbN} through the kernel's ublk driver ({@code /dev/ublk-control}, {@code /dev/ublkcN}). Built on
 * {@code dev.j4l.block} and the ublk devices of {@code dev.j4l.kernel}; needs no native access of its own.
 */
module dev.j4l.block.ublk {
    requires transitive dev.j4l.block;
    exports dev.j4l.block.ublk;
}
